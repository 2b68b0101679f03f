// fs/mount_options.cpp: every way `flickrfs mount` is invoked, fstab included.
#include <catch2/catch.hpp>

#include "fs/mount_options.hpp"

using namespace flickrfs;
using namespace flickrfs::fs;

namespace {

Result<MountConfig> parse(std::vector<std::string> args) {
  return parse_mount_args(args);
}

}  // namespace

TEST_CASE("the plain form takes one mountpoint and flags", "[fs]") {
  const auto config = parse({"/mnt/flickr", "-f", "--sizes", "large,thumb", "--jobs=4", "-v",
                             "--dir-cache-time", "2m", "--cache-size", "10G"});
  REQUIRE(config);
  CHECK(config->mountpoint == "/mnt/flickr");
  CHECK(config->foreground);
  CHECK(config->sizes == std::vector<std::string>{"best", "large", "thumb"});
  CHECK(config->jobs == 4);
  CHECK(config->global.verbosity == 1);
  CHECK(config->dir_cache_time == std::chrono::seconds(120));
  CHECK(config->cache_size == (std::uint64_t{10} << 30));
  CHECK(config->global.user == "me");
}

TEST_CASE("the mount.fuse3 form takes SOURCE MOUNTPOINT -o LIST", "[fs]") {
  const auto config =
      parse({"12345678@N00", "/mnt/f", "-o",
             "rw,nodev,nosuid,allow_other,cache_dir=/var/cache/f,dir_cache_time=30s,x-systemd."
             "automount,_netdev,sizes=best+large"});
  // '+' is not a list separator: a bad sizes value is reported, not ignored.
  REQUIRE_FALSE(config);
  CHECK(config.error().message.find("best+large") != std::string::npos);

  const auto ok = parse({"12345678@N00", "/mnt/f", "-o",
                         "rw,nodev,allow_other,cache_dir=/var/cache/f,dir_cache_time=30s,"
                         "x-systemd.automount,_netdev,offline,user"});
  REQUIRE(ok);
  CHECK(ok->mountpoint == "/mnt/f");
  CHECK(ok->global.user == "12345678@N00");
  CHECK(ok->allow_other);
  CHECK(ok->global.offline);
  CHECK(ok->global.cache_dir == "/var/cache/f");
  CHECK(ok->dir_cache_time == std::chrono::seconds(30));
}

TEST_CASE("a generic source keeps the default user and -oLIST without a space works", "[fs]") {
  const auto config = parse({"flickrfs", "/mnt/f", "-oallow_other,ro"});
  REQUIRE(config);
  CHECK(config->global.user == "me");
  CHECK(config->allow_other);
}

TEST_CASE("mount --exif and -o exif turn on exif.json files, off by default", "[fs]") {
  CHECK_FALSE(parse({"/mnt/f"})->exif);
  CHECK(parse({"/mnt/f", "--exif"})->exif);
  CHECK(parse({"flickrfs", "/mnt/f", "-o", "ro,exif"})->exif);
  CHECK_FALSE(parse({"/mnt/f", "--exif=yes"}));
  CHECK(mount_usage().find("--exif") != std::string::npos);
}

TEST_CASE("bad mount arguments are one clear error", "[fs]") {
  CHECK_FALSE(parse({}));
  CHECK_FALSE(parse({"a", "b", "c"}));
  CHECK_FALSE(parse({"/mnt", "--bogus"}));
  CHECK_FALSE(parse({"/mnt", "-o", "frobnicate"}));
  CHECK_FALSE(parse({"/mnt", "--jobs", "0"}));
  CHECK_FALSE(parse({"/mnt", "--dir-cache-time", "soon"}));
  const auto unknown = parse({"/mnt", "-o", "colour=blue"});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message == "unknown mount option 'colour=blue'");
}

TEST_CASE("mount: --allow-delete needs --writable, in either form", "[fs]") {
  const auto alone = parse({"/mnt", "--allow-delete"});
  REQUIRE_FALSE(alone);
  CHECK(alone.error().message.find("--allow-delete needs --writable") != std::string::npos);
  CHECK_FALSE(parse({"flickrfs", "/mnt", "-o", "allow_delete"}));
  const auto both = parse({"/mnt", "--writable", "--allow-delete"});
  REQUIRE(both);
  CHECK(both->writable);
  CHECK(both->allow_delete);
  const auto fstab = parse({"flickrfs", "/mnt", "-o", "writable,allow_delete"});
  REQUIRE(fstab);
  CHECK(fstab->allow_delete);
}

TEST_CASE("durations and byte sizes", "[fs]") {
  CHECK(*parse_duration("90") == std::chrono::seconds(90));
  CHECK(*parse_duration("5m") == std::chrono::seconds(300));
  CHECK(*parse_duration("1h") == std::chrono::seconds(3600));
  CHECK_FALSE(parse_duration("m"));
  CHECK(*parse_byte_size("512K") == 512u * 1024);
  CHECK(*parse_byte_size("10GiB") == (std::uint64_t{10} << 30));
  CHECK(*parse_byte_size("100MB") == 100u << 20);
  CHECK(*parse_byte_size("4096") == 4096u);
  CHECK_FALSE(parse_byte_size("lots"));
}
