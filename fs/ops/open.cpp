// op::open: a regular file, read-only; on a --writable mount, an O_TRUNC open for writing of
// a photostream image starts its replacement (UploadArea::begin_replace: the bytes go to the
// spool, release queues them for /services/replace/), and until Flickr has them the image
// reads as the replacement.
//
// Valid replies: fuse_reply_open, fuse_reply_err (ENOENT stale inode, EISDIR, EROFS for any
// other write access, EOPNOTSUPP for writing an image without O_TRUNC (Flickr takes whole
// files), EBUSY while that photo's replacement is pending, EIO when the size or the first
// bytes cannot be had: offline and not cached, or the download failed; ENOMEM).
// Cache effects: the size is resolved *before* replying, so fstat() on the fd and the bytes
// read agree even for a file whose size was unknown at lookup. Image files set keep_cache
// (their inode changes with their content, model/inode.hpp); sidecars, .hidden and
// album.json do not (they are re-rendered when the photo or listing changes and must not
// show stale pages).
// A directory's .hidden waits (bounded) for the thumbnails being written for that directory:
// file managers read it while listing, before they look for thumbnails (node_attr.hpp).
#include <fcntl.h>

#include "fs/context.hpp"
#include "fs/errno_map.hpp"
#include "fs/ops/guard.hpp"
#include "fs/ops/node_attr.hpp"
#include "fs/ops/ops.hpp"
#include "fs/ops/upload_nodes.hpp"
#include "fs/prefetch/prefetcher.hpp"
#include "fs/upload/upload_area.hpp"

namespace flickrfs::fs::op {

namespace {

// Hands `handle` to the kernel as fi->fh (direct I/O: its bytes are not Flickr's yet).
void reply_handle(fuse_req_t req, Context& ctx,
                  Result<std::unique_ptr<upload::UploadHandle>> handle, fuse_file_info* fi) {
  if (!handle.ok()) {
    fuse_reply_err(req, to_errno(handle.error()));
    return;
  }
  fi->direct_io = 1;
  fi->fh = reinterpret_cast<std::uint64_t>(static_cast<model::OpenFile*>(handle->release()));
  if (fuse_reply_open(req, fi) != 0) {
    std::unique_ptr<upload::UploadHandle> lost(upload_handle(fi));
    (void)ctx.uploads->release(std::move(lost));
  }
}

// A file queued in upload/ is read-only: it is being sent as it is (EBUSY for writes).
void open_upload(fuse_req_t req, Context& ctx, fuse_ino_t ino, fuse_file_info* fi) {
  if ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & O_TRUNC) != 0) {
    fuse_reply_err(req, EBUSY);
    return;
  }
  reply_handle(req, ctx, ctx.uploads->open_read(ino), fi);  // may still grow while written
}

// A write open of a photostream image on a --writable mount.
void open_replace(fuse_req_t req, Context& ctx, const model::Tree& tree, const model::Node& node,
                  fuse_file_info* fi) {
  // A favorite is another member's photo: never ours to replace.
  if (ctx.uploads == nullptr || node.kind != model::NodeKind::image_file ||
      tree.is_favorite(node.index)) {
    fuse_reply_err(req, EROFS);
    return;
  }
  if ((fi->flags & O_TRUNC) == 0) {
    fuse_reply_err(req, EOPNOTSUPP);
    return;
  }
  reply_handle(req, ctx,
               ctx.uploads->begin_replace(node.ino, std::string(tree.photo(node.index).photo.id)),
               fi);
}

}  // namespace

void open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  guarded(req, "open", [&] {
    Context& ctx = context_of(req);
    if (in_uploads(ctx, ino)) {
      open_upload(req, ctx, ino, fi);
      return;
    }
    const bool writing = (fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & O_TRUNC) != 0;
    if (writing && ctx.uploads == nullptr) {
      fuse_reply_err(req, EROFS);
      return;
    }
    const auto tree = ctx.catalog->tree();
    const auto node = tree->node(ino);
    if (!node) {
      fuse_reply_err(req, ENOENT);
      return;
    }
    if (!model::is_regular_file(node->kind)) {
      fuse_reply_err(req, EISDIR);
      return;
    }
    if (writing) {
      open_replace(req, ctx, *tree, *node, fi);
      return;
    }
    if (node->kind == model::NodeKind::image_file && ctx.uploads != nullptr) {
      auto pending = ctx.uploads->open_replacement(ino, tree->photo(node->index).photo.id);
      if (pending.ok() || pending.error().code != Errc::not_found) {
        reply_handle(req, ctx, std::move(pending), fi);
        return;
      }
    }
    if (ctx.prefetcher != nullptr) ctx.prefetcher->note_open(tree, *node);  // walk-ahead
    if (node->kind == model::NodeKind::hidden_list) await_thumbnails(req, ctx, tree, *node);
    auto file = ctx.catalog->open(*tree, *node);
    if (!file.ok()) {
      fuse_reply_err(req, to_errno(file.error()));
      return;
    }
    const bool immutable =
        node->kind == model::NodeKind::image_file || node->kind == model::NodeKind::size_file;
    fi->keep_cache = immutable ? 1 : 0;
    fi->noflush = 1;
    fi->fh = reinterpret_cast<std::uint64_t>(std::move(file).value().release());
    if (fuse_reply_open(req, fi) != 0) {
      // The opener is gone (interrupted); nobody will call release for this handle.
      delete reinterpret_cast<model::OpenFile*>(fi->fh);
    }
  });
}

}  // namespace flickrfs::fs::op
