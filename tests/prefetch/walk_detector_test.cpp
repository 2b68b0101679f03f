// fs/prefetch/walk_detector.cpp: which opens make a walk, in which order, and how the
// window grows, stops and expires. Time is a fake clock (plain time_points).
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <random>

#include "fs/prefetch/walk_detector.hpp"

using namespace flickrfs::fs::prefetch;
using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t kPage = 1;

// Photo `i` of a page whose three orders are: listing = i, name = reversed, inode = `inode`.
WalkOpen photo(std::uint32_t i, std::uint32_t inode_rank = 0, std::uint32_t count = 100) {
  return {kPage, {i, count - 1 - i, inode_rank}};
}

WalkOptions options(std::size_t max_window = 16) {
  WalkOptions o;
  o.initial_window = 4;
  o.max_window = max_window;
  o.confirm_opens = 3;
  o.max_skip = 2;
  o.listing_recent = 10s;
  o.idle_timeout = 5s;
  return o;
}

}  // namespace

TEST_CASE("a listed page opened in order becomes a walk whose window doubles to the cap",
          "[prefetch]") {
  WalkDetector detector(options(16));
  WalkClock::time_point t{};
  detector.note_listing(kPage, t);
  CHECK_FALSE(detector.note_open(photo(0), t + 1ms).walking);  // one open is not a walk
  const WalkAdvice second = detector.note_open(photo(1), t + 2ms);
  REQUIRE(second.walking);
  CHECK(second.order == WalkOrder::listing);
  CHECK(second.first == 2);
  CHECK(second.window == 4);
  CHECK(detector.note_open(photo(2), t + 3ms).window == 8);
  CHECK(detector.note_open(photo(3), t + 4ms).window == 16);
  const WalkAdvice capped = detector.note_open(photo(4), t + 5ms);
  CHECK(capped.window == 16);
  CHECK(capped.first == 5);
  CHECK(detector.walks() == 1);
}

TEST_CASE("without a listing a walk needs one more open in order", "[prefetch]") {
  WalkDetector detector(options());
  WalkClock::time_point t{};
  CHECK_FALSE(detector.note_open(photo(10), t).walking);
  CHECK_FALSE(detector.note_open(photo(11), t).walking);
  CHECK(detector.note_open(photo(12), t).walking);
  // A listing long ago does not count either.
  WalkDetector stale(options());
  stale.note_listing(kPage, t);
  CHECK_FALSE(stale.note_open(photo(0), t + 11s).walking);
  CHECK_FALSE(stale.note_open(photo(1), t + 11s).walking);
  CHECK(stale.note_open(photo(2), t + 11s).walking);
}

TEST_CASE("cp's inode order and rsync's name order are recognised", "[prefetch]") {
  // The listing order is shuffled against the inode order: only inode ranks are in sequence.
  std::vector<std::uint32_t> listing_of_inode(100);
  std::iota(listing_of_inode.begin(), listing_of_inode.end(), 0u);
  std::shuffle(listing_of_inode.begin(), listing_of_inode.end(), std::mt19937(7));
  WalkDetector detector(options());
  WalkClock::time_point t{};
  detector.note_listing(kPage, t);
  WalkAdvice advice;
  for (std::uint32_t r = 0; r < 5; ++r) {
    const std::uint32_t listing = listing_of_inode[r];
    advice = detector.note_open({kPage, {listing, 99 - listing, r}}, t);
  }
  REQUIRE(advice.walking);
  CHECK(advice.order == WalkOrder::inode);
  CHECK(advice.first == 5);

  WalkDetector by_name(options());
  by_name.note_listing(kPage, t);
  for (std::uint32_t i = 50; i > 45; --i)  // listing ranks go down: names go up
    advice = by_name.note_open(photo(i), t);
  REQUIRE(advice.walking);
  CHECK(advice.order == WalkOrder::name);
  CHECK(advice.first == 100 - 46);
}

TEST_CASE("a jump out of order ends the walk, a new streak starts small again", "[prefetch]") {
  WalkDetector detector(options());
  WalkClock::time_point t{};
  detector.note_listing(kPage, t);
  for (std::uint32_t i = 0; i < 5; ++i)
    (void)detector.note_open(photo(i), t);
  CHECK(detector.note_open(photo(6), t).walking);  // skipping one photo (filtered, failed) is fine
  CHECK_FALSE(detector.note_open(photo(40), t).walking);  // a jump is not the walk
  CHECK(detector.walks() == 0);
  CHECK(detector.note_open(photo(41), t).walking);  // recently listed: two opens in order
  CHECK(detector.note_open(photo(41), t).window == 4);
  CHECK_FALSE(detector.note_open(photo(3), t).walking);  // backwards
}

TEST_CASE("another file of the same photo keeps the walk where it is", "[prefetch]") {
  WalkDetector detector(options());
  WalkClock::time_point t{};
  detector.note_listing(kPage, t);
  (void)detector.note_open(photo(0), t);
  const WalkAdvice first = detector.note_open(photo(1), t);
  const WalkAdvice again = detector.note_open(photo(1), t);  // e.g. the large size
  CHECK(again.walking);
  CHECK(again.first == first.first);
  CHECK(again.window == first.window);
}

TEST_CASE("idle walks expire, pages are independent, window 0 never walks", "[prefetch]") {
  WalkDetector detector(options());
  WalkClock::time_point t{};
  detector.note_listing(kPage, t);
  (void)detector.note_open(photo(0), t);
  CHECK(detector.note_open(photo(1), t).walking);
  CHECK(detector.note_open({2, {0, 0, 0}}, t + 3s).walking == false);  // another page
  CHECK(detector.expire(t + 4s).empty());
  const auto ended = detector.expire(t + 6s);
  REQUIRE(ended.size() == 1);
  CHECK(ended[0] == kPage);
  CHECK(detector.walks() == 0);
  CHECK_FALSE(detector.note_open(photo(2), t + 6s).walking);  // forgotten: starts over

  WalkDetector off(options(0));
  off.note_listing(kPage, t);
  for (std::uint32_t i = 0; i < 10; ++i)
    CHECK_FALSE(off.note_open(photo(i), t).walking);
}
