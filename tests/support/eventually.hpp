#pragma once
// eventually(): polls a condition until it holds, for effects that no latch or call count
// can reach (another process, the kernel's caches, a background thread of the code under
// test). The limit only ends a wait that would otherwise hang; it is no speed requirement,
// so make it generous. A condition that throws (a listing replaced while it is read) counts
// as not yet.
//
// Thread contract: test-thread only.

#include <chrono>
#include <thread>

namespace flickrfs::test {

template <class Condition>
bool eventually(Condition&& condition, std::chrono::milliseconds limit,
                std::chrono::milliseconds every = std::chrono::milliseconds(50)) {
  const auto holds = [&] {
    try {
      return static_cast<bool>(condition());
    } catch (...) {
      return false;
    }
  };
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (holds()) return true;
    std::this_thread::sleep_for(every);
  }
  return holds();
}

}  // namespace flickrfs::test
