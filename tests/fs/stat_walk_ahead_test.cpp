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
    CHECK(orders.rank_of[std::size_t(WalkOrder::name)].at(by_name[r]) == r);
}

TEST_CASE("one stat probes only a few photos around it in each order", "[stat-walk]") {
  const auto tree = model::Tree::build(test::make_catalog(500), {});
  fs::StatWalkAhead walk;
  const auto first = walk.on_stat(tree, 250);
  CHECK(std::count(first.begin(), first.end(), 250u) == 1);
  CHECK(first.size() > 1);
  CHECK(first.size() <= 1 + model::kWalkOrders * fs::StatWalkAhead::kNearbyWindow);
  // The same file again (image, then info.json of one photo): nothing new.
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
    for (int file = 0; file < 2; ++file) {  // the image, then info.json
      const auto more = walk.on_stat(tree, by_name[r]);
      handed.insert(handed.end(), more.begin(), more.end());
    }
  }
  const std::set<std::uint32_t> unique(handed.begin(), handed.end());
  CHECK(unique.size() == handed.size());  // each photo handed out once
  for (std::size_t r = 0; r < 3 + fs::StatWalkAhead::kWalkingWindow; ++r) {
    INFO("name rank " << r);
    CHECK(unique.count(by_name[r]) == 1);
  }
  CHECK(unique.size() < 500);  // a window, not the page
  // Walking by name, the next stat only extends the window of the orders it follows (here
  // the listing order happens to follow too: names "photo 100", "photo 101"... are listed
  // in a row); the inode order, which it does not follow, gets nothing.
  const auto& listing = ranked(orders, WalkOrder::listing);
  const std::uint32_t listing_rank = orders.rank_of[0].at(by_name[3]);
  REQUIRE(listing_rank == orders.rank_of[0].at(by_name[2]) + 1);
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
