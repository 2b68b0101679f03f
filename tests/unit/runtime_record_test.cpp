// fs/runtime_record.cpp: what a running mount leaves for commands typed in another terminal.
#include "fs/runtime_record.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "tests/support/temp_dir.hpp"

using flickrfs::Errc;
using flickrfs::fs::MountRecord;

namespace {

MountRecord sample(const std::string& mountpoint) {
  return {mountpoint,
          ::getpid(),
          "/home/me/.cache/flickrfs",
          "/home/me/.config/flickrfs/config",
          "http://127.0.0.1:8080",
          "me",
          ""};
}

// Points XDG_RUNTIME_DIR at `dir` for one test.
struct RuntimeDirOverride {
  explicit RuntimeDirOverride(const std::string& dir) {
    ::setenv("XDG_RUNTIME_DIR", dir.c_str(), 1);
  }
  ~RuntimeDirOverride() { ::unsetenv("XDG_RUNTIME_DIR"); }
};

}  // namespace

TEST_CASE("a runtime record reads back as written", "[runtime]") {
  const MountRecord record = sample("/home/me/flickr");
  const auto parsed = flickrfs::fs::parse_record(flickrfs::fs::format_record(record));
  REQUIRE(parsed.has_value());
  CHECK(*parsed == record);
  CHECK_FALSE(flickrfs::fs::parse_record("pid=12\ncache_dir=/c\n").has_value());  // no mount point
}

TEST_CASE("a record is found for a live daemon only and removed at unmount", "[runtime]") {
  flickrfs::test::TempDir tmp;
  RuntimeDirOverride runtime(tmp.path());
  REQUIRE(flickrfs::fs::write_record(sample("/mnt/a")).ok());
  struct stat st {};
  REQUIRE(::stat((tmp / "flickrfs").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0700);
  REQUIRE(flickrfs::fs::find_record("/mnt/a").has_value());
  CHECK_FALSE(flickrfs::fs::find_record("/mnt/b").has_value());

  MountRecord dead = sample("/mnt/c");
  dead.pid = 0x3ffffff0;  // above pid_max: no such process
  REQUIRE(flickrfs::fs::write_record(dead).ok());
  CHECK_FALSE(flickrfs::fs::find_record("/mnt/c").has_value());

  flickrfs::fs::remove_record("/mnt/a");
  CHECK_FALSE(flickrfs::fs::find_record("/mnt/a").has_value());
}

TEST_CASE("a runtime directory others can enter is refused", "[runtime]") {
  flickrfs::test::TempDir tmp;
  RuntimeDirOverride runtime(tmp.path());
  REQUIRE(::mkdir((tmp / "flickrfs").c_str(), 0755) == 0);
  const auto dir = flickrfs::fs::runtime_dir();
  REQUIRE_FALSE(dir.ok());
  CHECK(dir.error().code == Errc::permission);
  CHECK_FALSE(flickrfs::fs::write_record(sample("/mnt/a")).ok());
}
