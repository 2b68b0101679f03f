#pragma once
// SnapshotStore: the catalog's current model::Tree, the listener told of every swap (the
// mount turns it into kernel invalidations, fs/invalidator.hpp), and the waiters for a
// snapshot that has what they need (a directory listed, every album known).
//
// A snapshot is immutable once published; readers copy the shared_ptr and keep the
// snapshot they started with for as long as they need it.
//
// Thread contract: thread-safe; any thread may read, publish() comes from the refresher.
// Lock order: m_mutex is a leaf (held only to copy or swap the pointer; the listener runs
// outside it).

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

#include "fs/model/tree.hpp"

namespace flickrfs::fs {

class SnapshotStore {
 public:
  using ChangeListener = std::function<void(const model::Tree& before, const model::Tree& after)>;
  using Done = std::function<bool(const model::Tree&)>;

  explicit SnapshotStore(std::shared_ptr<const model::Tree> initial);
  SnapshotStore(const SnapshotStore&) = delete;
  SnapshotStore& operator=(const SnapshotStore&) = delete;

  // The current snapshot (never null).
  [[nodiscard]] std::shared_ptr<const model::Tree> tree() const;
  // True once a published snapshot came from a listing (loaded or fetched).
  [[nodiscard]] bool has_listing() const;
  void set_change_listener(ChangeListener listener);
  // Makes `next` current, wakes the waiters, then calls the listener with the old and new
  // snapshots (outside the lock: it may be slow). Returns the replaced snapshot, so the
  // caller decides where the (possibly last) reference to it is dropped.
  [[nodiscard]] std::shared_ptr<const model::Tree> publish(std::shared_ptr<const model::Tree> next,
                                                           bool has_listing);
  // Waits at most `bound` until `done` holds; returns the snapshot current then. `done` is
  // checked on every publish() and wake_waiters(), with m_mutex held: it must not lock.
  [[nodiscard]] std::shared_ptr<const model::Tree> wait_until(const Done& done,
                                                              std::chrono::milliseconds bound);
  // Makes waiters check `done` again: state outside the snapshot that it reads changed (a
  // fill attempt ended, the catalog is stopping).
  void wake_waiters();

 private:
  mutable std::mutex m_mutex;         // guards everything below
  std::condition_variable m_changed;  // with m_mutex: a publish() or wake_waiters()
  std::shared_ptr<const model::Tree> m_tree;
  ChangeListener m_on_change;
  bool m_has_listing = false;
};

}  // namespace flickrfs::fs
