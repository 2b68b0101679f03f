// op::create: a new file. Only in upload/ of a --writable mount (UploadArea::create);
// everywhere else the tree is Flickr's and the answer is EROFS.
//
// Valid replies: fuse_reply_create, fuse_reply_err (EROFS, EEXIST, EINVAL for a name
// with a tab or newline, ENOENT, ENOSPC/EIO from the spool, ENOMEM).
// Cache effects: entry and attributes uncached (they change with every write).
#include "fs/attr.hpp"
#include "fs/errno_map.hpp"
#include "fs/ops/guard.hpp"
#include "fs/ops/ops.hpp"
#include "fs/ops/upload_nodes.hpp"
#include "fs/upload/upload_area.hpp"

namespace flickrfs::fs::op {

void create(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t /*mode*/,
            fuse_file_info* fi) {
  guarded(req, "create", [&] {
    Context& ctx = context_of(req);
    if (!in_uploads(ctx, parent)) {
      fuse_reply_err(req, EROFS);
      return;
    }
    auto handle = ctx.uploads->create(parent, name);
    if (!handle.ok()) {
      fuse_reply_err(req, to_errno(handle.error()));
      return;
    }
    const auto attr = ctx.uploads->attr((*handle)->ino());
    fuse_entry_param entry = make_entry(ctx, *attr);
    fi->direct_io = 1;  // writes go straight to the spool file; nothing cached to go stale
    fi->fh = reinterpret_cast<std::uint64_t>(static_cast<model::OpenFile*>(handle->release()));
    if (fuse_reply_create(req, &entry, fi) != 0) {
      // Nobody will release it: drop the staged file.
      std::unique_ptr<upload::UploadHandle> lost(
          static_cast<upload::UploadHandle*>(reinterpret_cast<model::OpenFile*>(fi->fh)));
      (void)ctx.uploads->release(std::move(lost));
    }
  });
}

}  // namespace flickrfs::fs::op
