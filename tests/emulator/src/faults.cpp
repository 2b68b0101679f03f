// Fault injection (see faults.hpp).
#include "faults.hpp"

#include <array>
#include <span>

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

std::optional<Fault> fault_from_name(std::string_view name) {
  for (int k = static_cast<int>(Fault::None); k <= static_cast<int>(Fault::Stall); ++k) {
    if (fault_name(static_cast<Fault>(k)) == name) return static_cast<Fault>(k);
  }
  return std::nullopt;
}

bool parse_fault_kinds(std::string_view list, FaultKinds* kinds, std::string* error) {
  FaultKinds out = 0;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view name = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    const auto fault = fault_from_name(name);
    if (!fault || *fault == Fault::None) {
      *error = "unknown fault kind '" + std::string(name) +
               "' (http500, http502, http503, http429, stat_fail_201, stat_fail_105, "
               "stat_fail_0, invalid_json, truncated, reset, stall)";
      return false;
    }
    out |= fault_bit(*fault);
  }
  *kinds = out;
  return true;
}

Fault FaultInjector::next(bool api) {
  const double rate = m_rate.load();
  if (rate <= 0) return Fault::None;
  const std::uint64_t n = m_counter.fetch_add(1);
  const std::uint64_t h = hash_of(m_seed, n, 0xfa17);
  const double roll = static_cast<double>(h >> 11) / static_cast<double>(1ULL << 53);
  if (roll >= rate) return Fault::None;
  static constexpr std::array<Fault, 11> kApiFaults = {
      Fault::Http500,     Fault::Http502,     Fault::Http503,   Fault::Http429,
      Fault::StatFail201, Fault::StatFail105, Fault::StatFail0, Fault::InvalidJson,
      Fault::Truncated,   Fault::Reset,       Fault::Stall};
  static constexpr std::array<Fault, 7> kImageFaults = {
      Fault::Http500,   Fault::Http502, Fault::Http503, Fault::Http429,
      Fault::Truncated, Fault::Reset,   Fault::Stall};
  const std::uint64_t k = mix64(h);
  const FaultKinds kinds = m_kinds.load();
  if (kinds == kAllFaultKinds) {  // the historical draw, so seeds keep their fault sequences
    return api ? kApiFaults[k % kApiFaults.size()] : kImageFaults[k % kImageFaults.size()];
  }
  Fault enabled[kApiFaults.size()];
  std::size_t count = 0;
  for (const Fault f :
       api ? std::span<const Fault>(kApiFaults) : std::span<const Fault>(kImageFaults)) {
    if ((kinds & fault_bit(f)) != 0) enabled[count++] = f;
  }
  return count == 0 ? Fault::None : enabled[k % count];
}

}  // namespace flickrfs::emulator
