// See rate_limiter.hpp.
#include "api/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

namespace flickrfs::api {

namespace {

constexpr auto kHour = std::chrono::hours(1);
// Waiting sleeps in slices so that cancellation and a freed slot are noticed within 100 ms.
constexpr auto kSlice = std::chrono::milliseconds(100);

template <class T>
void override_from_env(const char* name, T& target) {
  const char* text = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read at startup
  if (text == nullptr || *text == '\0') return;
  char* end = nullptr;
  const double value = std::strtod(text, &end);
  if (end != nullptr && *end == '\0' && value >= 0) target = static_cast<T>(value);
}

RollingWindow::Tick ticks(Clock::time_point when) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch()).count();
}

std::string budget_text(const BudgetLimit& limit) {
  return std::to_string(limit.calls) + " calls per " + std::to_string(limit.window.count()) + " s";
}

}  // namespace

RateLimits rate_limits_from_environment() {
  RateLimits limits;
  override_from_env("FLICKRFS_API_CALLS_PER_HOUR", limits.api.calls);
  std::int64_t window_s = limits.api.window.count();
  override_from_env("FLICKRFS_API_WINDOW_S", window_s);
  if (window_s > 0) limits.api.window = std::chrono::seconds(window_s);
  override_from_env("FLICKRFS_API_IN_FLIGHT", limits.api_in_flight);
  override_from_env("FLICKRFS_IMAGE_IN_FLIGHT", limits.images_in_flight);
  override_from_env("FLICKRFS_IMAGE_REQUESTS_PER_HOUR", limits.images_per_hour);
  return limits;
}

RateLimiter::RateLimiter(RateLimits limits, Clock& clock, SharedBudget::Warn warn)
    : m_limits(std::move(limits)),
      m_clock(clock),
      m_budget(m_limits.api, m_limits.api_budget_file, clock, std::move(warn)),
      m_api_gate(m_limits.api_in_flight),
      m_image_gate(m_limits.images_in_flight),
      m_images(std::llround(m_limits.images_per_hour),
               std::chrono::duration_cast<std::chrono::nanoseconds>(kHour).count()) {}

void RateLimiter::set_budget_wait_listener(BudgetWaitListener listener) {
  const std::lock_guard lock(m_mutex);
  m_listener = std::move(listener);
}

Result<void> RateLimiter::wait_for_budget(Priority priority, const WaitBounds& bounds) {
  const auto deadline = m_clock.now() + bounds.max_wait;
  const bool foreground = priority == Priority::foreground;
  bool counted = false;
  const auto uncount = [&] {
    if (counted) --m_foreground_budget_waiters;
    counted = false;
  };
  for (;;) {
    // A background caller steps aside while a foreground caller of this process waits.
    Clock::duration wait = kSlice;
    if (foreground || m_foreground_budget_waiters.load() == 0) {
      wait = m_budget.try_reserve(priority);
      if (wait == Clock::duration::zero()) {
        uncount();
        return success();
      }
    }
    if (foreground && !counted) {
      ++m_foreground_budget_waiters;
      counted = true;
    }
    if (bounds.cancel != nullptr && bounds.cancel->load()) {
      uncount();
      return make_error(Errc::interrupted, "cancelled while waiting for Flickr's call budget");
    }
    if (m_clock.now() + wait > deadline) {
      uncount();
      return make_error(Errc::rate_limited,
                        "Flickr's call budget is spent (" + budget_text(m_limits.api) +
                            ", shared by every flickrfs process of this key); try again later");
    }
    {
      const std::lock_guard lock(m_mutex);
      if (m_listener && foreground) m_listener(wait);
    }
    m_clock.sleep_for(std::clamp<Clock::duration>(wait, std::chrono::milliseconds(1), kSlice));
  }
}

Result<GateSlot> RateLimiter::acquire_api(const WaitBounds& bounds) {
  const Priority priority = current_priority();
  FLICKRFS_CHECK(m_api_gate.enter(priority, bounds.cancel));
  GateSlot slot(&m_api_gate);
  FLICKRFS_CHECK(wait_for_budget(priority, bounds));
  return slot;
}

Result<void> RateLimiter::wait_for_images(const WaitBounds& bounds) {
  const auto deadline = m_clock.now() + bounds.max_wait;
  for (;;) {
    Clock::duration wait{};
    {
      const std::lock_guard lock(m_mutex);
      const auto now = ticks(m_clock.now());
      if (m_images.try_take(now)) return success();
      wait = std::chrono::nanoseconds(m_images.next_allowed(now) - now);
    }
    if (bounds.cancel != nullptr && bounds.cancel->load()) {
      return make_error(Errc::interrupted, "cancelled while waiting to download");
    }
    if (m_clock.now() + wait > deadline) {
      return make_error(Errc::rate_limited,
                        "the image server asked flickrfs to slow down; try again later");
    }
    m_clock.sleep_for(std::clamp<Clock::duration>(wait, std::chrono::milliseconds(1), kSlice));
  }
}

Result<GateSlot> RateLimiter::acquire_image(const WaitBounds& bounds) {
  FLICKRFS_CHECK(m_image_gate.enter(current_priority(), bounds.cancel));
  GateSlot slot(&m_image_gate);
  FLICKRFS_CHECK(wait_for_images(bounds));
  return slot;
}

void RateLimiter::throttled_api(Clock::duration retry_after) {
  m_budget.hold_off(retry_after);
}

void RateLimiter::throttled_images(Clock::duration retry_after) {
  const std::lock_guard lock(m_mutex);
  m_images.hold_until(ticks(m_clock.now() + retry_after));
}

Clock::duration RateLimiter::api_wait_time() {
  return m_budget.wait_time(Priority::walk_ahead);
}

Clock::duration RateLimiter::images_wait_time() {
  const std::lock_guard lock(m_mutex);
  const auto now = ticks(m_clock.now());
  return std::chrono::nanoseconds(m_images.next_allowed(now) - now);
}

std::int64_t RateLimiter::calls_left() {
  if (m_limits.api.unlimited()) return -1;
  const auto state = m_budget.state();
  return std::max<std::int64_t>(0, state.limit - state.used);
}

std::int64_t RateLimiter::images_last_hour() {
  const std::lock_guard lock(m_mutex);
  return m_images.used(ticks(m_clock.now()));
}

}  // namespace flickrfs::api
