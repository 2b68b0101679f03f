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
Result<T> FlickrClient::with_retries(std::string_view what, TokenBucket& bucket,
                                     const std::function<Result<T>()>& attempt,
                                     const std::atomic<bool>* cancel) {
  const int attempts = std::max(1, m_options.retry.max_attempts);
  const auto started = m_clock->now();
  for (int number = 1;; ++number) {
    FLICKRFS_CHECK(bucket.acquire(m_options.rate_limit_max_wait, cancel));
    Result<T> result = attempt();
    if (result.ok() || !is_retryable(result.error())) return result;
    Error error = std::move(result).error();
    if (number >= attempts) {
      error.message += " (gave up after " + std::to_string(attempts) + " attempts)";
      return error;
    }
    const auto delay = backoff_delay(m_options.retry, number, error, detail::random_unit());
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
  return with_retries<T>(method, m_limiter->api(), attempt);
}

}  // namespace flickrfs::api
