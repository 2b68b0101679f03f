#pragma once
// CallGate: at most `slots` requests of one kind in flight in this process (8 API calls, 16
// image transfers): the short-term politeness real clients keep, instead of a fixed rate.
// Callers go in priority order (api::Priority: foreground, walk-ahead, prefetch, pins,
// thumbnails): nobody enters while a caller of a more urgent kind waits, so a burst of
// thumbnail downloads never holds up the size probes of an `ls -l`. Long background work (prefetch,
// pins, thumbnails: whole downloads) never holds the last two slots, so an `ls` or an open is never
// queued behind a prefetch burst. Walk-ahead may take every slot: its requests are the stat walk's
// next few answers (short HEAD probes the walker waits for a moment later), and its concurrency is
// bounded by the mount's probe threads, so a foreground caller waits at most one probe round trip
// for a slot while a 500-photo `ls -l` gets every slot's worth of probes at once.
//
// Thread contract: thread-safe. enter() blocks (real time, cancellable within 100 ms).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <utility>

#include "api/call_budget.hpp"
#include "base/result.hpp"

namespace flickrfs::api {

class CallGate {
 public:
  explicit CallGate(int slots) : m_slots(slots) {}  // <= 0: unlimited

  // Takes a slot. Errc::interrupted when `cancel` becomes true while waiting.
  [[nodiscard]] Result<void> enter(Priority priority, const std::atomic<bool>* cancel);
  void leave();
  [[nodiscard]] int in_flight() const;
  // Callers waiting for a slot, of any priority (status; tests order threads by it).
  [[nodiscard]] int waiting() const;
  // True when a call of `priority` would enter now.
  [[nodiscard]] bool has_room(Priority priority) const;

 private:
  [[nodiscard]] bool room_locked(Priority priority) const;

  const int m_slots;
  mutable std::mutex m_mutex;  // guards the counts
  std::condition_variable m_changed;
  int m_in_flight = 0;
  int m_waiting_by_priority[kPriorityCount] = {};
  int m_waiting = 0;  // every priority
};

// Holds one slot of a gate; leaves it on destruction.
class GateSlot {
 public:
  GateSlot() = default;
  explicit GateSlot(CallGate* gate) : m_gate(gate) {}
  GateSlot(GateSlot&& other) noexcept : m_gate(std::exchange(other.m_gate, nullptr)) {}
  GateSlot& operator=(GateSlot&& other) noexcept {
    if (this != &other) {
      release();
      m_gate = std::exchange(other.m_gate, nullptr);
    }
    return *this;
  }
  GateSlot(const GateSlot&) = delete;
  GateSlot& operator=(const GateSlot&) = delete;
  ~GateSlot() { release(); }
  void release() {
    if (m_gate != nullptr) std::exchange(m_gate, nullptr)->leave();
  }

 private:
  CallGate* m_gate = nullptr;
};

}  // namespace flickrfs::api
