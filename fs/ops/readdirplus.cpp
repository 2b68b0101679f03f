// op::readdirplus: names with attributes (ls -l); files of unknown size are sent without attributes
// (ino 0) so this never waits on the network.
//
// Valid replies: fuse_reply_buf, fuse_reply_err (ENOENT for a directory gone from the
// current snapshot, ENOMEM, EIO).
// Cache effects: entries are cached through cache_readdir (opendir.cpp); each entry
// with attributes carries the entry/attr timeouts of its kind (attr.cpp).
#include <cerrno>

#include "fs/errno_map.hpp"
#include "fs/ops/dir_buffer.hpp"
#include "fs/ops/guard.hpp"
#include "fs/ops/ops.hpp"

namespace flickrfs::fs::op {

void readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset,
                 fuse_file_info* /*fi*/) {
  guarded(req, "readdirplus", [&] {
    const auto buffer = fill_dir_buffer(req, context_of(req), ino, size, offset, DirFormat::plus);
    if (!buffer.ok()) {
      fuse_reply_err(req, to_errno(buffer.error()));
      return;
    }
    fuse_reply_buf(req, buffer->data(), buffer->size());
  });
}

}  // namespace flickrfs::fs::op
