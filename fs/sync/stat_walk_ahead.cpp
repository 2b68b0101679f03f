// See stat_walk_ahead.hpp.
#include "fs/sync/stat_walk_ahead.hpp"

#include <algorithm>

namespace flickrfs::fs {

std::vector<std::uint32_t> StatWalkAhead::on_stat(const std::shared_ptr<const model::Tree>& tree,
                                                  std::uint32_t photo, std::uint8_t part) {
  std::lock_guard lock(m_mutex);
  if (m_tree.lock() != tree) {  // photo indices of another snapshot mean nothing here
    m_pages.clear();
    m_tree = tree;
  }
  const std::uint32_t page = tree->photo(photo).page;
  const std::size_t page_begin = tree->page_range(page).first;
  auto [found, inserted] = m_pages.try_emplace(page);
  PageWalk& walk = found->second;
  walk.last_use = ++m_stats;
  if (inserted) {
    walk.orders = model::rank_walk_orders(model::page_listing(*tree, page, true));
    walk.handed_out.assign(tree->page_range(page).second - page_begin, false);
    if (m_pages.size() > kPagesKept) model::erase_least_recent(m_pages);  // not `walk`
  }
  std::vector<std::uint32_t> out;
  const auto hand_out = [&](std::uint32_t index) {
    const std::size_t slot = index - page_begin;
    if (walk.handed_out[slot]) return;
    walk.handed_out[slot] = true;
    out.push_back(index);
  };
  hand_out(photo);
  std::array<std::optional<std::uint32_t>, model::kWalkOrders> ranks;
  bool any_walking = false;
  // A walk may skip the photo's other entries (stat the images only): one photo further.
  const std::uint32_t stride = tree->exif_ino(photo) != 0 ? 3 : 2;
  for (std::size_t o = 0; o < model::kWalkOrders; ++o) {
    ranks[o] = walk.orders.rank_of(model::WalkOrder(o), photo, part);
    if (!ranks[o]) continue;
    auto& last = walk.last_rank[o];
    // The same file again (stat, then open): the walk stands still.
    if (last && *ranks[o] != *last)
      walk.walking[o] = *ranks[o] > *last && *ranks[o] - *last <= stride;
    last = ranks[o];
    any_walking = any_walking || walk.walking[o];
  }
  // Once the stats follow one order, only that order is worth probing ahead: nearby
  // photos in the other orders would queue in front of the ones the walk needs next.
  for (std::size_t o = 0; o < model::kWalkOrders; ++o) {
    if (!ranks[o] || (any_walking && !walk.walking[o])) continue;
    const auto& ranked = walk.orders.by_rank[o];
    const std::size_t window = walk.walking[o] ? kWalkingWindow : kNearbyWindow;
    const std::size_t end = std::min(ranked.size(), std::size_t{*ranks[o]} + 1 + window);
    for (std::size_t r = *ranks[o] + 1; r < end; ++r)
      hand_out(ranked[r]);
  }
  return out;
}

}  // namespace flickrfs::fs
