// See work_queue.hpp.
#include "api/work_queue.hpp"

#include <algorithm>

namespace flickrfs::api {

namespace {
thread_local const WorkQueue* t_worker_of = nullptr;
}  // namespace

WorkQueue::WorkQueue(unsigned threads, unsigned foreground_reserve)
    : m_thread_count(std::max(threads, 1U)),
      m_background_limit(m_thread_count - std::min(foreground_reserve, m_thread_count - 1)) {
  m_threads.reserve(m_thread_count);
  for (unsigned i = 0; i < m_thread_count; ++i)
    m_threads.emplace_back([this] { run(); });
}

WorkQueue::~WorkQueue() {
  shutdown(Shutdown::drop);
}

bool WorkQueue::submit(Priority priority, Task task) {
  {
    const std::lock_guard lock(m_mutex);
    if (!m_stopping) {
      m_queues[static_cast<std::size_t>(priority)].push_back(std::move(task));
      m_work.notify_one();
      return true;
    }
  }
  task = nullptr;  // destroyed outside m_mutex (its captures may take locks)
  return false;
}

void WorkQueue::shutdown(Shutdown how) {
  std::deque<Task> dropped[kPriorityCount];
  {
    const std::lock_guard lock(m_mutex);
    if (!m_stopping) {
      m_stopping = true;
      m_drain = how == Shutdown::drain;
      if (!m_drain) std::swap(dropped, m_queues);
    }
  }
  m_work.notify_all();
  for (auto& thread : m_threads)
    if (thread.joinable()) thread.join();
}

bool WorkQueue::on_worker_thread() const noexcept {
  return t_worker_of == this;
}

std::size_t WorkQueue::queued() const {
  const std::lock_guard lock(m_mutex);
  std::size_t count = 0;
  for (const auto& queue : m_queues)
    count += queue.size();
  return count;
}

int WorkQueue::pick_locked() const {
  if (!m_queues[0].empty()) return 0;
  if (m_background_running >= m_background_limit) return -1;
  for (std::size_t i = 1; i < kPriorityCount; ++i)
    if (!m_queues[i].empty()) return static_cast<int>(i);
  return -1;
}

void WorkQueue::run() {
  t_worker_of = this;
  std::unique_lock lock(m_mutex);
  for (;;) {
    int index = -1;
    m_work.wait(lock, [&] {
      index = pick_locked();
      if (index >= 0) return !m_stopping || m_drain;
      return m_stopping;
    });
    if (index < 0) return;  // stopping and nothing (more) to run
    const auto priority = static_cast<Priority>(index);
    Task task = std::move(m_queues[index].front());
    m_queues[index].pop_front();
    if (is_background(priority)) ++m_background_running;
    lock.unlock();
    {
      const PriorityScope scope(priority);
      task();
      task = nullptr;  // its captures go before m_mutex is taken again
    }
    lock.lock();
    if (is_background(priority)) {
      --m_background_running;
      m_work.notify_one();  // a background task may have been waiting for this slot
    }
  }
}

}  // namespace flickrfs::api
