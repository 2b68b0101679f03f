#pragma once
// WorkQueue: the process's worker threads. Components (SizeResolver's probes, parallel_for's
// fan-outs, the Prefetcher's, PinKeeper's and Thumbnailer's downloads) submit tasks with an
// api::Priority instead of running threads of their own; each keeps its own concurrency limit (a
// probe count, a fan-out's jobs) by bounding how many of its tasks it has submitted (a
// TaskGroup counts them: task_group.hpp), not by owning threads. The mount owns one queue for
// everything; a CLI command or a test that uses a component without a mount makes its own.
//
// Order: a free worker takes the oldest task of the most urgent non-empty priority
// (foreground, walk_ahead, prefetch, pins, thumbnails): strict priority between kinds, FIFO
// within one. A burst of walk-ahead work therefore delays prefetch and pins; background work
// is bounded by the components that submit it, so the lower kinds run when it is done.
//
// No starvation of foreground work: background tasks never occupy the last
// `foreground_reserve` workers, so a task somebody waits on (a getattr's size probe, a read's
// download) finds a free worker even while every other worker runs a long prefetch; the same
// rule CallGate applies to network slots. A task runs under api::PriorityScope(its priority),
// so the calls it makes take the budget and gate slots of its kind.
//
// Waiting for other tasks (the deadlock rule): a task must never block on a task that is still
// queued on the same queue, since every worker may be a task doing the same. Code that can run
// on a worker and needs other work done either does that work itself on its own thread
// (parallel_for's caller takes indices itself; SizeResolver::resolve on a worker runs the
// probe inline) or waits only for work that is already running. on_worker_thread() tells
// such code where it is.
//
// Shutdown: shutdown(drain) stops accepting tasks, runs every queued task, and joins;
// shutdown(drop) stops accepting tasks, destroys the queued ones unrun (their captures are
// released on the calling thread) and joins after the running ones return. The destructor
// drops. A task submitted after shutdown is destroyed and submit() returns false, so a
// component must never count on a submitted task running after shutdown began.
//
// Thread contract: thread-safe. Tasks run on the worker threads and may submit further tasks;
// a task must not throw (a worker has nowhere to report it: std::terminate).
// Lock order: m_mutex is a leaf (callers may hold locks of their own around submit()); it is
// never held while a task runs or is destroyed, so a task may take any lock and call submit().

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "api/call_budget.hpp"

namespace flickrfs::api {

class WorkQueue {
 public:
  using Task = std::function<void()>;
  enum class Shutdown : std::uint8_t { drain, drop };

  // `threads` workers (at least 1); background tasks use at most threads - foreground_reserve
  // of them (the reserve is capped so at least one worker can run background work).
  explicit WorkQueue(unsigned threads, unsigned foreground_reserve = 2);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues `task`; false when the queue is shutting down (the task is destroyed unrun).
  bool submit(Priority priority, Task task);
  // See the header comment. Idempotent; the first call decides drain or drop. Never from a
  // task (it joins the workers).
  void shutdown(Shutdown how);

  // True on a worker thread of this queue.
  [[nodiscard]] bool on_worker_thread() const noexcept;
  [[nodiscard]] unsigned threads() const noexcept { return m_thread_count; }
  // Tasks queued and not yet started.
  [[nodiscard]] std::size_t queued() const;

 private:
  void run();
  // The index of the queue a worker may take from now, or -1.
  [[nodiscard]] int pick_locked() const;

  const unsigned m_thread_count;
  const unsigned m_background_limit;  // workers background tasks may occupy at once
  mutable std::mutex m_mutex;         // guards everything below
  std::condition_variable m_work;
  std::deque<Task> m_queues[kPriorityCount];
  unsigned m_background_running = 0;
  bool m_stopping = false;
  bool m_drain = false;
  std::vector<std::thread> m_threads;  // last: started after the fields above exist
};

}  // namespace flickrfs::api
