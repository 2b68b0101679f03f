// --prefetch N / --no-prefetch (fs/mount_options.cpp), in both the flag and the -o forms.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "fs/mount_options.hpp"

using flickrfs::fs::parse_mount_args;

namespace {

std::size_t prefetch_of(std::vector<std::string> args) {
  const auto config = parse_mount_args(args);
  REQUIRE(config.ok());
  return config->prefetch;
}

}  // namespace

TEST_CASE("mount option prefetch N sets the window cap, no-prefetch turns it off", "[prefetch]") {
  CHECK(prefetch_of({"mnt"}) == 32);
  CHECK(prefetch_of({"mnt", "--prefetch", "4"}) == 4);
  CHECK(prefetch_of({"mnt", "--prefetch=24"}) == 24);
  CHECK(prefetch_of({"mnt", "--no-prefetch"}) == 0);
  CHECK(prefetch_of({"mnt", "-o", "prefetch=8,ro"}) == 8);
  CHECK(prefetch_of({"mnt", "-o", "no_prefetch"}) == 0);
  for (const std::string bad : {"x", "-1", "5000", ""}) {
    const std::vector<std::string> args = {"mnt", "--prefetch", bad};
    CHECK_FALSE(parse_mount_args(args).ok());
  }
}
