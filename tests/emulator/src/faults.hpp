#pragma once
// Fault injection (--fault-rate, --fault-seed, --fault-kinds): the kind of fault for the n-th
// API or image request is a pure function of (seed, n), so a run with one client is
// reproducible. POST /_emulator/faults changes the rate and kinds while serving, so a test
// can make Flickr sick under a running mount and then heal it.
//
// Thread contract: thread-safe (atomics).

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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
// "http503" -> Fault::Http503; nullopt for an unknown name.
std::optional<Fault> fault_from_name(std::string_view name);

// A set of fault kinds, one bit per Fault.
using FaultKinds = std::uint32_t;
inline constexpr FaultKinds kAllFaultKinds = ~FaultKinds{0};
inline constexpr FaultKinds fault_bit(Fault fault) {
  return FaultKinds{1} << static_cast<unsigned>(fault);
}
// "http503,stat_fail_105" -> the set; false (and *error) for an unknown name.
bool parse_fault_kinds(std::string_view list, FaultKinds* kinds, std::string* error);

class FaultInjector {
 public:
  FaultInjector(double rate, std::uint64_t seed, FaultKinds kinds = kAllFaultKinds)
      : m_rate(rate), m_seed(seed), m_kinds(kinds) {}
  // Draws the fault for the next request (api: a REST call; otherwise an image request),
  // among the enabled kinds that apply to it (none: no fault).
  Fault next(bool api);
  void configure(double rate, FaultKinds kinds) {
    m_kinds = kinds;
    m_rate = rate;
  }

 private:
  std::atomic<double> m_rate;
  std::uint64_t m_seed;
  std::atomic<FaultKinds> m_kinds;
  std::atomic<std::uint64_t> m_counter{0};
};

}  // namespace flickrfs::emulator
