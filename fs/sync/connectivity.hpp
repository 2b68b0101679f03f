#pragma once
// Online / offline, as the mount sees it (DESIGN section 4 "Offline"). --offline pins it
// offline. Otherwise a transport failure (Errc::network: refused, reset, timeout) switches
// it offline, and from then on every uncached request fails at once (Errc::offline) instead
// of paying the client's retries again: an uncached read fails within 1 s and `ls` never
// hangs on a dead network. Only the catalog's background health check (a cheap request
// every few seconds, never a user's request) switches it back online.
//
// Thread contract: thread-safe (atomics only).

#include <atomic>
#include <cstdint>

#include "api/result.hpp"

namespace flickrfs::fs {

class Connectivity {
 public:
  explicit Connectivity(bool forced_offline) : m_forced(forced_offline) {}

  // True while requests should not be attempted.
  [[nodiscard]] bool offline() const;
  [[nodiscard]] bool forced_offline() const { return m_forced; }
  void report(const Error& error);  // only Errc::network / offline count
  void set_online();                // the health check reached Flickr
  void set_offline();               // e.g. the mount-time check could not reach Flickr
  // Transitions so far (for status and tests).
  [[nodiscard]] std::uint64_t changes() const { return m_changes.load(); }

 private:
  const bool m_forced;
  std::atomic<bool> m_offline{false};
  std::atomic<std::uint64_t> m_changes{0};
};

}  // namespace flickrfs::fs
