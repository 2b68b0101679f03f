// op::flush and op::fsync: a file written in upload/ (or a replacement of an image) is
// fsynced to its spool file, so a full or failing disk is reported to close()/fsync() of
// the writer, not lost silently.
// Other files are read-only (their opens set noflush; nothing to do).
//
// Valid replies: fuse_reply_err (0, ENOSPC, EIO).
#include "fs/errno_map.hpp"
#include "fs/ops/guard.hpp"
#include "fs/ops/ops.hpp"
#include "fs/ops/upload_nodes.hpp"
#include "fs/upload/upload_area.hpp"

namespace flickrfs::fs::op {

namespace {

void sync_upload(fuse_req_t req, fuse_file_info* fi) {
  Context& ctx = context_of(req);
  auto* handle = upload_handle(fi);
  if (handle == nullptr || ctx.uploads == nullptr) {
    fuse_reply_err(req, 0);
    return;
  }
  const auto synced = ctx.uploads->sync(*handle);
  fuse_reply_err(req, synced.ok() ? 0 : to_errno(synced.error()));
}

}  // namespace

void flush(fuse_req_t req, fuse_ino_t /*ino*/, fuse_file_info* fi) {
  guarded(req, "flush", [&] { sync_upload(req, fi); });
}

void fsync(fuse_req_t req, fuse_ino_t /*ino*/, int /*datasync*/, fuse_file_info* fi) {
  guarded(req, "fsync", [&] { sync_upload(req, fi); });
}

}  // namespace flickrfs::fs::op
