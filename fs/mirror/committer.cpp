// See committer.hpp.
#include "fs/mirror/committer.hpp"

namespace flickrfs::mirror {

Committer::Committer() : m_thread([this] { loop(); }) {}

Committer::~Committer() {
  flush();
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  m_thread.join();
}

void Committer::submit(AtomicFile file, Done done) {
  {
    std::lock_guard lock(m_mutex);
    m_queue.push_back({std::move(file), std::move(done)});
  }
  m_wake.notify_one();
}

void Committer::flush() {
  std::unique_lock lock(m_mutex);
  m_idle.wait(lock, [this] { return m_queue.empty() && !m_busy; });
}

void Committer::loop() {
  std::unique_lock lock(m_mutex);
  while (true) {
    m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
    if (m_queue.empty()) return;  // stopping with nothing left
    std::vector<Pending> batch;
    batch.swap(m_queue);
    m_busy = true;
    lock.unlock();
    for (auto& pending : batch)
      pending.done(pending.file.make_durable_and_rename());
    batch.clear();  // temporaries of failed files are removed here, outside the lock
    lock.lock();
    m_busy = false;
    if (m_queue.empty()) m_idle.notify_all();
  }
}

}  // namespace flickrfs::mirror
