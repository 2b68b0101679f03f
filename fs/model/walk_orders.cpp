// See walk_orders.hpp.
#include "fs/model/walk_orders.hpp"

#include <algorithm>

namespace flickrfs::model {

namespace {

bool photo_before(const WalkOrders::PhotoRanks& entry, std::uint32_t photo) {
  return entry.photo < photo;
}

}  // namespace

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
  constexpr std::uint32_t kUnset = UINT32_MAX;
  for (const auto photo : orders.by_rank[0])
    orders.ranks.push_back({photo, {kUnset, kUnset, kUnset}});
  std::sort(orders.ranks.begin(), orders.ranks.end(),
            [](const auto& a, const auto& b) { return a.photo < b.photo; });
  orders.ranks.erase(std::unique(orders.ranks.begin(), orders.ranks.end(),
                                 [](const auto& a, const auto& b) { return a.photo == b.photo; }),
                     orders.ranks.end());
  orders.ranks.shrink_to_fit();
  for (std::size_t o = 0; o < kWalkOrders; ++o) {
    for (std::uint32_t rank = 0; rank < orders.by_rank[o].size(); ++rank) {
      const std::uint32_t photo = orders.by_rank[o][rank];
      auto& slot =
          std::lower_bound(orders.ranks.begin(), orders.ranks.end(), photo, photo_before)->rank[o];
      if (slot == kUnset) slot = rank;  // keeps the first place
    }
  }
  return orders;
}

std::optional<std::uint32_t> WalkOrders::rank_of(WalkOrder order, std::uint32_t photo) const {
  const auto found = std::lower_bound(ranks.begin(), ranks.end(), photo, photo_before);
  if (found == ranks.end() || found->photo != photo) return std::nullopt;
  return found->rank[std::size_t(order)];
}

}  // namespace flickrfs::model
