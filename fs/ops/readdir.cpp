// op::readdir: names and types only (ls, find -type f).
//
// Valid replies: fuse_reply_buf, fuse_reply_err (ENOENT for a directory gone from the
// current snapshot, ENOMEM, EIO).
// Cache effects: entries are cached through cache_readdir (opendir.cpp).
#include <cerrno>

#include "fs/errno_map.hpp"
#include "fs/ops/dir_buffer.hpp"
#include "fs/ops/guard.hpp"
#include "fs/ops/ops.hpp"

namespace flickrfs::fs::op {

void readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset, fuse_file_info* /*fi*/) {
  guarded(req, "readdir", [&] {
    const auto buffer = fill_dir_buffer(req, context_of(req), ino, size, offset, DirFormat::names);
    if (!buffer.ok()) {
      fuse_reply_err(req, to_errno(buffer.error()));
      return;
    }
    fuse_reply_buf(req, buffer->data(), buffer->size());
  });
}

}  // namespace flickrfs::fs::op
