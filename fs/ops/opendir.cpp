// op::opendir: a directory handle (stateless: offsets index the snapshot's listing).
//
// Valid replies: fuse_reply_open, fuse_reply_err (ENOENT stale inode, ENOTDIR, ENOMEM, EIO).
// Cache effects: cache_readdir + keep_cache, so repeated `ls`/`find` are answered by the
// kernel until the listing changes; a changed listing is invalidated explicitly
// (notify_inval_inode on the directory, fs/invalidator.cpp). Also tells the catalog the
// directory is in use, which refreshes stale listings in the background.
#include "fs/context.hpp"
#include "fs/ops/guard.hpp"
#include "fs/ops/ops.hpp"

namespace flickrfs::fs::op {

void opendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  guarded(req, "opendir", [&] {
    Context& ctx = context_of(req);
    const auto tree = ctx.catalog->tree();
    const auto node = tree->node(ino);
    if (!node) {
      fuse_reply_err(req, ENOENT);
      return;
    }
    if (!model::is_directory(node->kind)) {
      fuse_reply_err(req, ENOTDIR);
      return;
    }
    ctx.catalog->note_listing(*tree, *node);
    fi->fh = 0;
    fi->cache_readdir = 1;
    fi->keep_cache = 1;
    fuse_reply_open(req, fi);
  });
}

}  // namespace flickrfs::fs::op
