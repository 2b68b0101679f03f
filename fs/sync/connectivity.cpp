// See connectivity.hpp.
#include "fs/sync/connectivity.hpp"

namespace flickrfs::fs {

bool Connectivity::offline() const {
  return m_forced || m_offline.load();
}

void Connectivity::report(const Error& error) {
  if (error.code == Errc::network) set_offline();
}

void Connectivity::set_online() {
  if (m_offline.exchange(false)) ++m_changes;
}

void Connectivity::set_offline() {
  if (!m_offline.exchange(true)) ++m_changes;
}

}  // namespace flickrfs::fs
