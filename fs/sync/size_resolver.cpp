// See size_resolver.hpp.
#include "fs/sync/size_resolver.hpp"

#include <algorithm>

#include "api/call_budget.hpp"

namespace flickrfs::fs {

SizeResolver::SizeResolver(api::WorkQueue& queue, unsigned max_background)
    : m_core(std::make_shared<Core>(queue)) {
  m_core->max_background = std::max(max_background, 1U);
}

SizeResolver::~SizeResolver() {
  std::unique_lock lock(m_core->mutex);
  m_core->stop = true;
  std::deque<Entry> dropped_foreground;
  std::deque<Entry> dropped_background;
  dropped_foreground.swap(m_core->foreground);
  dropped_background.swap(m_core->background);
  // Running probes use what the owner passed in; they must end before it goes.
  m_core->done.wait(lock, [&] { return m_core->running == 0; });
  std::deque<Unkept> unkept;  // after the wait: the last probes may have added to it
  unkept.swap(m_core->unkept);
  lock.unlock();  // the dropped probes' captures are destroyed without the lock
  for (auto& answer : unkept)
    answer.keep();
}

std::shared_ptr<SizeResolver::State> SizeResolver::enqueue_locked(const std::string& key,
                                                                  Probe probe, bool foreground) {
  Core& core = *m_core;
  auto found = core.inflight.find(key);
  if (found != core.inflight.end()) {
    // Already queued: a foreground request moves it ahead of the walk-ahead queue.
    if (foreground && !found->second->started) queue_foreground_locked(key, found->second);
    return found->second;
  }
  auto state = std::make_shared<State>();
  state->probe = std::move(probe);
  core.inflight.emplace(key, state);
  if (foreground) {
    queue_foreground_locked(key, state);
  } else {
    core.background.emplace_back(key, state);
    if (core.background_tasks < core.max_background) {
      ++core.background_tasks;
      (void)m_core->queue.submit(api::Priority::walk_ahead,
                                 [core = m_core] { run_one(core, true); });
    }
  }
  return state;
}

void SizeResolver::queue_foreground_locked(const std::string& key,
                                           const std::shared_ptr<State>& state) {
  m_core->foreground.emplace_back(key, state);
  (void)m_core->queue.submit(api::Priority::foreground, [core = m_core] { run_one(core, false); });
}

Result<std::uint64_t> SizeResolver::resolve(const std::string& key, Probe probe,
                                            std::chrono::milliseconds bound) {
  std::unique_lock lock(m_core->mutex);
  auto state = enqueue_locked(key, std::move(probe), true);
  if (!state->started && m_core->queue.on_worker_thread()) {
    // A worker must not wait for a task queued behind it: run the probe here, at the
    // priority of the task that asks (a prefetch warming a sidecar stays prefetch).
    run_probe(m_core, lock, Entry{key, state}, api::current_priority());
    return *state->result;
  }
  if (!m_core->done.wait_for(lock, bound, [&] { return state->result.has_value(); })) {
    return make_error(Errc::unavailable,
                      "size probe did not answer within " + std::to_string(bound.count()) + " ms");
  }
  return *state->result;
}

void SizeResolver::prefetch(const std::string& key, Probe probe) {
  const std::lock_guard lock(m_core->mutex);
  if (m_core->stop) return;
  (void)enqueue_locked(key, std::move(probe), false);
}

std::optional<std::uint64_t> SizeResolver::answered(const std::string& key) const {
  const std::lock_guard lock(m_core->mutex);
  const auto found = m_core->inflight.find(key);
  if (found == m_core->inflight.end()) return std::nullopt;
  const auto& result = found->second->result;
  if (!result || !result->ok()) return std::nullopt;
  return **result;
}

std::size_t SizeResolver::pending() const {
  const std::lock_guard lock(m_core->mutex);
  return m_core->inflight.size();
}

void SizeResolver::run_probe(const std::shared_ptr<Core>& shared,
                             std::unique_lock<std::mutex>& lock, const Entry& entry,
                             api::Priority priority) {
  Core& core = *shared;
  const auto& state = entry.second;
  state->started = true;
  ++core.running;
  lock.unlock();
  // A walk-ahead probe yields Flickr's budget to one somebody waits on (DESIGN section 3a).
  Result<Found> found = [&] {
    const api::PriorityScope scope(priority);
    return state->probe();
  }();
  std::function<void()> keep;
  if (found.ok()) keep = std::move(found->keep);
  lock.lock();
  --core.running;
  state->result = found.ok() ? Result<std::uint64_t>(found->bytes)
                             : Result<std::uint64_t>(std::move(found).error());
  state->probe = nullptr;
  if (keep) {
    core.unkept.push_back({entry, std::move(keep)});
    // Behind the walk-ahead probes it must not delay; the answer is already out.
    (void)core.queue.submit(api::Priority::walk_ahead, [shared] { keep_one(shared); });
  } else {
    forget_locked(core, entry);
  }
  core.done.notify_all();
}

void SizeResolver::keep_one(const std::shared_ptr<Core>& core) {
  std::unique_lock lock(core->mutex);
  if (core->stop || core->unkept.empty()) return;  // the destructor keeps what is left
  Unkept answer = std::move(core->unkept.front());
  core->unkept.pop_front();
  ++core->running;
  lock.unlock();
  answer.keep();
  answer.keep = nullptr;  // its captures go without the lock
  lock.lock();
  --core->running;
  forget_locked(*core, answer.entry);
  core->done.notify_all();
}

void SizeResolver::forget_locked(Core& core, const Entry& entry) {
  const auto found = core.inflight.find(entry.first);
  if (found != core.inflight.end() && found->second == entry.second) core.inflight.erase(found);
}

void SizeResolver::run_one(const std::shared_ptr<Core>& core, bool background_task) {
  std::unique_lock lock(core->mutex);
  // A walk-ahead task keeps taking walk-ahead probes (foreground ones have tasks of their own)
  // until none is left; that keeps at most max_background of them on the queue.
  for (;;) {
    if (core->stop) break;
    const bool foreground = !core->foreground.empty();
    if (!foreground && (!background_task || core->background.empty())) break;
    auto& waiting = foreground ? core->foreground : core->background;
    const Entry entry = std::move(waiting.front());
    waiting.pop_front();
    if (entry.second->started) continue;  // a promoted duplicate, or run by a resolving worker
    run_probe(core, lock, entry,
              foreground ? api::Priority::foreground : api::Priority::walk_ahead);
    if (!background_task) break;
  }
  if (background_task) --core->background_tasks;
}

}  // namespace flickrfs::fs
