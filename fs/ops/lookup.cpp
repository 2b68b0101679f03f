// op::lookup: a name in a directory.
//
// Valid replies: fuse_reply_entry (also for "no such name": ino 0 = a negative entry the
// kernel caches), fuse_reply_err (ENOMEM, EIO).
// Cache effects: entry/attr timeouts by kind (attr.cpp); a file whose byte size is not known
// yet gets attr timeout 0, so the next stat() comes back as getattr, which resolves it.
// Never waits on the network: `find` and `ls` walk the tree without a request per photo.
// In a directory whose listing a first mount has not fetched yet, it waits for that
// listing (bounded, lookup_snapshot) or for `name` to appear there as a directory (a first
// walk's final pages, sync/first_pages.hpp), and a miss there is not cached. Without opendir
// (Context::no_opendir) a directory found here counts as in use: its entry timeout is the
// --dir-cache-time, so this is where a stale listing gets noticed.
#include "fs/attr.hpp"
#include "fs/errno_map.hpp"
#include "fs/ops/guard.hpp"
#include "fs/ops/node_attr.hpp"
#include "fs/ops/ops.hpp"
#include "fs/ops/upload_nodes.hpp"

namespace flickrfs::fs::op {

void lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
  guarded(req, "lookup", [&] {
    Context& ctx = context_of(req);
    if (upload_lookup(req, ctx, parent, name)) return;
    const auto tree = lookup_snapshot(ctx, parent, name);
    const auto node = tree->lookup(parent, name);
    if (!node) {
      fuse_entry_param negative = make_negative_entry(ctx, name);
      const auto dir = tree->node(parent);
      if (dir && !tree->listed(*dir)) negative.entry_timeout = 0;  // may exist once listed
      fuse_reply_entry(req, &negative);
      return;
    }
    const auto attr = node_attr(ctx, *tree, *node, SizePolicy::known_only);
    if (!attr.ok()) {
      fuse_reply_err(req, to_errno(attr.error()));
      return;
    }
    if (model::is_directory(node->kind)) {
      ctx.kernel_dirs.note(node->ino);
      if (ctx.no_opendir.load()) ctx.catalog->note_listing(*tree, *node);
    }
    const fuse_entry_param entry = make_entry(ctx, *attr);
    fuse_reply_entry(req, &entry);
  });
}

}  // namespace flickrfs::fs::op
