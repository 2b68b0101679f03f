#pragma once
// Small helpers shared by the files of UploadArea (upload_area.cpp, upload_replace.cpp).
//
// Thread contract: free functions; thread-safe.

#include <cstdint>
#include <string>

#include "base/result.hpp"

namespace flickrfs::upload::spool_io {

[[nodiscard]] std::int64_t unix_now();
// errno as an Error about `what` (Errc::no_space for ENOSPC and EDQUOT, sys_errno kept).
[[nodiscard]] Error sys_error(const std::string& what);

}  // namespace flickrfs::upload::spool_io
