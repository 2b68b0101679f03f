// Tests for the pure eviction policy (cache/eviction.hpp).
#include "cache/eviction.hpp"

#include <catch2/catch.hpp>

using flickrfs::cache::EvictionCandidate;
using flickrfs::cache::EvictionLimits;
using flickrfs::cache::plan_eviction;

TEST_CASE("eviction takes least recently used first until under the limit", "[cache]") {
  std::vector<EvictionCandidate> c = {{"new", 100, 30, false, false},
                                      {"old", 100, 10, false, false},
                                      {"mid", 100, 20, false, false}};
  auto plan = plan_eviction(c, EvictionLimits{150, 0, 1u << 30, 0});
  CHECK(plan.victims == std::vector<std::string>{"old", "mid"});
  CHECK(plan.freed_bytes == 200);
  CHECK(plan.satisfied);
  CHECK(plan_eviction(c, EvictionLimits{300, 0, 1u << 30, 0}).victims.empty());
  CHECK(plan_eviction(c, EvictionLimits{0, 0, 1u << 30, 0}).victims.empty());  // unlimited
}

TEST_CASE("eviction never takes an open or pinned blob", "[cache]") {
  std::vector<EvictionCandidate> c = {{"open", 100, 1, true, false},
                                      {"pinned", 100, 2, false, true},
                                      {"free", 100, 3, false, false}};
  auto plan = plan_eviction(c, EvictionLimits{50, 0, 1u << 30, 0});
  CHECK(plan.victims == std::vector<std::string>{"free"});
  CHECK_FALSE(plan.satisfied);  // still 200 > 50, and says so
}

TEST_CASE("eviction keeps the free-space margin and room for a download", "[cache]") {
  std::vector<EvictionCandidate> c = {
      {"a", 100, 1, false, false}, {"b", 100, 2, false, false}, {"c", 100, 3, false, false}};
  // 1000 free, margin 1050: 50 bytes short -> one blob.
  CHECK(plan_eviction(c, EvictionLimits{0, 1050, 1000, 0}).victims.size() == 1);
  // Room for a 150-byte download under a 400 limit: 300 + 150 - 400 = 50 -> one blob.
  CHECK(plan_eviction(c, EvictionLimits{400, 0, 1u << 30, 150}).victims ==
        std::vector<std::string>{"a"});
}
