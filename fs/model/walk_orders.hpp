#pragma once
// The orders in which programs walk a directory of photos, and each photo's rank in them.
//
// Tools walk a directory differently: readdir order (find, tar), names sorted bytewise
// (rsync, and `ls`/shell globs in the C locale) and inode numbers sorted (GNU cp, through
// gnulib savedir's FASTREAD). Walk-ahead code (the stat walk-ahead of the catalog, the
// prefetcher) looks at where a program's last few requests fall in each of these orders to
// tell which one it follows.
//
// Thread contract: pure functions over an immutable Tree.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "fs/model/tree.hpp"

namespace flickrfs::model {

enum class WalkOrder : std::uint8_t { listing = 0, name = 1, inode = 2 };
inline constexpr std::size_t kWalkOrders = 3;

// One entry of a walked directory: the photo, and the name and inode the walking program
// sees for it (the image or sidecar in a page, the link in an album). `part` tells a
// photo's entries apart: 0 its image, 1 its sidecar, 2 its exif.json (--exif).
struct ListedPhoto {
  std::uint32_t photo = 0;
  std::string_view name;  // empty: name order is listing order (album links are numbered)
  Ino ino = 0;
  std::uint8_t part = 0;
};

struct WalkOrders {
  std::array<std::vector<std::uint32_t>, kWalkOrders> by_rank;  // rank -> photo index

  // The rank in `order` of the photo's entry `part` (its first place, for a photo an album
  // lists twice); empty if the directory does not hold it. by_rank[order][rank] == photo.
  [[nodiscard]] std::optional<std::uint32_t> rank_of(WalkOrder order, std::uint32_t photo,
                                                     std::uint8_t part = 0) const;

  // Every entry's ranks in one array sorted by (photo, part): 16 bytes an entry. Three hash
  // maps took about 60 KB a page, and a first `ls -lR` of 100,000 photos ranks all 200 pages.
  struct PhotoRanks {
    std::uint32_t key = 0;  // photo * 3 + part
    std::array<std::uint32_t, kWalkOrders> rank{};
  };
  std::vector<PhotoRanks> ranks;
};

// Walk-ahead code keeps the orders of the directories walked last only. Erases the entry of
// `kept` (a map whose values carry a `last_use` count) that was used least recently.
template <typename Map>
void erase_least_recent(Map& kept) {
  kept.erase(std::min_element(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
    return a.second.last_use < b.second.last_use;
  }));
}

// The images of a page, in listing order; with `sidecars`, each photo's sidecar and (with
// --exif) exif.json too (after its image, as the page lists them).
[[nodiscard]] std::vector<ListedPhoto> page_listing(const Tree& tree, std::uint32_t page,
                                                    bool sidecars = false);
[[nodiscard]] WalkOrders rank_walk_orders(const std::vector<ListedPhoto>& listing);

}  // namespace flickrfs::model
