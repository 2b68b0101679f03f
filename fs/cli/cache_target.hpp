#pragma once
// What `flickrfs cache ...` works on: which user's cache (from --user and what is on disk),
// and which album or page a mount path names (for pin/unpin).
//
// Thread contract: pure functions and one-shot filesystem reads; called from main's thread.

#include <string>
#include <string_view>

#include "base/result.hpp"
#include "cache/meta_store.hpp"

namespace flickrfs::cli {

// "MOUNT/sets/<title>_<album id>" -> album pin, "MOUNT/photostream/page-0003" -> page pin.
// Album directory names end in _<id> (fs/model/naming.hpp); a trailing '/' is ignored.
[[nodiscard]] Result<cache::Pin> parse_pin_path(std::string_view path);

// The NSID whose cache to use: --user when it is an NSID (contains '@'); otherwise the one
// user directory under `cache_dir` (there is no network here to resolve "me" or a name).
[[nodiscard]] Result<std::string> resolve_cached_user(const std::string& cache_dir,
                                                      std::string_view user);

}  // namespace flickrfs::cli
