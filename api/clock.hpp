#pragma once
// The time source of api/: "now" and "sleep" behind one small interface, so the rate
// limiter and the retry loop can be tested with a fake clock that advances instantly.
//
// Thread contract: implementations are thread-safe.

#include <chrono>

namespace flickrfs::api {

class Clock {
 public:
  using duration = std::chrono::steady_clock::duration;
  using time_point = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;
  [[nodiscard]] virtual time_point now() const = 0;
  virtual void sleep_for(duration how_long) = 0;
};

// std::chrono::steady_clock and std::this_thread::sleep_for; one shared instance.
[[nodiscard]] Clock& steady_clock();

}  // namespace flickrfs::api
