#pragma once
// Fills one readdir / readdirplus reply buffer from the snapshot's listing (shared by
// readdir.cpp and readdirplus.cpp, which differ only in the entry format).
//
// Thread contract: stateless; safe from any thread.

#include <cstddef>
#include <vector>

#include <fuse_lowlevel.h>

#include "base/result.hpp"
#include "fs/context.hpp"

namespace flickrfs::fs::op {

enum class DirFormat : std::uint8_t { names, plus };

// The reply bytes for `size` bytes of entries of `ino` from `offset`.
[[nodiscard]] Result<std::vector<char>> fill_dir_buffer(fuse_req_t req, Context& ctx,
                                                        fuse_ino_t ino, std::size_t size,
                                                        off_t offset, DirFormat format);

}  // namespace flickrfs::fs::op
