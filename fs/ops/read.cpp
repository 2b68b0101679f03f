// op::read: bytes of an open file (fuse_file_info::fh is its model::OpenFile).
//
// Valid replies: fuse_reply_buf, fuse_reply_err (EIO when a download fails or stalls, or the
// blob is corrupt; ENOMEM).
// Cache effects: none here; keep_cache was decided at open. Reads of a file still
// downloading wait for their range only (the blob store streams), bounded by the
// download's stall timeout.
#include <cerrno>
#include <vector>

#include "fs/errno_map.hpp"
#include "fs/model/catalog_view.hpp"
#include "fs/ops/guard.hpp"
#include "fs/ops/ops.hpp"

namespace flickrfs::fs::op {

void read(fuse_req_t req, fuse_ino_t /*ino*/, size_t size, off_t offset, fuse_file_info* fi) {
  guarded(req, "read", [&] {
    auto* file = reinterpret_cast<model::OpenFile*>(fi->fh);
    if (offset < 0) {
      fuse_reply_err(req, EINVAL);
      return;
    }
    std::vector<char> buffer(size);
    const auto got = file->read(static_cast<std::uint64_t>(offset), buffer);
    if (!got.ok()) {
      fuse_reply_err(req, to_errno(got.error()));
      return;
    }
    fuse_reply_buf(req, buffer.data(), *got);
  });
}

}  // namespace flickrfs::fs::op
