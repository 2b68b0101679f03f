#pragma once
// The retry policy of every Flickr call and image request (flickr-api.md sections 2-3):
// transient failures are retried with exponential backoff and full jitter, a bounded number
// of times, then the last error is returned with "(gave up after N attempts)".
//
// Retried: Errc::network (refused, reset, timeout, body cut short), rate_limited (HTTP 429),
// unavailable (HTTP 5xx; stat:fail 105, 106, 201, 0 or "not currently available"),
// bad_response (truncated or invalid JSON, an HTML page instead of JSON).
// Not retried: not_found, permission, auth, config, invalid_argument and everything local.
//
// Thread contract: plain values and free functions; thread-safe.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/result.hpp"

namespace flickrfs::api {

// Retry-After (RFC 9110 10.2.3): delay-seconds or an HTTP-date, relative to `now_unix`;
// nullopt when absent or unparsable. A date in the past is 0.
[[nodiscard]] std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                                         std::int64_t now_unix);

struct RetryPolicy {
  int max_attempts = 5;  // total tries, first included (FFAPI also does 5)
  std::chrono::milliseconds initial_delay{500};
  std::chrono::milliseconds max_delay{20'000};
  double multiplier = 2.0;
  // A 429 waits at least this long, or Retry-After when the server sends one (Flickr usually
  // does not; throttling lasts seconds). Throttled attempts (429, or 503 with Retry-After) do
  // not count against max_attempts: the caller waits for the budget up to the client's
  // rate_limit_max_wait instead of failing.
  std::chrono::milliseconds rate_limited_min_delay{2'000};
  // When the host cannot be reached at all (connection refused, name not resolved), stop
  // retrying once this much time has been spent on the request; 0 = retry like any network
  // error. The mount sets it so that a reader on a dead network gets EIO within 1 s (DESIGN
  // section 4) instead of waiting out the whole backoff; the mirror keeps the full retries.
  std::chrono::milliseconds unreachable_budget{0};
};

// Tests shrink every delay to `delay` (attempts unchanged).
[[nodiscard]] RetryPolicy fast_retry_policy_for_tests(
    int max_attempts = 5, std::chrono::milliseconds delay = std::chrono::milliseconds(1));

[[nodiscard]] bool is_retryable(const Error& error) noexcept;

// The server asked us to slow down: a 429, or a 503 with Retry-After.
[[nodiscard]] bool is_throttled(const Error& error) noexcept;

// True for a transport failure before any byte was exchanged: the host refused the connection
// or its name did not resolve (http/curl.cpp sets sys_errno ECONNREFUSED / EHOSTUNREACH).
[[nodiscard]] bool is_unreachable(const Error& error) noexcept;

// Delay before retry number `retry` (1 = after the first failure): uniformly random in
// [cap/2, cap] where cap = min(max_delay, initial_delay * multiplier^(retry-1)), raised to
// rate_limited_min_delay for Errc::rate_limited, and to the error's Retry-After when it has
// one. `random_unit` is a number in [0, 1).
[[nodiscard]] std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry,
                                                      const Error& error, double random_unit);

}  // namespace flickrfs::api
