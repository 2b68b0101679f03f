// fs/sync/size_resolver.cpp: single flight, foreground first, bounded waits, and no deadlock
// when a worker of the queue resolves.
#include <catch2/catch.hpp>

#include <atomic>
#include <latch>
#include <thread>

#include "fs/sync/size_resolver.hpp"
#include "tests/support/eventually.hpp"

using namespace flickrfs;
using namespace flickrfs::fs;
using namespace std::chrono_literals;

TEST_CASE("concurrent resolves of one key run one probe", "[fs]") {
  api::WorkQueue queue(4, 0);
  SizeResolver resolver(queue, 4);
  std::atomic<int> probes{0};
  std::atomic<int> arrived{0};
  constexpr int kThreads = 16;
  // The probe lasts until every thread is about to resolve (and a little longer), so a
  // second probe can only come from a broken single flight, not from a late thread on a
  // loaded machine. The bound is generous: this test is not about time.
  auto probe = [&]() -> Result<SizeResolver::Found> {
    ++probes;
    while (arrived < kThreads)
      std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(100ms);
    return SizeResolver::Found{1234, {}};
  };
  std::vector<std::thread> threads;
  std::atomic<int> right{0};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      ++arrived;
      const auto size = resolver.resolve("k", probe, 10min);
      if (size.ok() && *size == 1234) ++right;
    });
  }
  for (auto& t : threads)
    t.join();
  CHECK(right == kThreads);
  CHECK(probes == 1);
}

TEST_CASE("a resolve gives up at its bound while the probe is still running", "[fs]") {
  api::WorkQueue queue(1, 0);
  SizeResolver resolver(queue, 1);
  std::atomic<bool> release{false};
  std::atomic<bool> probe_finished{false};
  auto slow = [&]() -> Result<SizeResolver::Found> {
    while (!release)
      std::this_thread::sleep_for(5ms);
    probe_finished = true;
    return SizeResolver::Found{1, {}};
  };
  // The probe only ends when released after resolve() returned, so a resolve that ignored
  // its bound would never return (ctest's timeout catches that); no wall-clock bound here.
  const auto size = resolver.resolve("slow", slow, 100ms);
  CHECK_FALSE(probe_finished);
  REQUIRE_FALSE(size.ok());
  CHECK(size.error().code == Errc::unavailable);
  release = true;
}

TEST_CASE("foreground probes overtake queued walk-ahead probes", "[fs]") {
  api::WorkQueue queue(1, 0);
  SizeResolver resolver(queue, 1);
  std::atomic<bool> release{false};
  std::vector<std::string> order;
  std::mutex order_mutex;
  std::atomic<bool> blocker_running{false};
  auto record = [&](std::string name) {
    return [&, name]() -> Result<SizeResolver::Found> {
      if (name == "blocker") blocker_running = true;
      while (!release)
        std::this_thread::sleep_for(1ms);
      std::lock_guard lock(order_mutex);
      order.push_back(name);
      return SizeResolver::Found{0, {}};
    };
  };
  resolver.prefetch("blocker", record("blocker"));
  // The only worker is busy with "blocker" before anything else is queued.
  REQUIRE(test::eventually([&] { return blocker_running.load(); }, 60s));
  for (int i = 0; i < 5; ++i)
    resolver.prefetch("bg" + std::to_string(i), record("bg" + std::to_string(i)));
  std::thread foreground([&] { (void)resolver.resolve("fg", record("fg"), 60s); });
  // "fg" is queued behind the five walk-ahead probes: blocker + 5 + fg.
  REQUIRE(test::eventually([&] { return resolver.pending() == 7; }, 60s));
  release = true;
  foreground.join();
  while (resolver.pending() > 0)
    std::this_thread::sleep_for(5ms);
  REQUIRE(order.size() == 7);
  CHECK(order[0] == "blocker");
  CHECK(order[1] == "fg");
}

TEST_CASE("a resolve on the queue's only worker runs the probe itself", "[fs]") {
  // The case the WorkQueue rule exists for: the task waiting for the probe holds the only
  // worker, so a probe queued behind it would never run and resolve() would wait its full
  // bound (ctest's timeout would catch that; the bound is far beyond it).
  api::WorkQueue queue(1, 0);
  SizeResolver resolver(queue, 1);
  std::atomic<int> probes{0};
  std::optional<Result<std::uint64_t>> got;
  std::latch done{1};
  REQUIRE(queue.submit(api::Priority::prefetch, [&] {
    got = resolver.resolve(
        "k",
        [&]() -> Result<SizeResolver::Found> {
          ++probes;
          return SizeResolver::Found{77, {}};
        },
        24h);
    done.count_down();
  }));
  done.wait();
  REQUIRE(got.has_value());
  REQUIRE(got->ok());
  CHECK(**got == 77);
  CHECK(probes == 1);
  CHECK(resolver.pending() == 0);
}

TEST_CASE("an answer is out before its write, and no second probe starts until it is kept",
          "[fs]") {
  api::WorkQueue queue(2, 0);
  SizeResolver resolver(queue, 1);
  std::atomic<int> probes{0};
  std::atomic<bool> kept{false};
  std::latch release_write{1};
  auto probe = [&]() -> Result<SizeResolver::Found> {
    ++probes;
    return SizeResolver::Found{5, [&] {
                                 release_write.wait();
                                 kept = true;
                               }};
  };
  // A resolve that waited for the write would never return (ctest's timeout catches it).
  const auto first = resolver.resolve("k", probe, 24h);
  REQUIRE(first.ok());
  CHECK(*first == 5);
  CHECK_FALSE(kept);
  CHECK(resolver.answered("k") == std::optional<std::uint64_t>{5});
  const auto again = resolver.resolve("k", probe, 24h);
  REQUIRE(again.ok());
  CHECK(*again == 5);
  CHECK(probes == 1);
  CHECK(resolver.pending() == 1);
  release_write.count_down();
  REQUIRE(test::eventually([&] { return resolver.pending() == 0; }, 60s));
  CHECK(kept);
  CHECK_FALSE(resolver.answered("k").has_value());
}

TEST_CASE("a write still queued when the resolver goes runs in its destructor", "[fs]") {
  api::WorkQueue queue(1, 0);
  std::latch release_worker{1};
  std::atomic<bool> kept{false};
  std::atomic<bool> blocker_queued{false};
  {
    SizeResolver resolver(queue, 1);
    auto probe = [&]() -> Result<SizeResolver::Found> {
      // Queued ahead of the write (foreground first), this task holds the only worker until
      // the resolver is gone, so only the destructor can run the write.
      blocker_queued = queue.submit(api::Priority::foreground, [&] { release_worker.wait(); });
      return SizeResolver::Found{9, [&] { kept = true; }};
    };
    const auto size = resolver.resolve("k", probe, 24h);
    REQUIRE(size.ok());
    REQUIRE(blocker_queued);
    CHECK_FALSE(kept);
  }
  CHECK(kept);
  release_worker.count_down();
}
