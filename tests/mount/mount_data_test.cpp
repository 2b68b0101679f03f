// Mounted: the bytes (exact sizes, checksums, info.json, copies, parallel readers).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <simdjson.h>
#include <atomic>
#include <catch2/catch.hpp>
#include <ctime>
#include <set>
#include <thread>

#include "tests/mount/mount_support.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace flickrfs::test;

namespace {

// stat size, fstat size on the open fd and the bytes read, which must all agree.
struct FileFacts {
  std::uint64_t stat_size = 0;
  std::uint64_t fstat_size = 0;
  std::string bytes;
};

FileFacts read_with_sizes(const std::string& path) {
  FileFacts facts;
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  facts.stat_size = static_cast<std::uint64_t>(st.st_size);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  REQUIRE(::fstat(fd, &st) == 0);
  facts.fstat_size = static_cast<std::uint64_t>(st.st_size);
  char buffer[1 << 16];
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0)
    facts.bytes.append(buffer, static_cast<std::size_t>(n));
  REQUIRE(n == 0);
  ::close(fd);
  return facts;
}

const ManifestSize* matching(const ManifestPhoto& photo, const std::string& sha) {
  for (const auto* size : expected_sizes(photo)) {
    if (size->sha256 == sha) return size;
  }
  return nullptr;
}

