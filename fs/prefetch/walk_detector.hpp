#pragma once
// WalkDetector: decides, from the order in which photos of one page are opened, whether a
// program is walking the page (cp -r, rsync -a, tar, find -exec, a thumbnailer) and how far
// ahead of it to prefetch. Pure logic: no I/O, no threads, time passed in, so it is tested
// with a fake clock (tests/prefetch/walk_detector_test.cpp).
//
// Tools walk a directory in different orders (model::WalkOrder). The caller gives each opened
// photo's rank in every candidate order; an order "follows" the walk while each open lands just
// after the previous one (a few skips allowed: failed or filtered files). The walk is confirmed
// after `confirm_opens` consecutive opens in one order (one fewer when the directory was listed
// just before: the "ls, then open" shape), and then the window starts at `initial_window` photos
// and doubles with every further open in order, up to `max_window`. An open out of order ends the
// walk (window 0) until a new streak forms; a walk idle for `idle_timeout` is forgotten (expire()).
//
// Thread contract: not thread-safe; the owner (Prefetcher) serializes calls.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "fs/model/walk_orders.hpp"

namespace flickrfs::fs::prefetch {

using WalkClock = std::chrono::steady_clock;

// The candidate orders of a page's photos (fs/model/walk_orders.hpp).
using model::kWalkOrders;
using model::WalkOrder;

struct WalkOptions {
  std::size_t initial_window = 4;
  std::size_t max_window = 16;    // --prefetch N
  std::size_t confirm_opens = 3;  // consecutive in-order opens that make a walk
  std::size_t max_skip = 2;       // photos an in-order open may jump over
  std::chrono::milliseconds listing_recent{10'000};
  std::chrono::milliseconds idle_timeout{5'000};
};

// One opened photo: its directory (page) and its rank in each candidate order.
struct WalkOpen {
  std::uint64_t dir = 0;
  std::array<std::uint32_t, kWalkOrders> ranks{};
};

// What to prefetch after an open: ranks [first, first + window) of `order` in `dir`.
struct WalkAdvice {
  bool walking = false;
  WalkOrder order = WalkOrder::listing;
  std::uint32_t first = 0;
  std::size_t window = 0;
};

class WalkDetector {
 public:
  explicit WalkDetector(WalkOptions options) : m_options(options) {}

  void note_listing(std::uint64_t dir, WalkClock::time_point now);
  [[nodiscard]] WalkAdvice note_open(const WalkOpen& open, WalkClock::time_point now);
  // True when `dir` was listed within listing_recent (album walks are only followed then).
  [[nodiscard]] bool listed_recently(std::uint64_t dir, WalkClock::time_point now) const;
  // Forgets walks idle for longer than idle_timeout; returns their directories.
  [[nodiscard]] std::vector<std::uint64_t> expire(WalkClock::time_point now);
  [[nodiscard]] std::size_t walks() const;  // directories with a confirmed walk
  [[nodiscard]] const WalkOptions& options() const { return m_options; }

 private:
  struct DirState {
    bool opened = false;
    std::array<std::uint32_t, kWalkOrders> last{};
    std::array<std::size_t, kWalkOrders> streak{};
    std::size_t window = 0;
    WalkOrder order = WalkOrder::listing;
    WalkClock::time_point listed_at{};
    bool listed = false;
    WalkClock::time_point last_seen{};
  };
  [[nodiscard]] bool follows(std::uint32_t last, std::uint32_t rank) const;
  [[nodiscard]] std::size_t needed_streak(const DirState& state, WalkClock::time_point now) const;
  [[nodiscard]] bool recent(const DirState& state, WalkClock::time_point now) const;

  WalkOptions m_options;
  std::unordered_map<std::uint64_t, DirState> m_dirs;
};

}  // namespace flickrfs::fs::prefetch
