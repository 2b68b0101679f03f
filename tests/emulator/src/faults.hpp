#pragma once
// Fault injection (--fault-rate, --fault-seed): the kind of fault for the n-th API or image
// request is a pure function of (seed, n), so a run with one client is reproducible.
//
// Thread contract: thread-safe (an atomic request counter).

#include <atomic>
#include <cstdint>
#include <string>

namespace flickrfs::emulator {

enum class Fault {
  None,
  Http500,
  Http502,
  Http503,
  Http429,
  StatFail201,  // API only
  StatFail105,  // API only
  StatFail0,    // API only
  InvalidJson,  // API only: a body that does not parse
  Truncated,    // Content-Length larger than the bytes sent, then close
  Reset,        // TCP reset instead of a response
  Stall,        // hold the response --stall-ms, then answer normally
};

std::string fault_name(Fault fault);

class FaultInjector {
 public:
  FaultInjector(double rate, std::uint64_t seed) : m_rate(rate), m_seed(seed) {}
  // Draws the fault for the next request (api: a REST call; otherwise an image request).
  Fault next(bool api);

 private:
  double m_rate;
  std::uint64_t m_seed;
  std::atomic<std::uint64_t> m_counter{0};
};

}  // namespace flickrfs::emulator