std::string iso_utc(std::int64_t t) {
  const std::time_t value = static_cast<std::time_t>(t);
  std::tm tm{};
  ::gmtime_r(&value, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace

TEST_CASE("200 sampled files have stat size = bytes read = manifest size and the manifest sha256",
          "[mount]") {
  EmulatorProcess emulator({1000, 5, 11, {"--image-kb", "10"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  FlickrfsMount mount(emulator.url(), work);
  const Manifest manifest = fetch_manifest(emulator);
  int videos = 0;
  for (std::size_t i = 0; i < manifest.photos.size(); i += manifest.photos.size() / 200) {
    const auto& photo = manifest.photos[i];
    const std::string file = photo_file(mount.root(), photo.id);
    const FileFacts facts = read_with_sizes(file);
    INFO(file);
    CHECK(facts.stat_size == facts.bytes.size());
    CHECK(facts.fstat_size == facts.bytes.size());
    const ManifestSize* size = matching(photo, sha256_hex(facts.bytes));
    REQUIRE(size != nullptr);
    CHECK(size->bytes == facts.bytes.size());
    if (photo.media == "video" && size->media == "video") {
      ++videos;
      CHECK(file.ends_with(".mp4"));
    }
  }
  INFO("videos sampled: " << videos);
}

TEST_CASE("a photo's sidecar <stem>.json parses and its fields match the API", "[mount]") {
  EmulatorProcess emulator({400, 5, 5, {"--image-kb", "10"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  FlickrfsMount mount(emulator.url(), work);
  const Manifest manifest = fetch_manifest(emulator);
  simdjson::dom::parser parser;
  int with_comments = 0, in_sets = 0, plain = 0;
  for (const auto& photo : manifest.photos) {
    // A few of each kind: with comments, in albums, neither.
    const bool commented = photo.count_comments > 0 && with_comments < 8;
    const bool in_album = !photo.sets.empty() && photo.count_comments == 0 && in_sets < 8;
    const bool neither = photo.sets.empty() && photo.count_comments == 0 && plain < 8;
    if (!commented && !in_album && !neither) continue;
    plain += neither;
    const std::string sidecar = sidecar_file(mount.root(), photo.id);
    const std::string image_path = photo_file(mount.root(), photo.id);
    // Same stem, same page.
    CHECK(sidecar.substr(0, sidecar.size() - 5) == image_path.substr(0, image_path.rfind('.')));
    const FileFacts info = read_with_sizes(sidecar);
    CHECK(info.stat_size == info.bytes.size());
    simdjson::dom::element doc = parser.parse(info.bytes);
    INFO(sidecar);
    CHECK(std::string(std::string_view(doc["id"])) == photo.id);
    CHECK(std::string(std::string_view(doc["title"])) == photo.title);
    CHECK(std::string(std::string_view(doc["media"])) == photo.media);
    CHECK(std::string(std::string_view(doc["dates"]["taken"])) == photo.date_taken);
    CHECK(std::string(std::string_view(doc["dates"]["last_update"])) == iso_utc(photo.last_update));
    CHECK(int64_t(doc["count_comments"]) == photo.count_comments);
    CHECK(static_cast<std::int64_t>(doc["comments"].get_array().size()) == photo.count_comments);
    std::set<std::string> sets;
    for (simdjson::dom::element set : doc["sets"].get_array())
      sets.insert(std::string(std::string_view(set["id"])));
    CHECK(sets == std::set<std::string>(photo.sets.begin(), photo.sets.end()));
    const std::string image = read_file(image_path);
    CHECK(uint64_t(doc["image"]["bytes"]) == image.size());
    const ManifestSize* size = matching(photo, sha256_hex(image));
    REQUIRE(size != nullptr);
    CHECK(std::string(std::string_view(doc["image"]["url"])) == size->url);
    CHECK(std::string(std::string_view(doc["image"]["label"])) == size->label);
    with_comments += commented;
    in_sets += in_album;
  }
  CHECK(with_comments > 0);
  CHECK(in_sets > 0);
  CHECK(plain > 0);
}

TEST_CASE("cp -r and rsync -a of a page and an album are byte-identical with working links",
          "[mount]") {
  EmulatorProcess emulator({700, 4, 9, {"--image-kb", "10"}});
  TempDir temp;
  const MountWork work = make_work(temp.path() + "");
  FlickrfsMount mount(emulator.url(), work);
  const Manifest manifest = fetch_manifest(emulator);
  // The smallest non-empty album, and every page its photos live on.
  const ManifestSet* album = nullptr;
  for (const auto& set : manifest.sets) {
    if (!set.photo_ids.empty() &&
        (album == nullptr || set.photo_ids.size() < album->photo_ids.size())) {
      album = &set;
    }
  }
  REQUIRE(album != nullptr);
  std::string album_dir;
  for (const auto& name : list_dir(mount.root() + "/sets")) {
    if (trailing_id(name) == album->id) album_dir = name;
  }
  std::set<std::string> pages;
  for (const auto& id : album->photo_ids) {
    const std::string file = photo_file(mount.root(), id);
    const std::string parent = file.substr(0, file.rfind('/'));
    pages.insert(parent.substr(parent.rfind('/') + 1));
  }
  const bool have_rsync = run_command({"sh", "-c", "command -v rsync"}).status == 0;
  for (const std::string tool : {"cp", "rsync"}) {
    if (tool == "rsync" && !have_rsync) {
      WARN("rsync is not installed: only cp -r was checked");
      continue;
    }
    const std::string dest = temp.path() + "/copy-" + tool;
    REQUIRE(run_command({"mkdir", "-p", dest + "/photostream", dest + "/sets"}).status == 0);
    for (const auto& page : pages) {
      const std::string from = mount.root() + "/photostream/" + page;
      const auto copied = tool == "cp" ? run_command({"cp", "-r", from, dest + "/photostream/"})
                                       : run_command({"rsync", "-a", from, dest + "/photostream/"});
      INFO(copied.output);
      REQUIRE(copied.status == 0);
      const auto diff = run_command({"diff", "-r", from, dest + "/photostream/" + page});
      INFO(diff.output);
      CHECK(diff.status == 0);
    }
    const std::string from = mount.root() + "/sets/" + album_dir;
    const auto copied = tool == "cp" ? run_command({"cp", "-r", from, dest + "/sets/"})
                                     : run_command({"rsync", "-a", from, dest + "/sets/"});
    REQUIRE(copied.status == 0);
    for (const auto& link : list_dir(dest + "/sets/" + album_dir)) {
      if (link == "album.json" || link == ".hidden") continue;  // the album's own files
      const std::string path = dest + "/sets/" + album_dir + "/" + link;
      struct stat st;
      REQUIRE(::lstat(path.c_str(), &st) == 0);
      CHECK(S_ISLNK(st.st_mode));
      CHECK(::stat(path.c_str(), &st) == 0);  // resolves inside the copy
    }
    const auto diff = run_command({"diff", "-r", from, dest + "/sets/" + album_dir});
    INFO(diff.output);
    CHECK(diff.status == 0);
  }
}

TEST_CASE("64 parallel readers with one file read by 16 at once download it once", "[mount]") {
  EmulatorProcess emulator({300, 2, 13, {"--image-kb", "200", "--bandwidth-mbps", "200"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  // The check counts every image request of the photo; desktop thumbnails of the listed page
  // would add their rendition's.
  FlickrfsMount mount(emulator.url(), work, {"--no-thumbnails"});
  const Manifest manifest = fetch_manifest(emulator);
  const ManifestPhoto& shared = manifest.photos[17];
  const std::string shared_file = photo_file(mount.root(), shared.id);
  struct stat st;
  REQUIRE(::stat(shared_file.c_str(), &st) == 0);  // size probe before counting
  std::vector<std::pair<std::string, const ManifestPhoto*>> others;
  for (std::size_t i = 100; others.size() < 48; ++i) {
    others.emplace_back(photo_file(mount.root(), manifest.photos[i].id), &manifest.photos[i]);
  }
  emulator.post("/_emulator/reset-stats", "");
  std::atomic<int> good{0}, bad{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 64; ++r) {
    readers.emplace_back([&, r] {
      const bool on_shared = r % 4 == 0;  // 16 of 64
      const auto& [path, photo] = on_shared ? std::make_pair(shared_file, &shared)
                                            : others[static_cast<std::size_t>(r) % others.size()];
      try {
        const std::string bytes = read_file(path);
        (matching(*photo, sha256_hex(bytes)) != nullptr ? good : bad)++;
      } catch (...) {
        bad++;
      }
    });
  }
  for (auto& t : readers)
    t.join();
  CHECK(bad == 0);
  CHECK(good == 64);
  simdjson::dom::parser parser;
  const std::string stats = emulator.get("/_emulator/stats");
  simdjson::dom::element doc = parser.parse(stats);
  INFO(stats);
  CHECK(int64_t(doc["image_requests_by_photo"][shared.id]) == 1);
}
