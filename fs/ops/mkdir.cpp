// op::mkdir: upload/<album>/ of a --writable mount (files written there also go into that
// album). Anywhere else: EROFS; below an album: EPERM (albums are one level).
//
// Valid replies: fuse_reply_entry, fuse_reply_err (EROFS, EPERM, EEXIST, EINVAL, ENOMEM).
#include "fs/attr.hpp"
#include "fs/errno_map.hpp"
#include "fs/ops/guard.hpp"
#include "fs/ops/ops.hpp"
#include "fs/ops/upload_nodes.hpp"
#include "fs/upload/upload_area.hpp"

namespace flickrfs::fs::op {

void mkdir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t /*mode*/) {
  guarded(req, "mkdir", [&] {
    Context& ctx = context_of(req);
    if (!in_uploads(ctx, parent)) {
      fuse_reply_err(req, EROFS);
      return;
    }
    const auto made = ctx.uploads->mkdir(parent, name);
    if (!made.ok()) {
      fuse_reply_err(req, to_errno(made.error()));
      return;
    }
    const fuse_entry_param entry = make_entry(ctx, *made);
    fuse_reply_entry(req, &entry);
  });
}

}  // namespace flickrfs::fs::op
