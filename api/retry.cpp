// See retry.hpp.
#include "api/retry.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <ctime>
#include <string>

namespace flickrfs::api {

RetryPolicy fast_retry_policy_for_tests(int max_attempts, std::chrono::milliseconds delay) {
  RetryPolicy policy;
  policy.max_attempts = max_attempts;
  policy.initial_delay = delay;
  policy.max_delay = delay;
  policy.rate_limited_min_delay = delay;
  return policy;
}

bool is_retryable(const Error& error) noexcept {
  switch (error.code) {
    case Errc::network:
    case Errc::rate_limited:
    case Errc::unavailable:
    case Errc::bad_response:
      return true;
    default:
      return false;
  }
}

bool is_throttled(const Error& error) noexcept {
  return error.code == Errc::rate_limited ||
         (error.code == Errc::unavailable && error.retry_after_ms >= 0);
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::int64_t now_unix) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
    value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  std::int64_t seconds = 0;
  const auto* end = value.data() + value.size();
  if (const auto [ptr, ec] = std::from_chars(value.data(), end, seconds);
      ec == std::errc() && ptr == end) {
    if (seconds < 0) return std::nullopt;
    return std::chrono::milliseconds(std::min<std::int64_t>(seconds, 86'400) * 1000);
  }
  // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
  std::tm when{};
  const std::string text(value);
  const char* parsed = ::strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &when);
  if (parsed == nullptr || *parsed != '\0') return std::nullopt;
  const std::int64_t at = ::timegm(&when);
  return std::chrono::milliseconds(std::clamp<std::int64_t>(at - now_unix, 0, 86'400) * 1000);
}

bool is_unreachable(const Error& error) noexcept {
  return error.code == Errc::network &&
         (error.sys_errno == ECONNREFUSED || error.sys_errno == EHOSTUNREACH);
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry, const Error& error,
                                        double random_unit) {
  const double exponent = std::max(0, retry - 1);
  double cap = static_cast<double>(policy.initial_delay.count()) *
               std::pow(std::max(1.0, policy.multiplier), exponent);
  cap = std::min(cap, static_cast<double>(policy.max_delay.count()));
  double delay = cap / 2 + (cap / 2) * std::clamp(random_unit, 0.0, 1.0);
  if (error.code == Errc::rate_limited) {
    delay = std::max(delay, static_cast<double>(policy.rate_limited_min_delay.count()));
  }
  if (error.retry_after_ms >= 0) delay = std::max(delay, static_cast<double>(error.retry_after_ms));
  return std::chrono::milliseconds(static_cast<std::int64_t>(delay));
}

}  // namespace flickrfs::api
