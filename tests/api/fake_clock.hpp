#pragma once
// A Clock for tests: time stands still until someone sleeps or the test advances it, and
// sleeping advances it instantly, so waits on the rolling window are exact and take no time.
//
// Thread contract: thread-safe.

#include <mutex>

#include "api/clock.hpp"

namespace flickrfs::api {

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

}  // namespace flickrfs::api
