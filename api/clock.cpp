// See clock.hpp.
#include "api/clock.hpp"

#include <thread>

namespace flickrfs::api {

namespace {

class SteadyClock final : public Clock {
 public:
  [[nodiscard]] time_point now() const override { return std::chrono::steady_clock::now(); }
  void sleep_for(duration how_long) override { std::this_thread::sleep_for(how_long); }
};

}  // namespace

Clock& steady_clock() {
  static SteadyClock clock;
  return clock;
}

}  // namespace flickrfs::api
