// fs/sync/parallel_for.cpp on the shared WorkQueue: every index once, and no deadlock when the
// queue has no free worker (a fan-out inside a task, nested fan-outs, every worker held).
#include <catch2/catch.hpp>

#include <atomic>
#include <latch>
#include <vector>

#include "api/work_queue.hpp"
#include "fs/sync/parallel_for.hpp"

using namespace flickrfs;

namespace {
const std::atomic<bool> kNeverStop{false};
}

TEST_CASE("parallel_for runs every index once", "[fs]") {
  api::WorkQueue queue(4, 0);
  std::vector<std::atomic<int>> runs(100);
  fs::parallel_for(queue, runs.size(), 8, kNeverStop, [&](std::size_t i) { ++runs[i]; });
  for (const auto& count : runs)
    CHECK(count == 1);
}

TEST_CASE("parallel_for hands out no index once stopped", "[fs]") {
  api::WorkQueue queue(1, 0);
  std::atomic<bool> stop{false};
  std::atomic<int> ran{0};
  // One job: indices go in order on the caller's thread; index 3 stops the rest.
  fs::parallel_for(queue, 10, 1, stop, [&](std::size_t i) {
    ++ran;
    if (i == 3) stop = true;
  });
  CHECK(ran == 4);
}

TEST_CASE("nested parallel_for on the queue's only worker does not deadlock", "[fs]") {
  // The outer fan-out runs as a task on the only worker and fans out again from each index:
  // helpers queued behind it can never start, so the callers must do every index themselves.
  // A deadlock shows as ctest's timeout.
  api::WorkQueue queue(1, 0);
  std::atomic<int> inner{0};
  std::latch done{1};
  REQUIRE(queue.submit(api::Priority::walk_ahead, [&] {
    fs::parallel_for(queue, 4, 4, kNeverStop, [&](std::size_t) {
      fs::parallel_for(queue, 5, 4, kNeverStop, [&](std::size_t) { ++inner; });
    });
    done.count_down();
  }));
  done.wait();
  CHECK(inner == 20);
}

TEST_CASE("parallel_for finishes while every worker is held", "[fs]") {
  api::WorkQueue queue(2, 0);
  std::latch held{2};
  std::latch release{1};
  for (int i = 0; i < 2; ++i) {
    REQUIRE(queue.submit(api::Priority::foreground, [&] {
      held.count_down();
      release.wait();
    }));
  }
  held.wait();
  std::atomic<int> ran{0};
  fs::parallel_for(queue, 6, 3, kNeverStop, [&](std::size_t) { ++ran; });
  CHECK(ran == 6);
  release.count_down();
  queue.shutdown(api::WorkQueue::Shutdown::drain);  // the late helpers find nothing left
}
