#pragma once
// Online / degraded / offline, as the mount sees it (DESIGN section 4 "Offline": an error
// means "serve what is cached"). --offline pins it offline. Otherwise a transport failure
// (Errc::network: refused, reset, timeout) switches it offline, and Flickr failing after
// the client's retries (Errc::unavailable: 5xx, stat:fail 105/201/0; Errc::bad_response:
// replies that do not parse) switches it degraded. In both, every uncached request fails at
// once (Errc::offline) instead of paying the client's retries again: an uncached read fails
// within 1 s and `ls` never hangs. Only the catalog's background health check (a cheap
// unsigned request every few seconds, never a user's request) switches it back online.
// Rate limiting (429) is not a state here: the budget and the client's backoff own it.
//
// Thread contract: thread-safe (atomics; the reason string under a mutex).

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "base/result.hpp"

namespace flickrfs::fs {

enum class LinkState : std::uint8_t { online, degraded, offline };

[[nodiscard]] const char* to_string(LinkState state) noexcept;

class Connectivity {
 public:
  explicit Connectivity(bool forced_offline) : m_forced(forced_offline) {}

  // True while requests should not be attempted (offline or degraded).
  [[nodiscard]] bool offline() const;
  [[nodiscard]] bool forced_offline() const { return m_forced; }
  [[nodiscard]] LinkState state() const;
  // Why it is not online ("" when online): the error that switched it, one line.
  [[nodiscard]] std::string reason() const;
  // network -> offline; unavailable, bad_response -> degraded; anything else: no change.
  void report(const Error& error);
  void set_online();                                  // the health check got a normal answer
  void set_offline(const std::string& reason = {});   // Flickr could not be reached
  void set_degraded(const std::string& reason = {});  // Flickr answered, but failing
  // Transitions so far (for status and tests).
  [[nodiscard]] std::uint64_t changes() const { return m_changes.load(); }

 private:
  void set(LinkState state, const std::string& reason);

  const bool m_forced;
  std::atomic<LinkState> m_state{LinkState::online};
  std::atomic<std::uint64_t> m_changes{0};
  mutable std::mutex m_reason_mutex;  // guards m_reason
  std::string m_reason;
};

}  // namespace flickrfs::fs
