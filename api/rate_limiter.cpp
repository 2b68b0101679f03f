// See rate_limiter.hpp.
#include "api/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

namespace flickrfs::api {

namespace {

constexpr auto kHour = std::chrono::hours(1);
// The window only serves calls_left(); an unlimited bucket must not grow it without bound.
constexpr std::size_t kMaxWindow = 200'000;

void override_from_env(const char* name, double& target) {
  const char* text = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read at startup
  if (text == nullptr || *text == '\0') return;
  char* end = nullptr;
  const double value = std::strtod(text, &end);
  if (end != nullptr && *end == '\0' && value >= 0) target = value;
}

}  // namespace

RateLimits rate_limits_from_environment() {
  RateLimits limits;
  override_from_env("FLICKRFS_API_CALLS_PER_HOUR", limits.api.per_hour);
  override_from_env("FLICKRFS_API_BURST", limits.api.burst);
  override_from_env("FLICKRFS_IMAGE_REQUESTS_PER_HOUR", limits.images.per_hour);
  override_from_env("FLICKRFS_IMAGE_BURST", limits.images.burst);
  return limits;
}

TokenBucket::TokenBucket(BucketLimit limit, Clock& clock)
    : m_limit{limit.per_hour, std::max(1.0, limit.burst)},
      m_clock(clock),
      m_tokens(m_limit.burst),
      m_last_refill(clock.now()) {}

void TokenBucket::refill_locked(Clock::time_point now) const {
  if (now <= m_last_refill) return;
  const double seconds = std::chrono::duration<double>(now - m_last_refill).count();
  m_tokens = std::min(m_limit.burst, m_tokens + seconds * m_limit.per_hour / 3600.0);
  m_last_refill = now;
}

void TokenBucket::prune_locked(Clock::time_point now) const {
  while (!m_taken.empty() && now - m_taken.front() >= kHour)
    m_taken.pop_front();
}

bool TokenBucket::try_acquire() {
  const std::lock_guard lock(m_mutex);
  const auto now = m_clock.now();
  prune_locked(now);
  if (m_limit.per_hour > 0) {
    refill_locked(now);
    if (m_tokens < 1.0) return false;
    m_tokens -= 1.0;
  }
  m_taken.push_back(now);
  if (m_taken.size() > kMaxWindow) m_taken.pop_front();
  return true;
}

Clock::duration TokenBucket::wait_time() const {
  if (m_limit.per_hour <= 0) return Clock::duration::zero();
  const std::lock_guard lock(m_mutex);
  refill_locked(m_clock.now());
  if (m_tokens >= 1.0) return Clock::duration::zero();
  const double seconds = (1.0 - m_tokens) * 3600.0 / m_limit.per_hour;
  return std::chrono::ceil<Clock::duration>(std::chrono::duration<double>(seconds));
}

Result<void> TokenBucket::acquire(std::chrono::milliseconds max_wait,
                                  const std::atomic<bool>* cancel) {
  const auto deadline = m_clock.now() + max_wait;
  // Sleep in slices so that cancellation is noticed within 100 ms.
  constexpr auto kSlice = std::chrono::milliseconds(100);
  while (!try_acquire()) {
    if (cancel != nullptr && cancel->load()) {
      return make_error(Errc::interrupted, "cancelled while waiting for the rate limiter");
    }
    const auto wait = wait_time();
    if (m_clock.now() + wait > deadline) {
      return make_error(Errc::rate_limited, "rate limit reached (" +
                                                std::to_string(std::llround(m_limit.per_hour)) +
                                                " requests per hour); try again later");
    }
    m_clock.sleep_for(std::clamp<Clock::duration>(wait, std::chrono::milliseconds(1), kSlice));
  }
  return success();
}

std::int64_t TokenBucket::used_last_hour() const {
  const std::lock_guard lock(m_mutex);
  prune_locked(m_clock.now());
  return static_cast<std::int64_t>(m_taken.size());
}

std::int64_t TokenBucket::left_this_hour() const {
  if (m_limit.per_hour <= 0) return -1;
  return std::max<std::int64_t>(0, std::llround(m_limit.per_hour) - used_last_hour());
}

RateLimiter::RateLimiter(RateLimits limits, Clock& clock)
    : m_api(limits.api, clock), m_images(limits.images, clock) {}

}  // namespace flickrfs::api
