#pragma once
// RateLimiter: how this process spends Flickr's budgets (DESIGN section 3a, flickr-api.md
// section 3). One per process, shared by every FUSE worker and mirror job.
//
// - API calls: the key's rolling window (SharedBudget: at most 3,600 calls in any 3,600 s,
//   counted across every flickrfs process of the key on this machine) plus a CallGate of 8
//   calls in flight. No per-second pace: calls go as fast as the work needs.
// - Images (live.staticflickr.com): Flickr publishes no limit; a CallGate of 16 transfers in
//   flight, an optional hourly cap (FLICKRFS_IMAGE_REQUESTS_PER_HOUR, off by default), and a
//   hold-off whenever the server answered 429/503 (throttled()).
// Foreground callers (the thread's Priority) go first at every step: see CallGate and
// BudgetLimit::background_reserve().
//
// Thread contract: thread-safe.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "api/call_budget.hpp"
#include "api/call_gate.hpp"
#include "api/clock.hpp"
#include "base/result.hpp"

namespace flickrfs::api {

struct RateLimits {
  BudgetLimit api;              // Flickr's published key budget: 3,600 calls per rolling hour
  std::string api_budget_file;  // the key's shared window (SharedBudget); empty = this process
  int api_in_flight = 8;        // <= 0: unbounded
  // <= 0: unbounded. 16 = the mount's size-probe threads (CatalogOptions::probe_threads), so
  // a cold `ls -l` of a page probes at full speed, as a browser loads a page of thumbnails.
  int images_in_flight = 16;
  double images_per_hour = 0;  // <= 0: no hourly cap (Flickr documents none)

  // The defaults with another API budget (tests: RateLimits::of({0}) is unlimited).
  [[nodiscard]] static RateLimits of(BudgetLimit api) {
    RateLimits limits;
    limits.api = api;
    return limits;
  }
};

// Limits from the environment, for tests, benchmarks and users with a bigger budget:
// FLICKRFS_API_CALLS_PER_HOUR (0 = unlimited), FLICKRFS_API_WINDOW_S (the window's length,
// 3600), FLICKRFS_API_IN_FLIGHT (8), FLICKRFS_IMAGE_IN_FLIGHT (16),
// FLICKRFS_IMAGE_REQUESTS_PER_HOUR.
// Unset or unparsable values keep the defaults above.
[[nodiscard]] RateLimits rate_limits_from_environment();

// What a caller waits for and may give up on.
struct WaitBounds {
  std::chrono::milliseconds max_wait{30'000};  // Errc::rate_limited beyond this
  const std::atomic<bool>* cancel = nullptr;   // Errc::interrupted when it becomes true
};

// Called while a caller waits for the budget (with how long it still has to wait), so a
// progress line can say so. Empty = nobody listens.
using BudgetWaitListener = std::function<void(Clock::duration remaining)>;

class RateLimiter {
 public:
  explicit RateLimiter(RateLimits limits = {}, Clock& clock = steady_clock(),
                       SharedBudget::Warn warn = nullptr);

  // One API call of the thread's priority: a slot in flight, then one call of the window.
  // The returned slot is held while the call runs.
  [[nodiscard]] Result<GateSlot> acquire_api(const WaitBounds& bounds);
  // One image request: a slot in flight, the hold-off after a 429/503, the optional cap.
  [[nodiscard]] Result<GateSlot> acquire_image(const WaitBounds& bounds);
  // The server throttled anyway (another application on the key, Flickr's own limits):
  // hold further calls of that kind for `retry_after` (the API hold-off is shared with every
  // process of the key).
  void throttled_api(Clock::duration retry_after);
  void throttled_images(Clock::duration retry_after);

  // How long until the budget allows a background call (0 = now; slots in flight are not
  // counted: a walk-ahead queues for them): walk-ahead spends spare budget only.
  [[nodiscard]] Clock::duration api_wait_time();
  [[nodiscard]] Clock::duration images_wait_time();
  // For `flickrfs status`: calls of the window used by every process, and when the next
  // foreground call is allowed.
  [[nodiscard]] BudgetState api_state() { return m_budget.state(); }
  // The window's budget minus its calls (-1 = unlimited).
  [[nodiscard]] std::int64_t calls_left();
  // Image requests made by this process in the last hour.
  [[nodiscard]] std::int64_t images_last_hour();
  void set_budget_wait_listener(BudgetWaitListener listener);

 private:
  [[nodiscard]] Result<void> wait_for_budget(Priority priority, const WaitBounds& bounds);
  [[nodiscard]] Result<void> wait_for_images(const WaitBounds& bounds);

  const RateLimits m_limits;
  Clock& m_clock;
  SharedBudget m_budget;
  CallGate m_api_gate;
  CallGate m_image_gate;
  std::atomic<int> m_foreground_budget_waiters{0};
  std::mutex m_mutex;  // guards everything below
  RollingWindow m_images;
  BudgetWaitListener m_listener;
};

}  // namespace flickrfs::api
