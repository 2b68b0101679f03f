#pragma once
// Photos per page: one photostream/page-NNNN/ folder of the tree holds this many, and a
// pinned page (Pin::page) names the same photos, so the tree and the pins share this value.

#include <cstddef>

namespace flickrfs::cache {

inline constexpr std::size_t kPhotosPerPage = 500;

}  // namespace flickrfs::cache
