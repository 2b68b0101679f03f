// See eviction.hpp.
#include "cache/eviction.hpp"

#include <algorithm>
#include <tuple>

namespace flickrfs::cache {

EvictionPlan plan_eviction(std::vector<EvictionCandidate> candidates,
                           const EvictionLimits& limits) {
  std::uint64_t total = 0;
  for (const auto& c : candidates)
    total += c.bytes;

  // Bytes to free: over the size limit (counting the room wanted), and short of the margin.
  std::uint64_t need = 0;
  if (limits.max_bytes > 0 && total + limits.extra_bytes > limits.max_bytes) {
    need = total + limits.extra_bytes - limits.max_bytes;
  }
  std::uint64_t wanted_free = limits.min_free_bytes + limits.extra_bytes;
  if (limits.free_bytes < wanted_free) need = std::max(need, wanted_free - limits.free_bytes);

  EvictionPlan plan;
  if (need == 0) return plan;
  std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
    return std::tie(a.last_access, a.record_key) < std::tie(b.last_access, b.record_key);
  });
  for (const auto& c : candidates) {
    if (plan.freed_bytes >= need) break;
    if (c.open || c.pinned) continue;
    plan.victims.push_back(c.record_key);
    plan.freed_bytes += c.bytes;
  }
  plan.satisfied = plan.freed_bytes >= need;
  return plan;
}

}  // namespace flickrfs::cache
