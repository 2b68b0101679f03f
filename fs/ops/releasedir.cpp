// op::releasedir: directory handles hold nothing (opendir.cpp), so only acknowledge.
//
// Valid replies: fuse_reply_err(0).
#include "fs/ops/ops.hpp"

namespace flickrfs::fs::op {

void releasedir(fuse_req_t req, fuse_ino_t /*ino*/, fuse_file_info* /*fi*/) {
  fuse_reply_err(req, 0);
}

}  // namespace flickrfs::fs::op
