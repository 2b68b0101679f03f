// SnapshotStore (see snapshot_store.hpp).
#include "fs/sync/snapshot_store.hpp"

#include <utility>

namespace flickrfs::fs {

SnapshotStore::SnapshotStore(std::shared_ptr<const model::Tree> initial)
    : m_tree(std::move(initial)) {}

std::shared_ptr<const model::Tree> SnapshotStore::tree() const {
  std::lock_guard lock(m_mutex);
  return m_tree;
}

bool SnapshotStore::has_listing() const {
  std::lock_guard lock(m_mutex);
  return m_has_listing;
}

void SnapshotStore::set_change_listener(ChangeListener listener) {
  std::lock_guard lock(m_mutex);
  m_on_change = std::move(listener);
}

std::shared_ptr<const model::Tree> SnapshotStore::publish(std::shared_ptr<const model::Tree> next,
                                                          bool has_listing) {
  std::shared_ptr<const model::Tree> before;
  ChangeListener listener;
  {
    std::lock_guard lock(m_mutex);
    before = std::exchange(m_tree, next);
    m_has_listing = has_listing;
    listener = m_on_change;
    m_changed.notify_all();
  }
  if (listener) listener(*before, *next);
  return before;
}

std::shared_ptr<const model::Tree> SnapshotStore::wait_until(const Done& done,
                                                             std::chrono::milliseconds bound) {
  std::unique_lock lock(m_mutex);
  m_changed.wait_for(lock, bound, [&] { return done(*m_tree); });
  return m_tree;
}

void SnapshotStore::wake_waiters() {
  std::lock_guard lock(m_mutex);
  m_changed.notify_all();
}

}  // namespace flickrfs::fs
