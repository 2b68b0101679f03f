// op::getxattr and op::listxattr: flickrfs exposes no extended attributes (metadata lives
// in info.json; the daemon's status in a status file, see fs/status_file.hpp).
//
// Valid replies: fuse_reply_err(ENOSYS) only. The kernel remembers ENOSYS and stops sending
// xattr requests for the whole mount, which saves `ls -l` one round trip per file
// (security.selinux / POSIX ACL probes; fuse-anchors 2.11).
#include <cerrno>

#include "fs/ops/ops.hpp"

namespace flickrfs::fs::op {

void getxattr(fuse_req_t req, fuse_ino_t /*ino*/, const char* /*name*/, size_t /*size*/) {
  fuse_reply_err(req, ENOSYS);
}

void listxattr(fuse_req_t req, fuse_ino_t /*ino*/, size_t /*size*/) {
  fuse_reply_err(req, ENOSYS);
}

}  // namespace flickrfs::fs::op
