// Mounted: `flickrfs cache pin` (issue 6). A pinned album is downloaded by the running mount
// (fs/sync/pin_keeper.hpp), survives eviction under a tiny --cache-size, and is served
// byte-identical to the emulator's manifest after the emulator is gone, while unpinned
// photos are evicted (checked in the blob directory) and those never downloaded fail with
// EIO. Without a running mount
// `cache pin` downloads the pinned page itself. Waits poll `flickrfs status`; no timing
// assertions.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <regex>
#include <thread>

#include "tests/mount/mount_support.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace flickrfs::test;
using namespace std::chrono_literals;

namespace {

// The error of reading one byte of `path`: 0 when it reads.
int read_error(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  char byte = 0;
  const int err = ::read(fd, &byte, 1) < 0 ? errno : 0;
  ::close(fd);
  return err;
}

bool matches_manifest(const ManifestPhoto& photo, const std::string& bytes) {
  const std::string sha = sha256_hex(bytes);
  for (const auto* size : expected_sizes(photo)) {
    if (size->sha256 == sha && size->bytes == bytes.size()) return true;
  }
  return false;
}

// `flickrfs status MNT` -> {cached, files} from "pins: C of F pinned files cached".
std::pair<long, long> pin_progress(const std::string& root, const Env& env) {
  const auto status = run_command({build_binary("flickrfs"), "status", root}, env, 30);
  std::smatch match;
  static const std::regex line(R"(pins: +(\d+) of (\d+) pinned files cached)");
  if (!std::regex_search(status.output, match, line)) return {-1, -1};
  return {std::stol(match[1].str()), std::stol(match[2].str())};
}

// The smallest album with at least two photos.
const ManifestSet& small_album(const Manifest& manifest) {
  const ManifestSet* best = nullptr;
  for (const auto& set : manifest.sets) {
    if (set.photo_ids.size() >= 2 && (!best || set.photo_ids.size() < best->photo_ids.size())) {
      best = &set;
    }
  }
  REQUIRE(best != nullptr);
  return *best;
}

std::string album_dir(const std::string& root, const std::string& album_id) {
  for (const auto& name : list_dir(root + "/sets")) {
    if (trailing_id(name) == album_id) return root + "/sets/" + name;
  }
  FAIL("album " << album_id << " not under " << root << "/sets");
  return {};
}

// True when CACHE/<nsid>/blobs/ holds a stored blob (not a .part) of photo `id`.
bool blob_stored(const MountWork& work, const std::string& id) {
  for (const auto& user : list_dir(work.cache())) {
    const std::string blobs = work.cache() + "/" + user + "/blobs";
    if (::access(blobs.c_str(), F_OK) != 0) continue;
    for (const auto& name : list_dir(blobs)) {
      if (name.starts_with(id + "_") && !name.ends_with(".part")) return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("a pinned album is downloaded by the mount, never evicted, and served offline",
          "[mount]") {
  EmulatorProcess emulator({60, 3, 41, {"--image-kb", "10"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  const Env env = mount_env(emulator.url(), work);
  const Manifest manifest = fetch_manifest(emulator);
  const ManifestSet& album = small_album(manifest);
  // 30 KB: less than the pinned album alone (10 KB per photo), so eviction runs all along.
  FlickrfsMount mount(emulator.url(), work, {"--no-prefetch", "--cache-size", "30K"});

  const auto pinned = run_command(
      {build_binary("flickrfs"), "cache", "pin", album_dir(mount.root(), album.id)}, env, 60);
  INFO(pinned.output);
  REQUIRE(pinned.status == 0);
  // Whether or not the mount has listed the album yet, the running mount is the one to fetch.
  CHECK(pinned.output.find("the mount at " + mount.root()) != std::string::npos);

  // The mount notices the pin (it re-reads the pins every 2 s) and downloads every photo.
  const long album_files = static_cast<long>(album.photo_ids.size());
  std::pair<long, long> progress{-1, -1};
  for (int i = 0; i < 240 && progress != std::pair{album_files, album_files}; ++i) {
    std::this_thread::sleep_for(250ms);
    progress = pin_progress(mount.root(), env);
  }
  REQUIRE(progress == std::pair{album_files, album_files});

  // Unpinned photos read now are evicted again (over --cache-size); the pinned ones stay.
  std::vector<std::string> unpinned;
  for (const auto& photo : manifest.photos) {
    const bool in_album = std::find(album.photo_ids.begin(), album.photo_ids.end(), photo.id) !=
                          album.photo_ids.end();
    if (!in_album) unpinned.push_back(photo.id);
  }
  REQUIRE(unpinned.size() >= 9);
  // (Checked in the blob directory: the kernel's page cache may still hold what was read.)
  // Eviction runs when a download starts or ends and skips open blobs; FUSE sends RELEASE
  // after close() returns, so read a few more: by the sixth, the first one is closed for sure.
  for (std::size_t i = 0; i < 6; ++i) {
    CHECK(matches_manifest(*manifest.photo(unpinned[i]),
                           read_file(photo_file(mount.root(), unpinned[i]))));
  }
  CHECK_FALSE(blob_stored(work, unpinned[0]));  // read, closed, then evicted
  for (const auto& id : album.photo_ids) {
    INFO("pinned photo " << id);
    CHECK(blob_stored(work, id));
  }
  std::vector<std::string> never_read;
  for (std::size_t i = 6; i < 9; ++i)
    never_read.push_back(photo_file(mount.root(), unpinned[i]));

  emulator.stop();
  for (const auto& id : album.photo_ids) {
    INFO("pinned photo " << id);
    const std::string file = photo_file(mount.root(), id);
    CHECK(matches_manifest(*manifest.photo(id), read_file(file)));
  }
  for (const auto& file : never_read) {
    INFO(file);
    CHECK(read_error(file) == EIO);
  }
  CHECK(mount.unmount() == 0);
}

TEST_CASE("cache pin without a running mount downloads the pinned page itself", "[mount]") {
  EmulatorProcess emulator({40, 1, 42, {"--image-kb", "10"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  const Env env = mount_env(emulator.url(), work);
  const Manifest manifest = fetch_manifest(emulator);
  {
    FlickrfsMount mount(emulator.url(), work, {"--no-prefetch"});  // lists the account once
    CHECK(list_dir(mount.root() + "/photostream/page-0001").size() == 2 * 40 + 1);  // (listed now)
    CHECK(mount.unmount() == 0);
  }
  const std::string page = work.mountpoint() + "/photostream/page-0001";
  const auto pinned = run_command({build_binary("flickrfs"), "cache", "pin", page}, env, 120);
  INFO(pinned.output);
  REQUIRE(pinned.status == 0);
  CHECK(pinned.output.find("downloading the pinned photos now") != std::string::npos);
  CHECK(pinned.output.find("pinned files: 40, cached: 40 (40 downloaded now), failed: 0") !=
        std::string::npos);

  emulator.stop();
  FlickrfsMount offline(emulator.url(), work, {"--no-prefetch"});
  for (const auto& photo : manifest.photos) {
    INFO("photo " << photo.id);
    CHECK(matches_manifest(photo, read_file(photo_file(offline.root(), photo.id))));
  }
  CHECK(offline.unmount() == 0);
}
