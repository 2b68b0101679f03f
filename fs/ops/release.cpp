// op::release: the last close of an open file; frees its model::OpenFile (which unpins the
// blob, making it evictable again).
//
// Valid replies: fuse_reply_err(0).
#include "fs/model/catalog_view.hpp"
#include "fs/ops/ops.hpp"

namespace flickrfs::fs::op {

void release(fuse_req_t req, fuse_ino_t /*ino*/, fuse_file_info* fi) {
  delete reinterpret_cast<model::OpenFile*>(fi->fh);
  fi->fh = 0;
  fuse_reply_err(req, 0);
}

}  // namespace flickrfs::fs::op
