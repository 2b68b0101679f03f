#pragma once
// `flickrfs --version`: flickrfs's own version and the versions of the libraries it runs
// with, asked at run time where the library can tell (libfuse, libcurl, LMDB); simdjson has
// no run-time version call, so it shows the version built against and the SIMD kernel it
// picked on this CPU. A bug report with this output names the whole stack.
//
// Thread contract: a free function; thread-safe.

#include <string>
#include <string_view>

namespace flickrfs::cli {

// "flickrfs 0.1.0\nlibfuse 3.14.0\nlibcurl 7.88.1 (OpenSSL/3.0.11)\nLMDB 0.9.24\n..."
[[nodiscard]] std::string version_text(std::string_view flickrfs_version);

}  // namespace flickrfs::cli
