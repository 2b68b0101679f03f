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

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fs/model/tree.hpp"

namespace flickrfs::model {

enum class WalkOrder : std::uint8_t { listing = 0, name = 1, inode = 2 };
inline constexpr std::size_t kWalkOrders = 3;

// One entry of a walked directory: the photo, and the name and inode the walking program
// sees for it (the photo directory in a page, the link in an album).
struct ListedPhoto {
  std::uint32_t photo = 0;
  std::string_view name;  // empty: name order is listing order (album links are numbered)
  Ino ino = 0;
};

struct WalkOrders {
  std::array<std::vector<std::uint32_t>, kWalkOrders> by_rank;  // rank -> photo index
  // photo index -> rank (its first place, for a photo an album lists twice)
  std::array<std::unordered_map<std::uint32_t, std::uint32_t>, kWalkOrders> rank_of;
};

// The photo directories of a page, in listing order.
[[nodiscard]] std::vector<ListedPhoto> page_listing(const Tree& tree, std::uint32_t page);
[[nodiscard]] WalkOrders rank_walk_orders(const std::vector<ListedPhoto>& listing);

}  // namespace flickrfs::model
