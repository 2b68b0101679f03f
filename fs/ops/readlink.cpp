// op::readlink: an album entry's relative target into photostream/.
//
// Valid replies: fuse_reply_readlink, fuse_reply_err (ENOENT for a stale inode, EINVAL for
// a node that is not a link, ENOMEM, EIO).
// Cache effects: with FUSE_CAP_CACHE_SYMLINKS (init.cpp) the kernel keeps the target until
// the link inode is invalidated (a page shift moves the target: tree_diff.cpp).
#include "fs/context.hpp"
#include "fs/ops/guard.hpp"
#include "fs/ops/ops.hpp"

namespace flickrfs::fs::op {

void readlink(fuse_req_t req, fuse_ino_t ino) {
  guarded(req, "readlink", [&] {
    const auto tree = context_of(req).catalog->tree();
    const auto node = tree->node(ino);
    if (!node) {
      fuse_reply_err(req, ENOENT);
      return;
    }
    if (!model::is_symlink(node->kind)) {
      fuse_reply_err(req, EINVAL);
      return;
    }
    const std::string target = tree->link_target(*node);
    fuse_reply_readlink(req, target.c_str());
  });
}

}  // namespace flickrfs::fs::op
