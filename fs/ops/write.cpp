// op::write: bytes into a file being created in upload/ or into the replacement of a
// photostream image opened with O_TRUNC (UploadArea::write, a pwrite to its spool file).
// Other files are never open for writing (open/create refuse).
//
// Valid replies: fuse_reply_write, fuse_reply_err (EBADF for a handle opened read-only,
// ENOSPC when the spool's disk is full, EIO, ENOMEM).
#include <string_view>

#include "fs/errno_map.hpp"
#include "fs/ops/guard.hpp"
#include "fs/ops/ops.hpp"
#include "fs/ops/upload_nodes.hpp"
#include "fs/upload/upload_area.hpp"

namespace flickrfs::fs::op {

void write(fuse_req_t req, fuse_ino_t /*ino*/, const char* buf, size_t size, off_t offset,
           fuse_file_info* fi) {
  guarded(req, "write", [&] {
    Context& ctx = context_of(req);
    auto* handle = upload_handle(fi);
    if (handle == nullptr || ctx.uploads == nullptr || !handle->writable() || offset < 0) {
      fuse_reply_err(req, EBADF);
      return;
    }
    const auto written = ctx.uploads->write(*handle, std::string_view(buf, size),
                                            static_cast<std::uint64_t>(offset));
    if (!written.ok()) {
      fuse_reply_err(req, to_errno(written.error()));
      return;
    }
    fuse_reply_write(req, *written);
  });
}

}  // namespace flickrfs::fs::op
