// op::forget and op::forget_multi: the kernel drops lookup references.
//
// Valid replies: fuse_reply_none only.
// Inode numbers are derived from what a node is (model/inode.hpp), not allocated, so there
// is no table to shrink: nothing to do but acknowledge.
#include "fs/ops/ops.hpp"

namespace flickrfs::fs::op {

void forget(fuse_req_t req, fuse_ino_t /*ino*/, uint64_t /*nlookup*/) {
  fuse_reply_none(req);
}

void forget_multi(fuse_req_t req, size_t /*count*/, fuse_forget_data* /*forgets*/) {
  fuse_reply_none(req);
}

}  // namespace flickrfs::fs::op
