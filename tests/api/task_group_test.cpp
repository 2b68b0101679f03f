// api/task_group.hpp: the limit, the "more work" test, a refused task not counted, and
// wait_returned() ending only when the last task has returned. Tasks are held on latches, so
// nothing depends on timing.
#include <catch2/catch.hpp>

#include <atomic>
#include <latch>
#include <mutex>
#include <thread>

#include "api/task_group.hpp"
#include "api/work_queue.hpp"

using namespace flickrfs::api;

namespace {

// An owner as a component keeps one: its mutex, its group, tasks that wait for release().
struct Owner {
  explicit Owner(WorkQueue& queue) : group(queue, Priority::pins) {}

  std::mutex mutex;
  TaskGroup group;
  std::latch released{1};
  std::atomic<int> ran{0};

  WorkQueue::Task task() {
    return [this] {
      released.wait();
      ran += 1;
      const std::lock_guard lock(mutex);
      group.returned_locked();
    };
  }
};

}  // namespace

TEST_CASE("task group: top_up submits until the limit", "[task_group]") {
  WorkQueue queue(4, 0);
  Owner owner(queue);
  {
    const std::lock_guard lock(owner.mutex);
    REQUIRE(owner.group.top_up_locked(
        3, [] { return true; }, owner.task()));
    CHECK(owner.group.count_locked() == 3);
    REQUIRE(owner.group.top_up_locked(
        3, [] { return true; }, owner.task()));
    CHECK(owner.group.count_locked() == 3);  // the limit holds across calls
  }
  owner.released.count_down();
  std::unique_lock lock(owner.mutex);
  owner.group.wait_returned(lock);
  CHECK(owner.group.count_locked() == 0);
  CHECK(owner.ran == 3);
}

TEST_CASE("task group: top_up stops when there is no more work", "[task_group]") {
  WorkQueue queue(4, 0);
  Owner owner(queue);
  {
    const std::lock_guard lock(owner.mutex);
    int work = 2;
    REQUIRE(owner.group.top_up_locked(
        5, [&] { return work-- > 0; }, owner.task()));
    CHECK(owner.group.count_locked() == 2);
  }
  owner.released.count_down();
  std::unique_lock lock(owner.mutex);
  owner.group.wait_returned(lock);
  CHECK(owner.ran == 2);
}

TEST_CASE("task group: a task the queue refuses is not counted", "[task_group]") {
  WorkQueue queue(2, 0);
  queue.shutdown(WorkQueue::Shutdown::drain);
  Owner owner(queue);
  std::unique_lock lock(owner.mutex);
  CHECK_FALSE(owner.group.top_up_locked(
      3, [] { return true; }, owner.task()));
  CHECK(owner.group.count_locked() == 0);
  owner.group.wait_returned(lock);  // returns at once: nothing is out
  CHECK(owner.ran == 0);
}

TEST_CASE("task group: wait_returned waits for a task still running", "[task_group]") {
  WorkQueue queue(2, 0);
  Owner owner(queue);
  std::atomic<bool> waited{false};
  {
    const std::lock_guard lock(owner.mutex);
    REQUIRE(owner.group.top_up_locked(
        1, [] { return true; }, owner.task()));
  }
  std::thread stopper([&] {
    std::unique_lock lock(owner.mutex);
    owner.group.wait_returned(lock);
    waited = true;
  });
  // The task cannot return before release(): the stopper is still waiting now.
  CHECK_FALSE(waited);
  owner.released.count_down();
  stopper.join();
  CHECK(waited);
  CHECK(owner.ran == 1);
}
