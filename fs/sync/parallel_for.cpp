// See parallel_for.hpp.
#include "fs/sync/parallel_for.hpp"

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace flickrfs::fs {

namespace {

// Shared with the helper tasks, which may outlive the call (a helper queued behind other work
// starts after the caller returned): they then find no index left and never touch `fn`.
struct Fanout {
  std::mutex mutex;  // guards everything below (a leaf)
  std::condition_variable idle;
  std::size_t next = 0;
  std::size_t count = 0;
  unsigned running = 0;  // helpers inside fn
  bool closed = false;   // no index is handed out any more
};

// Runs indices until none is left (or `stop`); `helper` counts itself as running while in fn.
void take_indices(Fanout& fanout, const std::atomic<bool>& stop,
                  const std::function<void(std::size_t)>& fn, bool helper) {
  std::unique_lock lock(fanout.mutex);
  for (;;) {
    if (fanout.closed || fanout.next >= fanout.count || stop.load()) {
      fanout.closed = true;
      return;
    }
    const std::size_t index = fanout.next++;
    if (helper) ++fanout.running;
    lock.unlock();
    fn(index);
    lock.lock();
    if (helper && --fanout.running == 0) fanout.idle.notify_all();
  }
}

}  // namespace

void parallel_for(api::WorkQueue& queue, std::size_t count, unsigned jobs,
                  const std::atomic<bool>& stop, const std::function<void(std::size_t)>& fn) {
  auto fanout = std::make_shared<Fanout>();
  fanout->count = count;
  const std::size_t helpers = std::min<std::size_t>(std::max(jobs, 1U), count) - (count > 0);
  const api::Priority priority = api::current_priority();
  for (std::size_t h = 0; h < helpers; ++h) {
    // `fn` and `stop` are only touched while an index is handed out, i.e. before the caller
    // has seen `closed` and every running helper return.
    (void)queue.submit(priority, [fanout, &stop, &fn] { take_indices(*fanout, stop, fn, true); });
  }
  take_indices(*fanout, stop, fn, false);
  std::unique_lock lock(fanout->mutex);
  fanout->idle.wait(lock, [&] { return fanout->running == 0; });
}

}  // namespace flickrfs::fs
