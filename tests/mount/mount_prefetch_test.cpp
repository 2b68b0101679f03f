// Mounted: walk-ahead prefetch (issue 10). Copies stay byte-identical, a reader that stops
// costs at most the window's worth of extra downloads (emulator stats), unmounting while
// prefetching is clean, and offline mounts make no request. No timing assertions: waits
// poll the emulator's counters until they settle.
#include <fcntl.h>
#include <unistd.h>

#include <simdjson.h>
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include "tests/mount/mount_support.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace flickrfs::test;
using namespace std::chrono_literals;

namespace {

// Photos with at least one image request (GET, HEAD or probe) since the last reset.
std::size_t photos_requested(const EmulatorProcess& emulator) {
  simdjson::dom::parser parser;
  const std::string stats = emulator.get("/_emulator/stats");
  simdjson::dom::object by_photo = parser.parse(stats)["image_requests_by_photo"].get_object();
  return by_photo.size();
}

std::int64_t stat_counter(const EmulatorProcess& emulator, const char* name) {
  simdjson::dom::parser parser;
  const std::string stats = emulator.get("/_emulator/stats");
  return std::int64_t(parser.parse(stats)[name]);
}

// Waits until photos_requested() has not changed for `quiet` (at most `limit`).
std::size_t settled_photos_requested(const EmulatorProcess& emulator,
                                     std::chrono::milliseconds quiet = 1500ms,
                                     std::chrono::seconds limit = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::size_t last = photos_requested(emulator);
  auto stable_since = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    const std::size_t now = photos_requested(emulator);
    if (now != last) {
      last = now;
      stable_since = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - stable_since >= quiet) {
      break;
    }
  }
  return last;
}

bool is_image_name(const std::string& name) {
  const bool json = name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0;
  return !json && name != ".hidden";
}

// The image files of a page in name order (what rsync and `ls` see).
std::vector<std::string> page_files(const std::string& root, const std::string& page) {
  std::vector<std::string> files;
  const std::string dir = root + "/photostream/" + page;
  for (const auto& name : list_dir(dir)) {
    if (is_image_name(name)) files.push_back(dir + "/" + name);
  }
  return files;
}

// `flickrfs status MNT` -> the number after "prefetch: window W, N walks, F files".
long prefetched_files(const std::string& root, const Env& env) {
  const auto status = run_command({build_binary("flickrfs"), "status", root}, env, 30);
  std::smatch match;
  static const std::regex line(R"(prefetch: +window \d+, \d+ walks, (\d+) files)");
  if (!std::regex_search(status.output, match, line)) return -1;
  return std::stol(match[1].str());
}

// The biggest album whose links are in neither target order nor its reverse (a custom
// album order: no page-order walk can follow it), or "" when there is none.
std::string shuffled_album(const std::string& root) {
  std::string best;
  std::size_t best_size = 0;
  for (const auto& album : list_dir(root + "/sets")) {
    std::vector<std::string> targets;
    for (const auto& link : list_dir(root + "/sets/" + album)) {
      if (is_image_name(link) && link != "album.json")
        targets.push_back(std::filesystem::read_symlink(root + "/sets/" + album + "/" + link));
    }
    const bool forward = std::is_sorted(targets.begin(), targets.end());
    const bool backward = std::is_sorted(targets.rbegin(), targets.rend());
    if (!forward && !backward && targets.size() > best_size) {
      best = album;
      best_size = targets.size();
    }
  }
  return best;
}

}  // namespace

