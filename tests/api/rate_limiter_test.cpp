// api/rate_limiter and api/retry with a fake clock: the rolling window as the limiter spends
// it, waiting bounds, cancellation, the counts behind `flickrfs status`, the image hold-off,
// Retry-After and the backoff schedule.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>

#include "api/rate_limiter.hpp"
#include "api/retry.hpp"
#include "tests/api/fake_clock.hpp"

using namespace flickrfs;
using namespace flickrfs::api;
using namespace std::chrono_literals;

TEST_CASE("the default API budget is 3600 calls per rolling hour, 8 calls and 16 images in flight",
          "[ratelimit]") {
  const RateLimits defaults;
  CHECK(defaults.api.calls == 3600);
  CHECK(defaults.api.window == std::chrono::hours(1));
  CHECK(defaults.api_in_flight == 8);
  CHECK(defaults.images_in_flight == 16);
  CHECK(defaults.images_per_hour == 0);
}

TEST_CASE("an API call waits for the window with the injected clock, then goes", "[ratelimit]") {
  FakeClock clock;
  RateLimiter limiter(RateLimits::of({3, 60s}), clock);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(limiter.acquire_api({60s}).ok());  // no pace: all three at once
    clock.advance(10s);
  }
  CHECK(clock.slept() == 0s);
  CHECK(limiter.calls_left() == 0);
  // The fourth waits until the first leaves the window: 60 s after it (plus the shared
  // window's 2 s transit margin, call_budget.hpp), 32 s from now.
  REQUIRE(limiter.acquire_api({60s}).ok());
  CHECK(clock.slept() == 32s);
  CHECK(limiter.calls_left() == 0);
}

TEST_CASE("acquire gives up after max_wait and honours cancel", "[ratelimit]") {
  FakeClock clock;
  RateLimiter limiter(RateLimits::of({1, 60s}), clock);
  REQUIRE(limiter.acquire_api({5s}).ok());
  auto waited = limiter.acquire_api({5s});
  REQUIRE_FALSE(waited.ok());
  CHECK(waited.error().code == Errc::rate_limited);
  CHECK(clock.slept() == 0s);  // no point sleeping when the wait would exceed max_wait

  std::atomic<bool> cancel{true};
  auto cancelled = limiter.acquire_api({120s, &cancel});
  REQUIRE_FALSE(cancelled.ok());
  CHECK(cancelled.error().code == Errc::interrupted);
}

TEST_CASE("calls_left counts the window; images are not API calls", "[ratelimit]") {
  FakeClock clock;
  RateLimiter limiter(RateLimits::of({3600, 3600s}), clock);
  CHECK(limiter.calls_left() == 3600);
  for (int i = 0; i < 40; ++i)
    REQUIRE(limiter.acquire_api({1s}).ok());
  for (int i = 0; i < 5; ++i)
    REQUIRE(limiter.acquire_image({1s}).ok());
  CHECK(limiter.calls_left() == 3560);
  CHECK(limiter.images_last_hour() == 5);
  CHECK(limiter.api_state().used == 40);
  clock.advance(61min);
  CHECK(limiter.calls_left() == 3600);
}

TEST_CASE("an unlimited budget never waits, calls_left is -1", "[ratelimit]") {
  FakeClock clock;
  RateLimiter limiter(RateLimits::of({0}), clock);
  for (int i = 0; i < 1000; ++i)
    REQUIRE(limiter.acquire_api({0s}).ok());
  CHECK(limiter.calls_left() == -1);
  CHECK(limiter.api_state().used == 1000);
  CHECK(clock.slept() == 0s);
}

TEST_CASE("a throttled image server holds image requests for Retry-After", "[ratelimit]") {
  FakeClock clock;
  RateLimiter limiter({}, clock);
  limiter.throttled_images(7s);
  CHECK(limiter.images_wait_time() == 7s);
  REQUIRE(limiter.acquire_image({30s}).ok());
  CHECK(clock.slept() == 7s);
  CHECK(limiter.api_wait_time() == 0s);  // API calls are not held by the image server
}

TEST_CASE("Retry-After: seconds or an HTTP date; backoff honours it", "[retry]") {
  CHECK(parse_retry_after("120", 0) == std::chrono::milliseconds(120'000));
  CHECK(parse_retry_after(" 0 ", 0) == std::chrono::milliseconds(0));
  // 1445412480 = Wed, 21 Oct 2015 07:28:00 GMT
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480 - 30) ==
        std::chrono::milliseconds(30'000));
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480 + 30) ==
        std::chrono::milliseconds(0));
  CHECK_FALSE(parse_retry_after("", 0).has_value());
  CHECK_FALSE(parse_retry_after("soon", 0).has_value());
  CHECK_FALSE(parse_retry_after("-5", 0).has_value());
  Error throttled = make_error(Errc::rate_limited, "x");
  throttled.retry_after_ms = 9000;
  CHECK(backoff_delay(RetryPolicy{}, 1, throttled, 0.0) == 9000ms);
  Error busy = make_error(Errc::unavailable, "x");
  CHECK_FALSE(is_throttled(busy));
  busy.retry_after_ms = 1000;
  CHECK(is_throttled(busy));
  CHECK(is_throttled(make_error(Errc::rate_limited, "x")));
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
