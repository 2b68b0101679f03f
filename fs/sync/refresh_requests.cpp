// RefreshRequests (see refresh_requests.hpp).
#include "fs/sync/refresh_requests.hpp"

#include <utility>

namespace flickrfs::fs {

void RefreshRequests::want_refresh() {
  {
    std::lock_guard lock(m_mutex);
    m_refresh = true;
  }
  m_wake.notify_all();
}

void RefreshRequests::want_refresh_now() {
  {
    std::lock_guard lock(m_mutex);
    m_refresh = true;
    m_fill = true;  // wakes the loop without waiting out its tick
  }
  m_wake.notify_all();
}

void RefreshRequests::want_fill(std::optional<model::Ino> dir) {
  {
    std::lock_guard lock(m_mutex);
    if (dir) m_wanted_dirs.insert(*dir);
    m_fill = true;
  }
  m_wake.notify_all();
}

bool RefreshRequests::wanted(model::Ino dir) const {
  std::lock_guard lock(m_mutex);
  return m_wanted_dirs.count(dir) != 0;
}

void RefreshRequests::clear_wanted_dirs() {
  std::lock_guard lock(m_mutex);
  m_wanted_dirs.clear();
}

void RefreshRequests::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
}

bool RefreshRequests::begin_turn(bool& refresh) {
  std::lock_guard lock(m_mutex);
  if (m_stop) return false;
  refresh = std::exchange(m_refresh, false);
  m_fill = false;
  return true;
}

bool RefreshRequests::wait(std::chrono::milliseconds tick) {
  std::unique_lock lock(m_mutex);
  if (m_stop) return false;
  m_wake.wait_for(lock, tick, [&] { return m_stop || m_fill; });
  return !m_stop;
}

}  // namespace flickrfs::fs
