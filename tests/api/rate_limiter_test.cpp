// api/rate_limiter and api/retry with a fake clock: bursts, sustained rate, waiting bounds,
// cancellation, the hourly window behind `flickrfs status`, and the backoff schedule.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>

#include "api/rate_limiter.hpp"
#include "api/retry.hpp"

using namespace flickrfs;
using namespace flickrfs::api;
using namespace std::chrono_literals;

namespace {

// Time stands still until someone sleeps; sleeping advances it instantly.
class FakeClock final : public Clock {
 public:
  [[nodiscard]] time_point now() const override {
    const std::lock_guard lock(m_mutex);
    return m_now;
  }
  void sleep_for(duration how_long) override {
    const std::lock_guard lock(m_mutex);
    m_now += how_long;
    m_slept += how_long;
  }
  void advance(duration how_long) {
    const std::lock_guard lock(m_mutex);
    m_now += how_long;
  }
  [[nodiscard]] duration slept() const {
    const std::lock_guard lock(m_mutex);
    return m_slept;
  }

 private:
  mutable std::mutex m_mutex;
  time_point m_now{std::chrono::hours(1000)};
  duration m_slept{};
};

}  // namespace

TEST_CASE("the default API budget is 3600 per hour with a burst of 10", "[ratelimit]") {
  const RateLimits defaults;
  CHECK(defaults.api.per_hour == 3600);
  CHECK(defaults.api.burst == 10);
  FakeClock clock;
  TokenBucket bucket(defaults.api, clock);
  for (int i = 0; i < 10; ++i)
    CHECK(bucket.try_acquire());
  CHECK_FALSE(bucket.try_acquire());
  CHECK(bucket.wait_time() == std::chrono::seconds(1));
  clock.advance(999ms);
  CHECK_FALSE(bucket.try_acquire());
  clock.advance(1ms);
  CHECK(bucket.try_acquire());
}

TEST_CASE("acquire sleeps at the sustained rate", "[ratelimit]") {
  FakeClock clock;
  TokenBucket bucket({3600, 2}, clock);
  for (int i = 0; i < 12; ++i)
    REQUIRE(bucket.acquire(60s).ok());
  // 2 from the burst, 10 more at one per second.
  CHECK(clock.slept() >= 10s);
  CHECK(clock.slept() < 11s);
}

TEST_CASE("acquire gives up after max_wait and honours cancel", "[ratelimit]") {
  FakeClock clock;
  TokenBucket bucket({60, 1}, clock);  // one per minute
  REQUIRE(bucket.try_acquire());
  auto waited = bucket.acquire(5s);
  REQUIRE_FALSE(waited.ok());
  CHECK(waited.error().code == Errc::rate_limited);
  CHECK(clock.slept() == 0s);  // no point sleeping when the wait would exceed max_wait

  std::atomic<bool> cancel{true};
  auto cancelled = bucket.acquire(120s, &cancel);
  REQUIRE_FALSE(cancelled.ok());
  CHECK(cancelled.error().code == Errc::interrupted);
}

TEST_CASE("calls_left counts the last hour, images are a separate bucket", "[ratelimit]") {
  FakeClock clock;
  RateLimiter limiter({{3600, 100}, {36000, 5}}, clock);
  CHECK(limiter.calls_left() == 3600);
  for (int i = 0; i < 40; ++i)
    REQUIRE(limiter.api().try_acquire());
  for (int i = 0; i < 5; ++i)
    REQUIRE(limiter.images().try_acquire());
  CHECK(limiter.calls_left() == 3560);
  CHECK(limiter.images().used_last_hour() == 5);
  CHECK_FALSE(limiter.images().try_acquire());  // image burst used up ...
  CHECK(limiter.api().try_acquire());           // ... the API bucket is unaffected
  clock.advance(61min);
  CHECK(limiter.calls_left() == 3600);
}

TEST_CASE("an unlimited bucket never waits but still counts", "[ratelimit]") {
  FakeClock clock;
  TokenBucket bucket({0, 1}, clock);
  for (int i = 0; i < 1000; ++i)
    REQUIRE(bucket.try_acquire());
  CHECK(bucket.used_last_hour() == 1000);
  CHECK(bucket.left_this_hour() == -1);
}

TEST_CASE("backoff: exponential, jittered within [cap/2, cap], capped, 429 waits longer",
          "[retry]") {
  RetryPolicy policy;
  const Error unavailable = make_error(Errc::unavailable, "x");
  CHECK(backoff_delay(policy, 1, unavailable, 0.0) == 250ms);
  CHECK(backoff_delay(policy, 1, unavailable, 1.0) == 500ms);
  CHECK(backoff_delay(policy, 3, unavailable, 1.0) == 2000ms);
  CHECK(backoff_delay(policy, 30, unavailable, 1.0) == policy.max_delay);
  CHECK(backoff_delay(policy, 1, make_error(Errc::rate_limited, "x"), 0.0) >=
        policy.rate_limited_min_delay);
  const RetryPolicy fast = fast_retry_policy_for_tests(3);
  CHECK(fast.max_attempts == 3);
  CHECK(backoff_delay(fast, 5, make_error(Errc::rate_limited, "x"), 1.0) <= 1ms);
}

TEST_CASE("only transient kinds are retried", "[retry]") {
  for (Errc code : {Errc::network, Errc::rate_limited, Errc::unavailable, Errc::bad_response}) {
    CHECK(is_retryable(make_error(code, "")));
  }
  for (Errc code : {Errc::not_found, Errc::permission, Errc::auth, Errc::config,
                    Errc::invalid_argument, Errc::io, Errc::interrupted}) {
    CHECK_FALSE(is_retryable(make_error(code, "")));
  }
}
