// fs/sync/stat_walk_ahead.cpp and fs/model/walk_orders.cpp: which photos a stat walk
// probes ahead, in the order the program walks (pure: a tree from the fake catalog).
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "fs/model/walk_orders.hpp"
#include "fs/sync/stat_walk_ahead.hpp"
#include "tests/fs/fake_catalog.hpp"

using namespace flickrfs;
using model::WalkOrder;

namespace {

const std::vector<std::uint32_t>& ranked(const model::WalkOrders& orders, WalkOrder order) {
  return orders.by_rank[std::size_t(order)];
}

}  // namespace

TEST_CASE("walk orders: listing, bytewise names (rsync) and inodes (cp) differ", "[stat-walk]") {
  const auto tree = model::Tree::build(test::make_catalog(500), {});
  const auto orders = model::rank_walk_orders(model::page_listing(*tree, 1));
  const auto& listing = ranked(orders, WalkOrder::listing);
  const auto& by_name = ranked(orders, WalkOrder::name);
  REQUIRE(listing.size() == 500);
  REQUIRE(by_name.size() == 500);
  CHECK(listing != by_name);  // "photo 10" sorts before "photo 2"
  for (std::size_t r = 1; r < by_name.size(); ++r)
    CHECK(tree->photo(by_name[r - 1]).stem < tree->photo(by_name[r]).stem);
  for (std::uint32_t r = 0; r < 500; ++r)
    CHECK(orders.rank_of(WalkOrder::name, by_name[r]) == r);
}

TEST_CASE("walk orders: a photo listed twice ranks at its first place, others have no rank",
          "[stat-walk]") {
  // An album may list a photo twice; ListedPhoto{photo, name, ino}.
  const std::vector<model::ListedPhoto> listing = {{7, "b", 30}, {3, "a", 20}, {7, "c", 10}};
  const auto orders = model::rank_walk_orders(listing);
  CHECK(orders.rank_of(WalkOrder::listing, 7) == 0u);
  CHECK(orders.rank_of(WalkOrder::listing, 3) == 1u);
  CHECK(orders.rank_of(WalkOrder::name, 3) == 0u);   // "a"
  CHECK(orders.rank_of(WalkOrder::name, 7) == 1u);   // "b", not "c"
  CHECK(orders.rank_of(WalkOrder::inode, 7) == 0u);  // inode 10
  CHECK(orders.rank_of(WalkOrder::inode, 3) == 1u);
  CHECK_FALSE(orders.rank_of(WalkOrder::listing, 5).has_value());
  CHECK_FALSE(orders.rank_of(WalkOrder::name, 8).has_value());
  CHECK(orders.ranks.size() == 2);
}

TEST_CASE("one stat probes only a few photos around it in each order", "[stat-walk]") {
  const auto tree = model::Tree::build(test::make_catalog(500), {});
  fs::StatWalkAhead walk;
  const auto first = walk.on_stat(tree, 250);
  CHECK(std::count(first.begin(), first.end(), 250u) == 1);
  CHECK(first.size() > 1);
  CHECK(first.size() <= 1 + model::kWalkOrders * fs::StatWalkAhead::kNearbyWindow);
  // The same file again (stat, then open): nothing new.
  CHECK(walk.on_stat(tree, 250).empty());
}

TEST_CASE("stats in name order (rsync's file list) keep a wide window ahead in that order",
          "[stat-walk]") {
  const auto tree = model::Tree::build(test::make_catalog(500), {});
  const auto orders = model::rank_walk_orders(model::page_listing(*tree, 1));
  const auto& by_name = ranked(orders, WalkOrder::name);
  fs::StatWalkAhead walk;
  std::vector<std::uint32_t> handed;
  for (std::uint32_t r = 0; r < 3; ++r) {
    for (std::uint8_t part = 0; part < 2; ++part) {  // the image, then its sidecar
      const auto more = walk.on_stat(tree, by_name[r], part);
      handed.insert(handed.end(), more.begin(), more.end());
    }
  }
  const std::set<std::uint32_t> unique(handed.begin(), handed.end());
  CHECK(unique.size() == handed.size());  // each photo handed out once
  // The window counts entries: two a photo (image and sidecar).
  for (std::size_t r = 0; r < 3 + fs::StatWalkAhead::kWalkingWindow / 2; ++r) {
    INFO("name rank " << r);
    CHECK(unique.count(by_name[r]) == 1);
  }
  CHECK(unique.size() < 500);  // a window, not the page
  // Walking by name, the next stat only extends the window of the orders it follows (here
  // the listing order happens to follow too: names "photo 100", "photo 101"... are listed
  // in a row); the inode order, which it does not follow, gets nothing.
  const auto& listing = ranked(orders, WalkOrder::listing);
  const std::uint32_t listing_rank = orders.rank_of(WalkOrder::listing, by_name[3]).value();
  REQUIRE(listing_rank == orders.rank_of(WalkOrder::listing, by_name[2]).value() + 1);
  std::set<std::uint32_t> windows(by_name.begin() + 4,
                                  by_name.begin() + 4 + fs::StatWalkAhead::kWalkingWindow);
  windows.insert(listing.begin() + listing_rank + 1,
                 listing.begin() + listing_rank + 1 + fs::StatWalkAhead::kWalkingWindow);
  const auto next = walk.on_stat(tree, by_name[3]);
  REQUIRE_FALSE(next.empty());
  for (const std::uint32_t photo : next)
    CHECK(windows.count(photo) == 1);
}

TEST_CASE("a new snapshot starts the walk afresh", "[stat-walk]") {
  const auto tree = model::Tree::build(test::make_catalog(20), {});
  const auto rebuilt = model::Tree::build(test::make_catalog(20), {});
  fs::StatWalkAhead walk;
  CHECK_FALSE(walk.on_stat(tree, 3).empty());
  CHECK(walk.on_stat(tree, 3).empty());
  const auto again = walk.on_stat(rebuilt, 3);
  CHECK(std::count(again.begin(), again.end(), 3u) == 1);
}

TEST_CASE("only the most recently stat-ed pages keep their walk state", "[stat-walk]") {
  const std::size_t pages = fs::StatWalkAhead::kPagesKept + 3;
  const auto tree = model::Tree::build(test::make_catalog(pages * model::kPhotosPerPage), {});
  fs::StatWalkAhead walk;
  for (std::uint32_t page = 1; page <= pages; ++page) {
    const auto first = static_cast<std::uint32_t>(tree->page_range(page).first);
    CHECK_FALSE(walk.on_stat(tree, first).empty());
    CHECK(walk.pages_kept() == std::min<std::size_t>(page, fs::StatWalkAhead::kPagesKept));
  }
  // The last page is still known (nothing new); the first one was dropped and starts afresh.
  const auto last = static_cast<std::uint32_t>(tree->page_range(pages).first);
  CHECK(walk.on_stat(tree, last).empty());
  const auto again = walk.on_stat(tree, 0);
  CHECK(std::count(again.begin(), again.end(), 0u) == 1);
}
