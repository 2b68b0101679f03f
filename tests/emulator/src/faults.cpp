// Fault injection (see faults.hpp).
#include "faults.hpp"

#include <array>

#include "util.hpp"

namespace flickrfs::emulator {

std::string fault_name(Fault fault) {
  switch (fault) {
    case Fault::None:
      return "none";
    case Fault::Http500:
      return "http500";
    case Fault::Http502:
      return "http502";
    case Fault::Http503:
      return "http503";
    case Fault::Http429:
      return "http429";
    case Fault::StatFail201:
      return "stat_fail_201";
    case Fault::StatFail105:
      return "stat_fail_105";
    case Fault::StatFail0:
      return "stat_fail_0";
    case Fault::InvalidJson:
      return "invalid_json";
    case Fault::Truncated:
      return "truncated";
    case Fault::Reset:
      return "reset";
    case Fault::Stall:
      return "stall";
  }
  return "unknown";
}

Fault FaultInjector::next(bool api) {
  if (m_rate <= 0) return Fault::None;
  const std::uint64_t n = m_counter.fetch_add(1);
  const std::uint64_t h = hash_of(m_seed, n, 0xfa17);
  const double roll = static_cast<double>(h >> 11) / static_cast<double>(1ULL << 53);
  if (roll >= m_rate) return Fault::None;
  static constexpr std::array<Fault, 11> kApiFaults = {
      Fault::Http500,     Fault::Http502,     Fault::Http503,   Fault::Http429,
      Fault::StatFail201, Fault::StatFail105, Fault::StatFail0, Fault::InvalidJson,
      Fault::Truncated,   Fault::Reset,       Fault::Stall};
  static constexpr std::array<Fault, 7> kImageFaults = {
      Fault::Http500,   Fault::Http502, Fault::Http503, Fault::Http429,
      Fault::Truncated, Fault::Reset,   Fault::Stall};
  const std::uint64_t k = mix64(h);
  return api ? kApiFaults[k % kApiFaults.size()] : kImageFaults[k % kImageFaults.size()];
}

}  // namespace flickrfs::emulator
