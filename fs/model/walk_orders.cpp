// See walk_orders.hpp.
#include "fs/model/walk_orders.hpp"

#include <algorithm>

namespace flickrfs::model {

namespace {

bool key_before(const WalkOrders::PhotoRanks& entry, std::uint32_t key) {
  return entry.key < key;
}

std::uint32_t rank_key(std::uint32_t photo, std::uint8_t part) {
  return photo * 3 + part;
}

}  // namespace

std::vector<ListedPhoto> page_listing(const Tree& tree, std::uint32_t page, bool sidecars) {
  std::vector<ListedPhoto> listing;
  const auto [begin, end] = tree.page_range(page);
  for (std::size_t i = begin; i < end; ++i) {
    const auto index = static_cast<std::uint32_t>(i);
    const auto record = tree.photo(index);
    // The stem stands for every name: "<stem>.<ext>", "<stem>.json" and "<stem>.exif.json"
    // sort next to each other, where the stem sorts.
    if (tree.has_image(index)) listing.push_back({index, record.stem, record.files[0].ino, 0});
    if (sidecars) listing.push_back({index, record.stem, record.sidecar_ino, 1});
    if (sidecars && tree.exif_ino(index) != 0)
      listing.push_back({index, record.stem, tree.exif_ino(index), 2});
  }
  return listing;
}

WalkOrders rank_walk_orders(const std::vector<ListedPhoto>& listing) {
  WalkOrders orders;
  for (const auto& entry : listing)
    orders.by_rank[std::size_t(WalkOrder::listing)].push_back(entry.photo);
  std::vector<std::uint32_t> keys_by_rank[kWalkOrders];
  for (const auto& entry : listing)
    keys_by_rank[std::size_t(WalkOrder::listing)].push_back(rank_key(entry.photo, entry.part));
  auto by_name = listing;  // rsync: names compared bytewise (char_traits<char> is unsigned)
  std::stable_sort(by_name.begin(), by_name.end(),
                   [](const auto& a, const auto& b) { return a.name < b.name; });
  auto by_inode = listing;  // GNU cp: savedir sorts entries by d_ino
  std::sort(by_inode.begin(), by_inode.end(),
            [](const auto& a, const auto& b) { return a.ino < b.ino; });
  for (const auto& entry : by_name) {
    orders.by_rank[std::size_t(WalkOrder::name)].push_back(entry.photo);
    keys_by_rank[std::size_t(WalkOrder::name)].push_back(rank_key(entry.photo, entry.part));
  }
  for (const auto& entry : by_inode) {
    orders.by_rank[std::size_t(WalkOrder::inode)].push_back(entry.photo);
    keys_by_rank[std::size_t(WalkOrder::inode)].push_back(rank_key(entry.photo, entry.part));
  }
  constexpr std::uint32_t kUnset = UINT32_MAX;
  for (const auto key : keys_by_rank[0])
    orders.ranks.push_back({key, {kUnset, kUnset, kUnset}});
  std::sort(orders.ranks.begin(), orders.ranks.end(),
            [](const auto& a, const auto& b) { return a.key < b.key; });
  orders.ranks.erase(std::unique(orders.ranks.begin(), orders.ranks.end(),
                                 [](const auto& a, const auto& b) { return a.key == b.key; }),
                     orders.ranks.end());
  orders.ranks.shrink_to_fit();
  for (std::size_t o = 0; o < kWalkOrders; ++o) {
    for (std::uint32_t rank = 0; rank < keys_by_rank[o].size(); ++rank) {
      const std::uint32_t key = keys_by_rank[o][rank];
      auto& slot =
          std::lower_bound(orders.ranks.begin(), orders.ranks.end(), key, key_before)->rank[o];
      if (slot == kUnset) slot = rank;  // keeps the first place
    }
  }
  return orders;
}

std::optional<std::uint32_t> WalkOrders::rank_of(WalkOrder order, std::uint32_t photo,
                                                 std::uint8_t part) const {
  const std::uint32_t key = rank_key(photo, part);
  const auto found = std::lower_bound(ranks.begin(), ranks.end(), key, key_before);
  if (found == ranks.end() || found->key != key) return std::nullopt;
  return found->rank[std::size_t(order)];
}

}  // namespace flickrfs::model
