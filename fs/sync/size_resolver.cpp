// See size_resolver.hpp.
#include "fs/sync/size_resolver.hpp"

#include "api/call_budget.hpp"

namespace flickrfs::fs {

SizeResolver::SizeResolver(unsigned threads) {
  if (threads == 0) threads = 1;
  for (unsigned i = 0; i < threads; ++i)
    m_threads.emplace_back([this] { run(); });
}

SizeResolver::~SizeResolver() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_work.notify_all();
  for (auto& thread : m_threads)
    thread.join();
}

std::shared_ptr<SizeResolver::State> SizeResolver::enqueue_locked(const std::string& key,
                                                                  Probe probe, bool foreground) {
  auto found = m_inflight.find(key);
  if (found != m_inflight.end()) {
    // Already queued: a foreground request moves it ahead of the walk-ahead queue.
    if (foreground && !found->second->started) m_foreground.emplace_back(key, found->second);
    return found->second;
  }
  auto state = std::make_shared<State>();
  state->probe = std::move(probe);
  m_inflight.emplace(key, state);
  (foreground ? m_foreground : m_background).emplace_back(key, state);
  return state;
}

Result<std::uint64_t> SizeResolver::resolve(const std::string& key, Probe probe,
                                            std::chrono::milliseconds bound) {
  std::unique_lock lock(m_mutex);
  auto state = enqueue_locked(key, std::move(probe), true);
  m_work.notify_one();
  if (!m_done.wait_for(lock, bound, [&] { return state->result.has_value(); })) {
    return make_error(Errc::unavailable,
                      "size probe did not answer within " + std::to_string(bound.count()) + " ms");
  }
  return *state->result;
}

void SizeResolver::prefetch(const std::string& key, Probe probe) {
  {
    std::lock_guard lock(m_mutex);
    if (m_stop) return;
    (void)enqueue_locked(key, std::move(probe), false);
  }
  m_work.notify_one();
}

std::size_t SizeResolver::pending() const {
  std::lock_guard lock(m_mutex);
  return m_inflight.size();
}

void SizeResolver::run() {
  std::unique_lock lock(m_mutex);
  while (true) {
    m_work.wait(lock, [&] { return m_stop || !m_foreground.empty() || !m_background.empty(); });
    if (m_stop) return;
    const bool foreground = !m_foreground.empty();
    auto& queue = foreground ? m_foreground : m_background;
    auto [key, state] = std::move(queue.front());
    queue.pop_front();
    if (state->started) continue;  // a promoted duplicate
    state->started = true;
    lock.unlock();
    // A walk-ahead probe yields Flickr's budget to one somebody waits on (DESIGN section 3a).
    Result<std::uint64_t> result = [&] {
      const api::PriorityScope priority(foreground ? api::Priority::foreground
                                                   : api::Priority::background);
      return state->probe();
    }();
    lock.lock();
    state->result = std::move(result);
    state->probe = nullptr;
    const auto found = m_inflight.find(key);
    if (found != m_inflight.end() && found->second == state) m_inflight.erase(found);
    m_done.notify_all();
  }
}

}  // namespace flickrfs::fs
