#pragma once
// The ops' side of MOUNT/upload/ (a --writable mount, fs/upload/upload_area.hpp): which
// requests it answers, and its attributes and entries in the form the ops reply with.
// Every function returns false (and sends nothing) when the request is not about upload/,
// so an op stays `if (upload_x(...)) return;` followed by its usual body.
//
// Thread contract: stateless; safe from any thread (UploadArea is thread-safe).

#include <vector>

#include <fuse_lowlevel.h>

#include "fs/context.hpp"
#include "fs/model/node.hpp"

namespace flickrfs::upload {
class UploadHandle;
}

namespace flickrfs::fs::op {

// True when `ino` is upload/ or below it on this mount.
[[nodiscard]] bool in_uploads(const Context& ctx, fuse_ino_t ino);
// lookup of "upload" in the root, or of any name below upload/.
[[nodiscard]] bool upload_lookup(fuse_req_t req, Context& ctx, fuse_ino_t parent, const char* name);
[[nodiscard]] bool upload_getattr(fuse_req_t req, Context& ctx, fuse_ino_t ino);
// The open file behind `fi` when it is a file of upload/ or a replacement being written or
// read (fs/upload/upload_area.hpp); null for the tree's files.
[[nodiscard]] upload::UploadHandle* upload_handle(const fuse_file_info* fi);
// upload/'s own entry, listed in the root after the tree's (readdir of the root).
[[nodiscard]] std::vector<model::DirEntry> upload_root_entries(const Context& ctx);

}  // namespace flickrfs::fs::op
