// op::opendir: a directory handle (stateless: offsets index the snapshot's listing).
//
// Valid replies: fuse_reply_open, fuse_reply_err (ENOENT stale inode, ENOTDIR, ENOMEM, EIO;
// ENOSYS where the kernel supports running without opendir: Context::no_opendir).
// With no_opendir the kernel never asks again: every directory is opened as if with
// cache_readdir + keep_cache, and readdir at offset 0 does what opendir does below.
// Otherwise (older kernels): cache_readdir + keep_cache once listed, so repeated `ls`/`find`
// are answered by the kernel until the listing changes; a changed listing is invalidated
// explicitly (notify_inval_inode on the directory, fs/invalidator.cpp). Also tells the
// catalog the directory is in use, which refreshes stale listings in the background. A
// directory a first mount has not listed yet is waited for here (bounded:
// Context::listing_bound).
#include "fs/context.hpp"
#include "fs/ops/guard.hpp"
#include "fs/ops/node_attr.hpp"
#include "fs/ops/ops.hpp"
#include "fs/ops/upload_nodes.hpp"

namespace flickrfs::fs::op {

void opendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  guarded(req, "opendir", [&] {
    Context& ctx = context_of(req);
    if (ctx.no_opendir.load()) {
      fuse_reply_err(req, ENOSYS);
      return;
    }
    if (in_uploads(ctx, ino)) {  // changes with every write: never cached
      fi->fh = 0;
      fuse_reply_open(req, fi);
      return;
    }
    const auto tree = listed_snapshot(ctx, ino);
    const auto node = tree->node(ino);
    if (!node) {
      fuse_reply_err(req, ENOENT);
      return;
    }
    if (!model::is_directory(node->kind)) {
      fuse_reply_err(req, ENOTDIR);
      return;
    }
    note_listing(ctx, tree, *node);
    note_entries_listed(req, ctx, tree, *node);
    fi->fh = 0;
    // Still not listed after the wait: shown with what is known, and not kept by the kernel.
    const bool listed = tree->listed(*node);
    fi->cache_readdir = listed ? 1 : 0;
    fi->keep_cache = listed ? 1 : 0;
    fuse_reply_open(req, fi);
  });
}

}  // namespace flickrfs::fs::op
