#pragma once
// TaskGroup: the tasks one component has submitted to a WorkQueue, counted, so the component
// can bound its concurrency (submit while fewer than its limit are out) and wait in stop()
// until each has returned. It replaces the count, the roll-back on refusal and the notify at
// zero that every user of the queue would otherwise write for itself.
//
// Use: the owner keeps a TaskGroup beside its own mutex. It calls top_up_locked() whenever
// work arrives or a task ends; each task's last step, under the owner's mutex, is
// returned_locked(); stop() sets the owner's stop flag and calls wait_returned().
//
// Thread contract: every member is called with the owner's mutex held (the `_locked` suffix,
// or the unique_lock passed in); the group has no lock of its own. A task refused by the queue
// (shutting down) is not counted. A task the queue drops unrun at shutdown(drop) never calls
// returned_locked(), so an owner stops (waits for its tasks) before its queue shuts down.

#include <condition_variable>
#include <mutex>

#include "api/work_queue.hpp"

namespace flickrfs::api {

class TaskGroup {
 public:
  TaskGroup(WorkQueue& queue, Priority priority) : m_queue(queue), m_priority(priority) {}
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  // Tasks submitted and not yet returned.
  [[nodiscard]] unsigned count_locked() const noexcept { return m_count; }

  // Submits `body` while fewer than `limit` tasks are out and `more()` says there is work a
  // new task would take. Returns false when the queue refused one (it is shutting down).
  template <class More>
  bool top_up_locked(unsigned limit, More&& more, const WorkQueue::Task& body) {
    while (m_count < limit && more()) {
      ++m_count;  // before submit(): a worker may take the task at once
      if (!m_queue.submit(m_priority, body)) {
        --m_count;
        return false;
      }
    }
    return true;
  }

  // A task's last step: it no longer counts; wait_returned() ends when none is left.
  void returned_locked() {
    if (--m_count == 0) m_none_left.notify_all();
  }

  // Blocks, releasing `lock` (the owner's) meanwhile, until every counted task has returned.
  void wait_returned(std::unique_lock<std::mutex>& lock) {
    m_none_left.wait(lock, [this] { return m_count == 0; });
  }

 private:
  WorkQueue& m_queue;
  const Priority m_priority;
  unsigned m_count = 0;
  std::condition_variable m_none_left;
};

}  // namespace flickrfs::api
