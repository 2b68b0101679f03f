#pragma once
// The eviction policy, as a pure function so it can be tested without files: least recently
// used first, until the cache is within --cache-size and the disk keeps its free-space
// margin; never a blob that is open (a live BlobReader or a download in flight) or pinned.
//
// Thread contract: pure function; safe from any thread.

#include <cstdint>
#include <string>
#include <vector>

namespace flickrfs::cache {

struct EvictionCandidate {
  std::string record_key;  // BlobKey::record_key()
  std::uint64_t bytes = 0;
  std::int64_t last_access = 0;  // unix seconds; ties broken by record_key for determinism
  bool open = false;
  bool pinned = false;
};

struct EvictionLimits {
  std::uint64_t max_bytes = 0;       // --cache-size; 0 = no size limit
  std::uint64_t min_free_bytes = 0;  // keep at least this much free on the cache filesystem
  std::uint64_t free_bytes = 0;      // statvfs f_bavail * f_frsize now
  std::uint64_t extra_bytes = 0;     // room wanted on top (a download about to start)
};

struct EvictionPlan {
  std::vector<std::string> victims;  // record keys, oldest access first
  std::uint64_t freed_bytes = 0;
  bool satisfied = true;  // false when open/pinned blobs keep the cache over its limits
};

[[nodiscard]] EvictionPlan plan_eviction(std::vector<EvictionCandidate> candidates,
                                         const EvictionLimits& limits);

}  // namespace flickrfs::cache
