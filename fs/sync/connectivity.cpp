// See connectivity.hpp.
#include "fs/sync/connectivity.hpp"

namespace flickrfs::fs {

const char* to_string(LinkState state) noexcept {
  switch (state) {
    case LinkState::online:
      return "online";
    case LinkState::degraded:
      return "degraded";
    case LinkState::offline:
      return "offline";
  }
  return "offline";
}

bool Connectivity::offline() const {
  return m_forced || m_state.load() != LinkState::online;
}

LinkState Connectivity::state() const {
  return m_forced ? LinkState::offline : m_state.load();
}

std::string Connectivity::reason() const {
  if (m_forced) return "--offline";
  std::lock_guard lock(m_reason_mutex);
  return m_reason;
}

void Connectivity::report(const Error& error) {
  if (error.code == Errc::network) {
    set(LinkState::offline, error.describe());
  } else if (error.code == Errc::unavailable || error.code == Errc::bad_response) {
    set(LinkState::degraded, error.describe());
  }
}

void Connectivity::set_online() {
  set(LinkState::online, {});
}

void Connectivity::set_offline(const std::string& reason) {
  set(LinkState::offline, reason);
}

void Connectivity::set_degraded(const std::string& reason) {
  set(LinkState::degraded, reason);
}

void Connectivity::set(LinkState state, const std::string& reason) {
  {
    std::lock_guard lock(m_reason_mutex);
    m_reason = reason;
    for (char& c : m_reason) {
      if (c == '\n' || c == '\r') c = ' ';  // one line: the status file is line based
    }
  }
  if (m_state.exchange(state) != state) ++m_changes;
}

}  // namespace flickrfs::fs
