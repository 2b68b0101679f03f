// op::setattr: truncate, chmod, utimes ... A file being written in upload/, or the
// replacement of an image opened with O_TRUNC, may be truncated through its handle
// (ftruncate); modes and times there are accepted and not kept (Flickr takes neither).
// Everything else belongs to Flickr: EROFS (a read-only mount never gets here, the kernel
// answers EROFS itself).
//
// Valid replies: fuse_reply_attr, fuse_reply_err (EROFS, EBUSY to truncate a queued file
// without an open handle, ENOENT, ENOSPC/EIO, ENOMEM).
#include "fs/attr.hpp"
#include "fs/errno_map.hpp"
#include "fs/ops/guard.hpp"
#include "fs/ops/node_attr.hpp"
#include "fs/ops/ops.hpp"
#include "fs/ops/upload_nodes.hpp"
#include "fs/upload/upload_area.hpp"

namespace flickrfs::fs::op {

namespace {

// The image being replaced, as lookup and getattr show it (the replacement's size).
std::optional<model::Attr> replaced_attr(Context& ctx, fuse_ino_t ino) {
  const auto tree = ctx.catalog->tree();
  const auto node = tree->node(ino);
  if (!node) return std::nullopt;
  auto attr = node_attr(ctx, *tree, *node, SizePolicy::known_only);
  if (!attr.ok()) return std::nullopt;
  return *attr;
}

}  // namespace

void setattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info* fi) {
  guarded(req, "setattr", [&] {
    Context& ctx = context_of(req);
    auto* handle = upload_handle(fi);
    const bool replacing = handle != nullptr && !handle->replaces().empty();
    if (!in_uploads(ctx, ino) && !(replacing && ctx.uploads != nullptr)) {
      fuse_reply_err(req, EROFS);
      return;
    }
    if ((to_set & FUSE_SET_ATTR_SIZE) != 0) {
      if (handle == nullptr || !handle->writable()) {
        fuse_reply_err(req, EBUSY);
        return;
      }
      const auto truncated =
          ctx.uploads->truncate(*handle, static_cast<std::uint64_t>(attr->st_size));
      if (!truncated.ok()) {
        fuse_reply_err(req, to_errno(truncated.error()));
        return;
      }
    }
    const auto now = replacing ? replaced_attr(ctx, ino) : ctx.uploads->attr(ino);
    if (!now) {
      fuse_reply_err(req, ENOENT);
      return;
    }
    struct stat st;
    fill_stat(ctx, *now, st);
    fuse_reply_attr(req, &st, 0);
  });
}

}  // namespace flickrfs::fs::op
