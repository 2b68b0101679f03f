// See invalidator.hpp.
#include "fs/invalidator.hpp"

#include <cerrno>

#include "fs/log.hpp"

namespace flickrfs::fs {

Invalidator::Invalidator(fuse_session* session) : m_session(session), m_thread([this] { run(); }) {}

Invalidator::~Invalidator() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  m_thread.join();
}

void Invalidator::push(std::vector<model::Invalidation> batch) {
  if (batch.empty()) return;
  {
    std::lock_guard lock(m_mutex);
    for (auto& item : batch)
      m_queue.push_back(std::move(item));
  }
  m_wake.notify_one();
}

void Invalidator::run() {
  std::unique_lock lock(m_mutex);
  while (true) {
    m_wake.wait(lock, [&] { return m_stop || !m_queue.empty(); });
    if (m_stop) return;
    model::Invalidation item = std::move(m_queue.front());
    m_queue.pop_front();
    lock.unlock();
    apply(item);
    lock.lock();
  }
}

void Invalidator::apply(const model::Invalidation& item) {
  int rc = 0;
  if (item.type == model::Invalidation::Type::entry) {
    rc = fuse_lowlevel_notify_inval_entry(m_session, item.ino, item.name.c_str(), item.name.size());
  } else {
    rc = fuse_lowlevel_notify_inval_inode(m_session, item.ino, 0, 0);
  }
  // ENOENT: the kernel does not hold that name or inode (nothing to drop). ENOTCONN: the
  // mount is going away.
  if (rc != 0 && rc != -ENOENT && rc != -ENOTCONN) {
    log::debug("invalidation of inode %llu failed: %d", static_cast<unsigned long long>(item.ino),
               rc);
  }
}

}  // namespace flickrfs::fs
