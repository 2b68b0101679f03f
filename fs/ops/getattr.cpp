// op::getattr: stat(2), fstat(2), and `ls -l`.
//
// Valid replies: fuse_reply_attr, fuse_reply_err (ENOENT for an inode gone from the current
// snapshot, EIO when a size cannot be resolved: offline or the probe failed, ENOMEM).
// Cache effects: attr timeout by kind; this is where an unknown image size is resolved (a
// HEAD/Range probe bounded by Context::size_bound, remembered forever), so stat, fstat on an
// open fd and the bytes read always agree. The catalog also starts probing the neighbours
// of the photo in the background (ahead of `ls -l` / `cp -r` walking the page). Without
// opendir (Context::no_opendir), a directory's getattr stands in for opendir's note_listing:
// `ls DIR`, `cp -r DIR`, rsync and file managers stat a directory before they list it, and
// page and album directories get a 1 s attr timeout (attr.cpp) so that stat reaches us. The
// catalog then re-checks a stale listing, and the prefetcher sees which album is walked.
#include "fs/attr.hpp"
#include "fs/errno_map.hpp"
#include "fs/ops/guard.hpp"
#include "fs/ops/node_attr.hpp"
#include "fs/ops/ops.hpp"
#include "fs/ops/upload_nodes.hpp"

namespace flickrfs::fs::op {

void getattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info* /*fi*/) {
  guarded(req, "getattr", [&] {
    Context& ctx = context_of(req);
    if (upload_getattr(req, ctx, ino)) return;
    const auto tree = ctx.catalog->tree();
    const auto node = tree->node(ino);
    if (!node) {
      fuse_reply_err(req, ENOENT);
      return;
    }
    if (ctx.no_opendir.load() && model::is_directory(node->kind)) note_listing(ctx, tree, *node);
    const auto attr = node_attr(ctx, *tree, *node, SizePolicy::resolve);
    if (!attr.ok()) {
      fuse_reply_err(req, to_errno(attr.error()));
      return;
    }
    struct stat st;
    fill_stat(ctx, *attr, st);
    fuse_reply_attr(req, &st, attr_timeout(ctx, *attr));
  });
}

}  // namespace flickrfs::fs::op
