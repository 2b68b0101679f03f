#pragma once
// Applies kernel invalidations (model/tree_diff.hpp) on its own thread. The FUSE deadlock
// rule (fuse_lowlevel.h, notify_inval_entry) forbids calling the notify functions from
// inside a related request, so the catalog's refresh thread only queues them here.
//
// Thread contract: push() is thread-safe; the worker thread is owned by this object and
// joined by its destructor (before the session it points to is destroyed).

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include <fuse_lowlevel.h>

#include "fs/model/tree_diff.hpp"

namespace flickrfs::fs {

class Invalidator {
 public:
  explicit Invalidator(fuse_session* session);
  ~Invalidator();
  Invalidator(const Invalidator&) = delete;
  Invalidator& operator=(const Invalidator&) = delete;

  void push(std::vector<model::Invalidation> batch);

 private:
  void run();
  void apply(const model::Invalidation& item);

  fuse_session* m_session;
  std::mutex m_mutex;  // guards m_queue, m_stop
  std::condition_variable m_wake;
  std::deque<model::Invalidation> m_queue;
  bool m_stop = false;
  std::thread m_thread;  // last: starts after the fields above exist
};

}  // namespace flickrfs::fs
