// Mounted, --writable (issue 23): `cp` into MOUNT/upload/ puts photos on Flickr byte-identical,
// they appear in the photostream's last page with exact sizes and the spool ends empty;
// upload/<album>/ files them into that album; a SIGKILL mid-upload and a remount leave every
// photo on Flickr exactly once; a full spool disk is a clear error that loses nothing; a read
// token is refused at mount time; everything outside upload/ stays EROFS. Every check runs
// with Flickr's default call budget.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "tests/mount/mount_support.hpp"
#include "tests/mount/upload_support.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace flickrfs::test;
namespace fsys = std::filesystem;

TEST_CASE(
    "cp of 20 photos into upload/: byte-identical on Flickr, in the last page with "
    "exact sizes, spool empty, upload/<album>/ files into that album",
    "[mount]") {
  EmulatorProcess emulator({40, 2, 7, {"--image-kb", "8", "--ticket-ms", "100"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  TempDir pics;
  const auto pictures = make_pictures(pics.path(), 20, 1);
  const auto album_pictures = make_pictures(pics.path(), 2, 2);
  FlickrfsMount mount(emulator.url(), work, {"--writable"});
  const std::string upload = mount.root() + "/upload";
  REQUIRE(fsys::is_directory(upload));

  const auto copied = run_command(cp_command(pictures, upload));
  INFO(copied.output);
  REQUIRE(copied.status == 0);
  REQUIRE(::mkdir((upload + "/Harbour walks").c_str(), 0755) == 0);
  REQUIRE(run_command(cp_command(album_pictures, upload + "/Harbour walks")).status == 0);

  // Until Flickr has them the spooled files are listed, with their exact sizes.
  CHECK(eventually(
      [&] {
        return list_dir(upload) == std::vector<std::string>{"Harbour walks"} &&
               list_dir(upload + "/Harbour walks").empty();
      },
      std::chrono::seconds(120)));
  const Manifest manifest = fetch_manifest(emulator);
  REQUIRE(manifest.photos.size() == 62);
  const auto originals = by_original(manifest);
  std::map<std::string, const Picture*> by_id;
  for (const auto* set : {&pictures, &album_pictures}) {
    for (const auto& p : *set) {
      INFO(p.path);
      const auto found = originals.find(p.sha256);
      REQUIRE(found != originals.end());
      REQUIRE(found->second.size() == 1);  // exactly once
      CHECK(manifest.photo(found->second[0])->title == p.stem);
      by_id[found->second[0]] = &p;
    }
  }
  bool album_found = false;
  for (const auto& set : manifest.sets) {
    if (set.title != "Harbour walks") continue;
    album_found = true;
    CHECK(set.photo_ids.size() == 2);
  }
  CHECK(album_found);

  // The photostream's last page shows them (after the mount's refresh), exact sizes and bytes.
  std::map<std::string, std::string> shown;  // id -> path
  CHECK(eventually(
      [&] {
        shown.clear();
        const std::string page = last_page(mount.root());
        for (const auto& name : list_dir(page)) {
          if (name.ends_with(".jpg") && by_id.count(trailing_id(name)) != 0) {
            shown[trailing_id(name)] = page + "/" + name;
          }
        }
        return shown.size() == by_id.size();
      },
      std::chrono::seconds(120)));
  // On a failure, what the photostream holds now tells a rename from a lost entry.
  const auto photostream_now = [&] {
    std::string now;
    for (const auto& page : list_dir(mount.root() + "/photostream")) {
      for (const auto& name : list_dir(mount.root() + "/photostream/" + page))
        now += page + "/" + name + " ";
    }
    return now;
  };
  for (const auto& [id, path] : shown) {
    INFO(path);
    struct stat st {};
    const int stat_result = ::stat(path.c_str(), &st);
    const int stat_errno = errno;
    if (stat_result != 0) {
      UNSCOPED_INFO("stat errno " << stat_errno << "; the photostream now: " << photostream_now());
    }
    REQUIRE(stat_result == 0);
    CHECK(static_cast<std::uint64_t>(st.st_size) == by_id.at(id)->size);
    const int fd = ::open(path.c_str(), O_RDONLY);
    const int open_errno = errno;
    if (fd < 0) {
      UNSCOPED_INFO("open errno " << open_errno << "; the photostream now: " << photostream_now());
    }
    REQUIRE(fd >= 0);
    ::close(fd);
    CHECK(sha256_hex(read_file(path)) == by_id.at(id)->sha256);
  }
  CHECK(eventually([&] { return spool_empty(work); }, std::chrono::seconds(30)));
}

TEST_CASE("SIGKILL during uploads from upload/, then a remount: every photo on Flickr once",
          "[mount]") {
  // 150 ms per request: the kill lands while the worker is still sending.
  EmulatorProcess emulator({20, 1, 8, {"--image-kb", "8", "--latency-ms", "150"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  TempDir pics;
  const auto pictures = make_pictures(pics.path(), 20, 3);
  {
    FlickrfsMount mount(emulator.url(), work, {"--writable"});
    REQUIRE(run_command(cp_command(pictures, mount.root() + "/upload")).status == 0);
    // Killed once a few are on Flickr, well before all are.
    eventually([&] { return fetch_manifest(emulator).photos.size() >= 23; },
               std::chrono::seconds(60));
    mount.stop_with(SIGKILL);
  }
  const auto before = by_original(fetch_manifest(emulator));
  int landed = 0;
  for (const auto& p : pictures)
    landed += before.count(p.sha256) != 0 ? 1 : 0;
  CHECK(landed > 0);
  CHECK(landed < 20);  // the kill really cut the uploads short
  {
    FlickrfsMount mount(emulator.url(), work, {"--writable"});
    // The queued files are listed again and sent by the new mount.
    CHECK(eventually([&] { return list_dir(mount.root() + "/upload").empty(); },
                     std::chrono::seconds(180)));
  }
  const Manifest manifest = fetch_manifest(emulator);
  const auto after = by_original(manifest);
  for (const auto& p : pictures) {
    INFO(p.path);
    CHECK((after.count(p.sha256) != 0 && after.at(p.sha256).size() == 1));
  }
  CHECK(manifest.photos.size() == 40);
  CHECK(eventually([&] { return spool_empty(work); }, std::chrono::seconds(30)));
}

TEST_CASE(
    "a full spool disk: cp fails with ENOSPC, the spool keeps nothing partial, what was "
    "queued still reaches Flickr",
    "[mount]") {
  EmulatorProcess emulator({10, 1, 9, {"--image-kb", "8"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  // The spool on a 256 KiB tmpfs (needs CAP_SYS_ADMIN, as the mount tests run).
  const std::string spool = spool_dir(work);
  fsys::create_directories(spool);
  ::chmod(work.cache().c_str(), 0700);
  ::chmod((work.cache() + "/12345678@N00").c_str(), 0700);
  if (::mount("tmpfs", spool.c_str(), "tmpfs", 0, "size=256k,mode=0700") != 0) {
    WARN("skipped: cannot mount a small tmpfs for the spool (" << std::strerror(errno) << ")");
    return;
  }
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount_spool{spool};
  TempDir pics;
  const auto small = make_pictures(pics.path(), 1, 4);
  const auto big = make_pictures(pics.path(), 1, 5, 600 * 1024);
  {
    FlickrfsMount mount(emulator.url(), work, {"--writable"});
    const std::string upload = mount.root() + "/upload";
    REQUIRE(run_command(cp_command(small, upload)).status == 0);
    const auto full = run_command(cp_command(big, upload));
    CHECK(full.status != 0);
    CHECK(full.output.find("No space left on device") != std::string::npos);
    CHECK(eventually([&] { return list_dir(upload).empty(); }, std::chrono::seconds(60)));
    CHECK(list_dir(spool + "/incoming").empty());  // the cut-off file is not kept half
    // The disk has room again: the same file can be retried once there is space... and
    // the small one, queued before, is on Flickr.
  }
  const auto originals = by_original(fetch_manifest(emulator));
  CHECK(originals.count(small[0].sha256) == 1);
  CHECK(originals.count(big[0].sha256) == 0);
  CHECK(fsys::file_size(big[0].path) == big[0].size);  // the source is untouched
  CHECK(eventually([&] { return spool_empty(work); }, std::chrono::seconds(30)));
}

TEST_CASE(
    "a read token is refused at mount time with --writable in one line, writes are "
    "EROFS without --writable and outside upload/ with it",
    "[mount]") {
  EmulatorProcess emulator({10, 1, 10, {"--image-kb", "8"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  Env env = mount_env(emulator.url(), work);
  env["FLICKRFS_OAUTH_TOKEN"] = "test-token-read";
  env["FLICKRFS_OAUTH_TOKEN_SECRET"] = "test-token-read-secret";
  const auto refused = run_command(
      {build_binary("flickrfs"), "mount", work.mountpoint(), "-f", "--writable"}, env, 60);
  CHECK(refused.status == 2);
  CHECK(refused.output.find("flickrfs auth --perms write") != std::string::npos);
  CHECK(std::count(refused.output.begin(), refused.output.end(), '\n') == 1);
  CHECK(refused.output.find("test-token-read-secret") == std::string::npos);
  CHECK_FALSE(is_mounted(work.mountpoint()));

  TempDir pics;
  const auto one = make_pictures(pics.path(), 1, 6);
  {
    FlickrfsMount mount(emulator.url(), work, {});
    CHECK_FALSE(fsys::exists(mount.root() + "/upload"));
    const std::string page = last_page(mount.root());
    const auto copied = run_command(cp_command(one, page));
    CHECK(copied.output.find("Read-only file system") != std::string::npos);
    CHECK(::mkdir((mount.root() + "/sets/new").c_str(), 0755) == -1);
    CHECK(errno == EROFS);
  }
  {
    FlickrfsMount mount(emulator.url(), work, {"--writable"});
    const std::string page = last_page(mount.root());
    const auto copied = run_command(cp_command(one, page));
    CHECK(copied.output.find("Read-only file system") != std::string::npos);
    CHECK(::mkdir((mount.root() + "/sets/new").c_str(), 0755) == -1);
    CHECK(errno == EROFS);
    CHECK(::mkdir((mount.root() + "/upload/Album").c_str(), 0755) == 0);
    CHECK(::mkdir((mount.root() + "/upload/Album/deeper").c_str(), 0755) == -1);
    CHECK(errno == EPERM);
  }
  CHECK(fetch_manifest(emulator).photos.size() == 10);
}
