// See walk_orders.hpp.
#include "fs/model/walk_orders.hpp"

#include <algorithm>

namespace flickrfs::model {

std::vector<ListedPhoto> page_listing(const Tree& tree, std::uint32_t page) {
  std::vector<ListedPhoto> listing;
  const auto [begin, end] = tree.page_range(page);
  for (std::size_t i = begin; i < end; ++i) {
    const auto& record = tree.photo(static_cast<std::uint32_t>(i));
    listing.push_back({static_cast<std::uint32_t>(i), record.stem, record.dir_ino});
  }
  return listing;
}

WalkOrders rank_walk_orders(const std::vector<ListedPhoto>& listing) {
  WalkOrders orders;
  for (const auto& entry : listing)
    orders.by_rank[std::size_t(WalkOrder::listing)].push_back(entry.photo);
  auto by_name = listing;  // rsync: names compared bytewise (char_traits<char> is unsigned)
  std::stable_sort(by_name.begin(), by_name.end(),
                   [](const auto& a, const auto& b) { return a.name < b.name; });
  auto by_inode = listing;  // GNU cp: savedir sorts entries by d_ino
  std::sort(by_inode.begin(), by_inode.end(),
            [](const auto& a, const auto& b) { return a.ino < b.ino; });
  for (const auto& entry : by_name)
    orders.by_rank[std::size_t(WalkOrder::name)].push_back(entry.photo);
  for (const auto& entry : by_inode)
    orders.by_rank[std::size_t(WalkOrder::inode)].push_back(entry.photo);
  for (std::size_t o = 0; o < kWalkOrders; ++o) {
    for (std::uint32_t rank = 0; rank < orders.by_rank[o].size(); ++rank)
      orders.rank_of[o].emplace(orders.by_rank[o][rank], rank);  // keeps the first place
  }
  return orders;
}

}  // namespace flickrfs::model
