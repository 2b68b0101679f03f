// cache/cache_dir.cpp: directories are born 0700 and loose ones are refused.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "cache/cache_dir.hpp"
#include "tests/support/temp_dir.hpp"

using flickrfs::Errc;
using flickrfs::cache::ensure_private_dir;

namespace {
mode_t mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}
}  // namespace

TEST_CASE("cache directories are created with mode 0700, parents included", "[cache]") {
  flickrfs::test::TempDir tmp;
  const std::string dir = tmp / "a/b/flickrfs";
  const mode_t old_umask = ::umask(0);  // a permissive umask must not loosen the mode
  auto made = ensure_private_dir(dir);
  ::umask(old_umask);
  REQUIRE(made.ok());
  CHECK(mode_of(dir) == 0700);
  CHECK(mode_of(tmp / "a") == 0700);
  CHECK(ensure_private_dir(dir).ok());  // idempotent
}

TEST_CASE("an existing world-readable cache directory is refused", "[cache]") {
  flickrfs::test::TempDir tmp;
  const std::string dir = tmp / "open";
  REQUIRE(::mkdir(dir.c_str(), 0755) == 0);
  REQUIRE(::chmod(dir.c_str(), 0755) == 0);
  auto made = ensure_private_dir(dir);
  REQUIRE_FALSE(made.ok());
  CHECK(made.error().code == Errc::config);  // exit 1: the user fixes it, not an auth failure
  CHECK(made.error().message.find("chmod 700 " + dir) != std::string::npos);
}

TEST_CASE("the cache directory follows flag, then environment", "[cache]") {
  auto dir = flickrfs::cache::resolve_cache_dir("/x/y");
  REQUIRE(dir.ok());
  CHECK(*dir == "/x/y");
}
