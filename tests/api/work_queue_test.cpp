// api/work_queue.cpp: priority order, FIFO within a priority, the foreground reserve,
// shutdown (drain and drop), each task's priority scope. Orders are forced with latches: a
// blocker task holds the only worker while the tasks under test queue up behind it.
#include <catch2/catch.hpp>

#include <atomic>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "api/work_queue.hpp"

using namespace flickrfs::api;

namespace {

// Holds a worker until release().
struct Blocker {
  std::latch started{1};
  std::latch released{1};
  WorkQueue::Task task() {
    return [this] {
      started.count_down();
      released.wait();
    };
  }
  void release() { released.count_down(); }
};

struct Recorder {
  std::mutex mutex;
  std::vector<int> order;
  WorkQueue::Task task(int id) {
    return [this, id] {
      const std::lock_guard lock(mutex);
      order.push_back(id);
    };
  }
};

}  // namespace

TEST_CASE("work queue runs the most urgent priority first, FIFO within one", "[api]") {
  WorkQueue queue(1, 0);
  Blocker blocker;
  REQUIRE(queue.submit(Priority::foreground, blocker.task()));
  blocker.started.wait();
  Recorder recorder;
  // Submitted least urgent first, two of each, so neither order can pass by accident.
  const Priority kinds[] = {Priority::thumbnails, Priority::pins, Priority::prefetch,
                            Priority::walk_ahead, Priority::foreground};
  int id = 0;
  for (const Priority kind : kinds) {
    REQUIRE(queue.submit(kind, recorder.task(id++)));
    REQUIRE(queue.submit(kind, recorder.task(id++)));
  }
  CHECK(queue.queued() == 10);
  blocker.release();
  queue.shutdown(WorkQueue::Shutdown::drain);
  CHECK(recorder.order == std::vector<int>{8, 9, 6, 7, 4, 5, 2, 3, 0, 1});
}

TEST_CASE("background tasks leave the foreground reserve free", "[api]") {
  WorkQueue queue(2, 1);  // one worker for background work, one kept for foreground
  Blocker prefetch;
  REQUIRE(queue.submit(Priority::prefetch, prefetch.task()));
  prefetch.started.wait();
  std::atomic<int> second_background{0};
  REQUIRE(queue.submit(Priority::pins, [&] { ++second_background; }));
  // Runs while the only background worker is held: the reserve is free for it.
  std::latch foreground_ran{1};
  REQUIRE(queue.submit(Priority::foreground, [&] { foreground_ran.count_down(); }));
  foreground_ran.wait();
  // The pins task never took the reserved worker, though it was free and queued earlier.
  CHECK(second_background == 0);
  CHECK(queue.queued() == 1);
  prefetch.release();
  queue.shutdown(WorkQueue::Shutdown::drain);
  CHECK(second_background == 1);
}

TEST_CASE("work queue shutdown drains or drops the queued tasks", "[api]") {
  const bool drain = GENERATE(true, false);
  WorkQueue queue(1, 0);
  Blocker blocker;
  REQUIRE(queue.submit(Priority::foreground, blocker.task()));
  blocker.started.wait();
  std::atomic<int> ran{0};
  auto token = std::make_shared<int>(0);  // captured: dropped tasks must release it
  for (int i = 0; i < 3; ++i)
    REQUIRE(queue.submit(Priority::pins, [&ran, token] { ++ran; }));
  CHECK(token.use_count() == 4);
  std::thread stopper(
      [&] { queue.shutdown(drain ? WorkQueue::Shutdown::drain : WorkQueue::Shutdown::drop); });
  // Release the blocker only once shutdown has begun (submit refuses from then on), so the
  // queued tasks are still queued when drain or drop decides their fate.
  while (queue.submit(Priority::thumbnails, [] {})) {
  }
  blocker.release();
  stopper.join();
  CHECK(ran == (drain ? 3 : 0));
  CHECK(token.use_count() == 1);
  CHECK_FALSE(queue.submit(Priority::foreground, [&ran] { ++ran; }));
  CHECK(ran == (drain ? 3 : 0));
}

TEST_CASE("a task runs under its priority and knows it is on a worker", "[api]") {
  WorkQueue queue(1, 0);
  CHECK_FALSE(queue.on_worker_thread());
  std::atomic<bool> on_worker{false};
  std::atomic<Priority> seen{Priority::foreground};
  REQUIRE(queue.submit(Priority::pins, [&] {
    on_worker = queue.on_worker_thread();
    seen = current_priority();
  }));
  queue.shutdown(WorkQueue::Shutdown::drain);
  CHECK(on_worker);
  CHECK(seen == Priority::pins);
  CHECK(current_priority() == Priority::foreground);
}
