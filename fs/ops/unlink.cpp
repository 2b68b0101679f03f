// op::unlink: `rm` of a photostream image deletes the photo on Flickr, on a mount with
// --allow-delete (which requires --writable) only. The photo leaves the tree, with its
// sidecar and album links, once Flickr has confirmed (CatalogView::delete_photo); until then
// and after a failure nothing changes here. Everything else is Flickr's structure or derived
// from a photo (sidecars, album links, .hidden, extra sizes): never removable. Files of
// upload/ are not removable either: they are on their way to Flickr.
//
// Valid replies: fuse_reply_err (0; EPERM without --allow-delete or for anything but a
// photostream image; EROFS on a read-only mount (the kernel answers it itself); ENOENT;
// EIO when Flickr fails or is unreachable; EACCES when the token may not delete).
// Cache effects: the rebuilt tree's diff invalidates the names (fs/invalidator.hpp).
#include "fs/errno_map.hpp"
#include "fs/ops/guard.hpp"
#include "fs/ops/ops.hpp"
#include "fs/ops/upload_nodes.hpp"

namespace flickrfs::fs::op {

void unlink(fuse_req_t req, fuse_ino_t parent, const char* name) {
  guarded(req, "unlink", [&] {
    Context& ctx = context_of(req);
    if (ctx.uploads == nullptr) {
      fuse_reply_err(req, EROFS);
      return;
    }
    if (in_uploads(ctx, parent)) {
      fuse_reply_err(req, EPERM);
      return;
    }
    const auto tree = ctx.catalog->tree();
    const auto node = tree->lookup(parent, name);
    if (!node) {
      fuse_reply_err(req, ENOENT);
      return;
    }
    // A favorite is another member's photo: never ours to delete.
    if (!ctx.allow_delete || node->kind != model::NodeKind::image_file ||
        tree->is_favorite(node->index)) {
      fuse_reply_err(req, EPERM);
      return;
    }
    const auto deleted = ctx.catalog->delete_photo(std::string(tree->photo(node->index).photo.id));
    fuse_reply_err(req, deleted.ok() ? 0 : to_errno(deleted.error()));
  });
}

}  // namespace flickrfs::fs::op