TEST_CASE("cp -rL of an album follows the album's order and copies it byte-identical", "[mount]") {
  EmulatorProcess emulator({150, 6, 36, {"--image-kb", "10", "--latency-ms", "20"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  FlickrfsMount mount(emulator.url(), work, {"--prefetch", "64"});
  const std::string album = shuffled_album(mount.root());
  REQUIRE_FALSE(album.empty());
  const std::string source = mount.root() + "/sets/" + album;
  const auto names = list_dir(source);
  const long photos = std::count_if(names.begin(), names.end(), is_image_name);
  INFO(album << ": " << photos << " photos");
  REQUIRE(photos >= 12);
  const std::string dest = temp.path() + "/copy";
  REQUIRE(run_command({"mkdir", "-p", dest}).status == 0);
  const auto copied = run_command({"cp", "-rL", source, dest + "/"});
  INFO(copied.output);
  REQUIRE(copied.status == 0);
  const auto diff = run_command({"diff", "-r", source, dest + "/" + album});
  INFO(diff.output);
  CHECK(diff.status == 0);
  // Only the album's order walks all these photos: nearly the whole album is prefetched
  // (measured: 58 files for 51 photos; with album walks switched off, chance page-order
  // streaks prefetched 17 to 25).
  const Env env = mount_env(emulator.url(), work);
  long files = -1;
  for (int i = 0; i < 40 && files < 3 * photos / 4; ++i) {
    std::this_thread::sleep_for(250ms);
    files = prefetched_files(mount.root(), env);
  }
  CHECK(files >= 3 * photos / 4);
  CHECK(mount.unmount() == 0);
}

TEST_CASE("cp -r of a page with prefetch is byte-identical to the manifest", "[mount]") {
  EmulatorProcess emulator({120, 2, 31, {"--image-kb", "10", "--latency-ms", "20"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  FlickrfsMount mount(emulator.url(), work, {"--prefetch", "8"});
  const Manifest manifest = fetch_manifest(emulator);
  const std::string dest = temp.path() + "/copy";
  REQUIRE(run_command({"mkdir", "-p", dest + "/photostream"}).status == 0);
  const auto copied =
      run_command({"cp", "-r", mount.root() + "/photostream/page-0001", dest + "/photostream/"});
  INFO(copied.output);
  REQUIRE(copied.status == 0);
  std::size_t checked = 0;
  for (const auto& photo : manifest.photos) {
    const std::string sha = sha256_hex(read_file(photo_file(dest, photo.id)));
    bool matches = false;
    for (const auto* size : expected_sizes(photo))
      matches = matches || size->sha256 == sha;
    INFO(photo.id);
    CHECK(matches);
    checked += 1;
  }
  CHECK(checked == 120);
  const auto diff = run_command(
      {"diff", "-r", mount.root() + "/photostream/page-0001", dest + "/photostream/page-0001"});
  INFO(diff.output);
  CHECK(diff.status == 0);
  // The walk was recognised: the status file (rewritten every 2 s) counts prefetched files.
  const Env env = mount_env(emulator.url(), work);
  long files = -1;
  for (int i = 0; i < 40 && files <= 0; ++i) {
    std::this_thread::sleep_for(250ms);
    files = prefetched_files(mount.root(), env);
  }
  CHECK(files > 0);
  CHECK(mount.unmount() == 0);
}

TEST_CASE("a reader that stops costs at most the window's worth of extra downloads", "[mount]") {
  constexpr std::size_t kWindow = 4;
  EmulatorProcess emulator({100, 1, 32, {"--image-kb", "10"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  // No thumbnails: their rendition downloads would be counted with the prefetched photos.
  FlickrfsMount mount(emulator.url(), work,
                      {"--prefetch", std::to_string(kWindow), "--no-thumbnails"});
  // Sizes first (ls -l probes them), so the counters below see only downloads.
  REQUIRE(run_command({"ls", "-lR", mount.root() + "/photostream/page-0001"}).status == 0);
  const auto files = page_files(mount.root(), "page-0001");
  REQUIRE(files.size() == 100);
  (void)settled_photos_requested(emulator, 500ms);
  emulator.post("/_emulator/reset-stats", "");

  // One photo opened: not a walk, nothing else is fetched.
  (void)read_file(files[0]);
  CHECK(settled_photos_requested(emulator) <= 1 + kWindow);

  // Three in order, then the reader stops: at most the window beyond them.
  (void)read_file(files[1]);
  (void)read_file(files[2]);
  const std::size_t after_walk = settled_photos_requested(emulator);
  CHECK(after_walk > 3);  // the walk was detected and prefetched ahead
  CHECK(after_walk <= 3 + kWindow);
  CHECK(mount.unmount() == 0);
}

TEST_CASE("unmounting while prefetch downloads run is clean", "[mount]") {
  EmulatorProcess emulator({80, 1, 33, {"--image-kb", "300", "--latency-ms", "150"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  FlickrfsMount mount(emulator.url(), work, {"--prefetch", "16"});
  REQUIRE(run_command({"ls", mount.root() + "/photostream/page-0001"}).status == 0);
  const auto files = page_files(mount.root(), "page-0001");
  for (std::size_t i = 0; i < 3; ++i)
    (void)read_file(files[i]);
  // Prefetches of the next photos are queued or downloading now (150 ms each).
  CHECK(mount.unmount() == 0);  // exit 0: clean join, and no leak under ASan
  CHECK_FALSE(is_mounted(work.mountpoint()));
}

TEST_CASE("an offline mount does not prefetch", "[mount]") {
  EmulatorProcess emulator({60, 1, 34, {"--image-kb", "10"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  {
    FlickrfsMount online(emulator.url(), work, {"--no-prefetch"});
    REQUIRE(run_command({"ls", "-lR", online.root() + "/photostream"}).status == 0);
    (void)read_file(page_files(online.root(), "page-0001")[0]);
    CHECK(online.unmount() == 0);
  }
  emulator.post("/_emulator/reset-stats", "");
  FlickrfsMount offline(emulator.url(), work, {"--offline", "--prefetch", "8"});
  const auto files = page_files(offline.root(), "page-0001");
  CHECK_FALSE(read_file(files[0]).empty());  // cached
  for (std::size_t i = 1; i < 6; ++i) {
    const int fd = ::open(files[i].c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) ::close(fd);
    CHECK(fd < 0);  // not cached: EIO, as DESIGN section 4 says
  }
  std::this_thread::sleep_for(1s);
  CHECK(stat_counter(emulator, "images") == 0);
  CHECK(stat_counter(emulator, "api_calls_total") == 0);
  CHECK(offline.unmount() == 0);
}
