#pragma once
// RateLimiter: keeps flickrfs under Flickr's published budget of 3,600 API calls per hour
// per key (flickr-api.md section 3), with small bursts, and counts image downloads in a
// separate bucket (live.staticflickr.com also answers 429 when hammered).
//
// Each bucket is a token bucket: capacity `burst`, refilled continuously at
// per_hour / 3600 tokens per second; acquire() takes one token, sleeping (on the injected
// Clock) until one is available. Sleeping is bounded by `max_wait` and a cancel flag, so a
// FUSE thread never waits without bound. per_hour <= 0 means unlimited (still counted).
//
// One RateLimiter per process: the process builds one FlickrClient and every FUSE worker and
// mirror job shares it (ClientOptions::rate_limiter may pass an existing limiter in).
// calls_left() is what `flickrfs status` shows: the hourly budget minus the API calls made in
// the last 60 minutes (a sliding window).
//
// Thread contract: thread-safe.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>

#include "api/clock.hpp"
#include "api/result.hpp"

namespace flickrfs::api {

struct BucketLimit {
  double per_hour = 0;  // <= 0: unlimited
  double burst = 1;     // bucket capacity (>= 1)
};

struct RateLimits {
  BucketLimit api{3600, 10};  // Flickr's published key budget; bursts of 10
  // Downloads and size probes (live.staticflickr.com). Flickr documents no image limit, but
  // bulk downloaders do get 429 there (flickr-api.md section 3), so a long copy settles at
  // 10 requests/s. The burst is one page's worth (500 GETs + 500 HEAD/Range probes): a
  // browser scrolling a photostream page fetches that many images at once, and with a burst
  // of 50 a walk-ahead `cp -r` of one page was held to 10 photos/s even with no latency.
  BucketLimit images{36'000, 1'000};
};

// Limits from the environment, for tests, benchmarks and users with a bigger budget:
// FLICKRFS_API_CALLS_PER_HOUR, FLICKRFS_API_BURST, FLICKRFS_IMAGE_REQUESTS_PER_HOUR,
// FLICKRFS_IMAGE_BURST (unset or unparsable = the defaults above; 0 = unlimited).
[[nodiscard]] RateLimits rate_limits_from_environment();

class TokenBucket {
 public:
  TokenBucket(BucketLimit limit, Clock& clock);

  // Takes one token now if there is one.
  [[nodiscard]] bool try_acquire();
  // Takes one token, sleeping until one is available. Errc::rate_limited when that would
  // take longer than `max_wait`; Errc::interrupted when `cancel` becomes true.
  [[nodiscard]] Result<void> acquire(std::chrono::milliseconds max_wait,
                                     const std::atomic<bool>* cancel = nullptr);
  // How long until a token is available (0 if one is).
  [[nodiscard]] Clock::duration wait_time() const;
  // Tokens taken in the last hour, and what is left of the hourly budget (-1 = unlimited).
  [[nodiscard]] std::int64_t used_last_hour() const;
  [[nodiscard]] std::int64_t left_this_hour() const;
  [[nodiscard]] const BucketLimit& limit() const { return m_limit; }

 private:
  void refill_locked(Clock::time_point now) const;
  void prune_locked(Clock::time_point now) const;

  const BucketLimit m_limit;
  Clock& m_clock;
  mutable std::mutex m_mutex;  // guards everything below
  mutable double m_tokens;
  mutable Clock::time_point m_last_refill;
  mutable std::deque<Clock::time_point> m_taken;  // last hour's acquisitions (window count)
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimits limits = {}, Clock& clock = steady_clock());

  TokenBucket& api() { return m_api; }
  TokenBucket& images() { return m_images; }

  // For `flickrfs status`: API calls still allowed this hour (-1 = unlimited).
  [[nodiscard]] std::int64_t calls_left() const { return m_api.left_this_hour(); }

 private:
  TokenBucket m_api;
  TokenBucket m_images;
};

}  // namespace flickrfs::api
