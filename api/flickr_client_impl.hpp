#pragma once
// Template bodies of FlickrClient's retry loop and typed call, shared by flickr_client.cpp
// (transport, OAuth, images) and flickr_methods.cpp (typed methods). Internal to api/.
//
// Thread contract: as FlickrClient (thread-safe); the random source is per thread.

#include <random>
#include <string>

#include "api/flickr_client.hpp"

namespace flickrfs::api {

namespace detail {

inline double random_unit() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

}  // namespace detail

// A non-200 reply of the REST, OAuth or upload endpoints as an Error (flickr_client.cpp).
[[nodiscard]] Error http_failure(std::string_view what, const http::Response& response);

template <class T>
Result<T> FlickrClient::with_retries(std::string_view what, Kind kind,
                                     const std::function<Result<T>()>& attempt,
                                     const std::atomic<bool>* cancel) {
  if (cancel == nullptr) cancel = m_options.cancel;
  const WaitBounds bounds{m_options.rate_limit_max_wait, cancel};
  const int attempts = std::max(1, m_options.retry.max_attempts);
  const auto started = m_clock->now();
  int counted = 0;  // attempts that count against max_attempts (not throttled ones)
  for (int number = 1;; ++number) {
    // Waiting for the budget ends the call when it cannot be had in time (or is cancelled).
    auto slot =
        kind == Kind::api ? m_limiter->acquire_api(bounds) : m_limiter->acquire_image(bounds);
    if (!slot.ok()) return std::move(slot).error();
    Result<T> result = attempt();
    slot->release();
    if (result.ok() || !is_retryable(result.error())) return result;
    Error error = std::move(result).error();
    const bool throttled = is_throttled(error);
    const auto delay = backoff_delay(m_options.retry, number, error, detail::random_unit());
    if (throttled) {
      // Every caller of this process (and, for API calls, of this key) holds off, not just us.
      if (kind == Kind::api) {
        m_limiter->throttled_api(delay);
      } else {
        m_limiter->throttled_images(delay);
      }
    }
    const bool waits = throttled && m_clock->now() - started + delay <= bounds.max_wait;
    if (!waits) ++counted;
    if (counted >= attempts) {
      error.message += " (gave up after " + std::to_string(number) + " attempts)";
      return error;
    }
    const auto budget = m_options.retry.unreachable_budget;
    if (budget.count() > 0 && is_unreachable(error) && m_clock->now() - started + delay > budget) {
      error.message += " (host unreachable; gave up after " + std::to_string(number) +
                       (number == 1 ? " attempt)" : " attempts)");
      return error;
    }
    log(LogLevel::info, std::string(what) + ": attempt " + std::to_string(number) + " failed (" +
                            error.describe() + "); retrying in " + std::to_string(delay.count()) +
                            " ms");
    if (cancel != nullptr && cancel->load()) {
      return make_error(Errc::interrupted, std::string(what) + ": cancelled");
    }
    if (throttled) continue;  // the limiter's hold-off does the waiting, cancellably
    m_clock->sleep_for(delay);
  }
}

template <class T>
Result<T> FlickrClient::call(std::string_view method, oauth::Params params, bool post,
                             const std::function<Result<T>(std::string_view body)>& parse) {
  const std::function<Result<T>()> attempt = [&]() -> Result<T> {
    FLICKRFS_TRY(const std::string body, api_attempt(method, params, post));
    return parse(body);
  };
  return with_retries<T>(method, Kind::api, attempt);
}

}  // namespace flickrfs::api
