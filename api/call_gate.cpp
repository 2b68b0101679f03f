// See call_gate.hpp.
#include "api/call_gate.hpp"

#include <algorithm>

namespace flickrfs::api {

namespace {
// Slots long background work leaves free for foreground callers (when there are at least 3).
constexpr int kForegroundSlots = 2;
}  // namespace

bool CallGate::room_locked(Priority priority) const {
  const auto rank = static_cast<std::size_t>(priority);
  for (std::size_t more_urgent = 0; more_urgent < rank; ++more_urgent) {
    if (m_waiting_by_priority[more_urgent] > 0) return false;
  }
  if (m_slots <= 0) return true;
  if (priority == Priority::foreground) return m_in_flight < m_slots;
  const bool reserve = priority != Priority::walk_ahead && m_slots > kForegroundSlots;
  const int background_slots = reserve ? m_slots - kForegroundSlots : m_slots;
  return m_in_flight < background_slots;
}

Result<void> CallGate::enter(Priority priority, const std::atomic<bool>* cancel) {
  std::unique_lock lock(m_mutex);
  if (!room_locked(priority)) {
    int& waiting_of_kind = m_waiting_by_priority[static_cast<std::size_t>(priority)];
    ++waiting_of_kind;
    ++m_waiting;
    const auto stop_waiting = [&] {
      --waiting_of_kind;
      --m_waiting;
    };
    while (!room_locked(priority)) {
      if (cancel != nullptr && cancel->load()) {
        stop_waiting();
        m_changed.notify_all();
        return make_error(Errc::interrupted, "cancelled while waiting for a request slot");
      }
      m_changed.wait_for(lock, std::chrono::milliseconds(100));
    }
    stop_waiting();
    // Less urgent callers may have waited only for this one.
    m_changed.notify_all();
  }
  ++m_in_flight;
  return success();
}

void CallGate::leave() {
  {
    const std::lock_guard lock(m_mutex);
    m_in_flight = std::max(0, m_in_flight - 1);
  }
  m_changed.notify_all();
}

int CallGate::in_flight() const {
  const std::lock_guard lock(m_mutex);
  return m_in_flight;
}

int CallGate::waiting() const {
  const std::lock_guard lock(m_mutex);
  return m_waiting;
}

bool CallGate::has_room(Priority priority) const {
  const std::lock_guard lock(m_mutex);
  return room_locked(priority);
}

}  // namespace flickrfs::api
