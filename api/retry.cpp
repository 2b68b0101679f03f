// See retry.hpp.
#include "api/retry.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>

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
  return std::chrono::milliseconds(static_cast<std::int64_t>(delay));
}

}  // namespace flickrfs::api
