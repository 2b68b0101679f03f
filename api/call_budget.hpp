#pragma once
// Flickr's call budget (DESIGN section 3a, flickr-api.md section 3): at most `calls` API calls
// in any `window` (3,600 in any 3,600 s), counted across every flickrfs process of the machine
// that uses the same API key. A rolling window, not a trickle: calls go as fast as the work
// needs until the window is full, then the next one waits until the oldest leaves it.
//
// RollingWindow is the pure bookkeeping (times in, times out; tests drive it with any clock).
// SharedBudget keeps one window per API key in a small file under the cache directory, named
// by a hash of the key (never the key), mode 0600, changed only under flock(2) on a lock file
// next to it: a reservation is the time of a call about to be sent, written (temp + rename)
// before the call goes, so a killed process neither leaks budget (its calls simply age out)
// nor double-counts (nothing is held that would need releasing), and the kernel drops its lock.
//
// A call stays in the shared window 2 s (or 1/1000 of the window) longer than the window:
// Flickr counts a call when it arrives, not when we reserved it.
//
// Times are steady_clock (CLOCK_MONOTONIC) ticks: one clock for every process of a boot, not
// moved by NTP. The file records the boot id; a file from an earlier boot starts empty (calls
// made just before a reboot are forgotten: the one case where the window under-counts).
//
// Priorities: background work (walk-ahead, prefetch, pins) never takes the last
// BudgetLimit::background_reserve() calls of a window, so a call a user waits on finds budget
// even while a mirror of another process spends it; within a process, RateLimiter also serves
// waiting foreground callers first.
//
// Thread contract: RollingWindow is a plain value (thread-compatible); SharedBudget is
// thread-safe (an in-process mutex plus the file lock between processes).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "api/clock.hpp"
#include "base/result.hpp"

namespace flickrfs::api {

// Who waits for a call or a task: a user (lookup, readdir, open, read, `flickrfs call`, a
// mirror run) or nobody yet. The background kinds are ordered by how soon a user is likely to
// want their result: walk-ahead (neighbours of a listed page, background listing fills), then
// prefetch (the next bytes of a file being read), pins, thumbnails. The call budget and
// CallGate only tell foreground from background (is_background); api::WorkQueue runs tasks in
// this order. One enum, so "who goes first" is decided in one place.
enum class Priority : std::uint8_t { foreground, walk_ahead, prefetch, pins, thumbnails };
inline constexpr std::size_t kPriorityCount = 5;
[[nodiscard]] constexpr bool is_background(Priority priority) noexcept {
  return priority != Priority::foreground;
}

// The priority of calls made by this thread (foreground unless a PriorityScope says otherwise).
[[nodiscard]] Priority current_priority() noexcept;

// Sets this thread's priority for its lifetime, then restores the previous one. Worker threads
// of background work open one at their entry.
class PriorityScope {
 public:
  explicit PriorityScope(Priority priority) noexcept;
  ~PriorityScope();
  PriorityScope(const PriorityScope&) = delete;
  PriorityScope& operator=(const PriorityScope&) = delete;

 private:
  Priority m_previous;
};

struct BudgetLimit {
  std::int64_t calls = 3600;  // <= 0: unlimited (counted in this process only)
  std::chrono::seconds window{3600};
  [[nodiscard]] bool unlimited() const { return calls <= 0; }
  // Calls of every window that background work leaves to foreground calls: 1/20 of the budget
  // (180 of 3,600), at least 1 when the budget allows 2 or more, never all of it.
  [[nodiscard]] std::int64_t background_reserve() const;
};

class RollingWindow {
 public:
  using Tick = std::int64_t;  // nanoseconds of one clock

  RollingWindow(std::int64_t limit, Tick window) : m_limit(limit), m_window(window) {}

  // Earliest time >= now at which one more call fits with `reserve` calls left over (and not
  // before a hold-off set by hold_until()). A call at time t counts while now - t < window.
  [[nodiscard]] Tick next_allowed(Tick now, std::int64_t reserve = 0) const;
  // Records a call at `now` when next_allowed(now, reserve) == now.
  [[nodiscard]] bool try_take(Tick now, std::int64_t reserve = 0);
  // Calls counted at `now`.
  [[nodiscard]] std::int64_t used(Tick now) const;
  // Drops calls that have left the window (keeps the state small).
  void prune(Tick now);
  // After a 429 with Retry-After: no call before `until`.
  void hold_until(Tick until);
  [[nodiscard]] Tick held_until() const { return m_hold_until; }

  // The recorded calls, oldest first, for storage. assign() sorts and keeps the newest
  // `limit` (more can never matter).
  [[nodiscard]] const std::deque<Tick>& calls() const { return m_calls; }
  void assign(std::deque<Tick> calls, Tick hold_until);

 private:
  std::int64_t m_limit;
  Tick m_window;
  std::deque<Tick> m_calls;  // sorted ascending
  Tick m_hold_until = 0;
};

// Usage for `flickrfs status` and the mirror's progress line.
struct BudgetState {
  std::int64_t used = 0;   // calls in the current window, all processes
  std::int64_t limit = 0;  // <= 0: unlimited
  std::chrono::seconds window{3600};
  Clock::duration next_in{};  // until a foreground call is allowed (0 = now)
};

// "12 of 3600 calls used in the last 3600 s; next call now" / "...; next call in 41 s" /
// "unlimited (12 calls in the last 3600 s)": what `flickrfs status` and the mirror show.
[[nodiscard]] std::string describe(const BudgetState& state);

class SharedBudget {
 public:
  using Warn = std::function<void(std::string_view line)>;

  // `path` empty: the window lives in this process only (tests, no cache directory). The
  // directory of `path` must exist. `warn` gets one line the first time the file is unusable
  // or corrupt (it is then treated as empty / the window kept in memory).
  SharedBudget(BudgetLimit limit, std::string path, Clock& clock, Warn warn = nullptr);
  ~SharedBudget();
  SharedBudget(const SharedBudget&) = delete;
  SharedBudget& operator=(const SharedBudget&) = delete;

  // Reserves one call at now for `priority` and returns zero, or returns how long until one
  // may fit (nothing reserved). Unlimited budgets always reserve (counted in-process).
  [[nodiscard]] Clock::duration try_reserve(Priority priority);
  // How long until a call of `priority` may go (0 = now), without reserving.
  [[nodiscard]] Clock::duration wait_time(Priority priority);
  // Flickr answered 429/503 with Retry-After: every process holds off for `how_long`.
  void hold_off(Clock::duration how_long);
  [[nodiscard]] BudgetState state();
  [[nodiscard]] const BudgetLimit& limit() const { return m_limit; }
  [[nodiscard]] const std::string& path() const { return m_path; }

  // "<16 hex digits of SHA-256 of the key>.window": names the key's file without revealing it.
  [[nodiscard]] static std::string file_name_for_key(std::string_view api_key);

 private:
  // Runs `change` on the window, loaded from the file and stored back when `write` and
  // `change` returns true, under the in-process mutex and the file lock.
  void with_window(bool write, const std::function<bool(RollingWindow&)>& change);
  [[nodiscard]] bool load_locked();
  void store_locked();
  void warn_once(const std::string& line);

  const BudgetLimit m_limit;
  const std::string m_path;
  Clock& m_clock;
  Warn m_warn;
  std::atomic<bool> m_warned{false};
  std::mutex m_mutex;  // guards everything below
  RollingWindow m_window;
  int m_lock_fd = -1;  // -1: no file (in-memory window)
};

}  // namespace flickrfs::api
