// `flickrfs mirror flickr: DEST` against the emulator: the whole account matches the manifest
// byte for byte, a rerun downloads nothing and makes only listing calls, faults end in a
// correct tree or exit 23 with the failures listed, SIGKILL at random moments never leaves
// a damaged file, and mutations (add, delete, retitle, replace) are applied exactly.
#include <signal.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <sstream>

#include "tests/mirror/manifest_check.hpp"
#include "tests/mirror/test_helpers.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using namespace flickrfs::test;
namespace fsys = std::filesystem;

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size() && i < 20; ++i)
    out += lines[i] + "\n";
  return out;
}

// Test credentials of the emulator and no config file; Flickr's default call budget.
void use_emulator_credentials() {
  ::setenv("FLICKRFS_API_KEY", "test-key", 1);
  ::setenv("FLICKRFS_API_SECRET", "test-secret", 1);
  ::setenv("FLICKRFS_OAUTH_TOKEN", "test-token", 1);
  ::setenv("FLICKRFS_OAUTH_TOKEN_SECRET", "test-token-secret", 1);
  ::setenv("FLICKRFS_CONFIG", "/nonexistent/flickrfs-config", 1);
}

std::vector<std::string> mirror_argv(const EmulatorProcess& emulator, const std::string& dest,
                                     std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {build_binary("flickrfs"), "mirror", "--api-url", emulator.url(),
                                   "--no-progress"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back("flickr:");
  argv.push_back(dest);
  return argv;
}

struct Stats {
  std::uint64_t images = 0;
  std::uint64_t api_calls = 0;
  std::map<std::string, std::uint64_t> calls;
  std::map<std::string, std::uint64_t> images_by_photo;
};

Stats fetch_stats(const EmulatorProcess& emulator) {
  const std::string body = emulator.get("/_emulator/stats");
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(body);
  Stats stats;
  if (doc["images"].get(stats.images) != simdjson::SUCCESS) stats.images = 0;
  if (doc["api_calls_total"].get(stats.api_calls) != simdjson::SUCCESS) stats.api_calls = 0;
  for (auto [key, value] : doc["calls"].get_object())
    stats.calls[std::string(key)] = value.get_uint64().value();
  for (auto [key, value] : doc["image_requests_by_photo"].get_object())
    stats.images_by_photo[std::string(key)] = value.get_uint64().value();
  return stats;
}

void mutate(const EmulatorProcess& emulator, const std::string& json) {
  int status = 0;
  const std::string reply = emulator.post("/_emulator/mutate", json, &status);
  INFO(reply);
  REQUIRE(status == 200);
}

RunResult run_mirror(const EmulatorProcess& emulator, const std::string& dest,
                     std::vector<std::string> extra = {}) {
  return run_command(mirror_argv(emulator, dest, std::move(extra)));
}

}  // namespace

TEST_CASE("mirror of 2000 photos matches the manifest, a rerun downloads nothing") {
  use_emulator_credentials();
  // 30 favorites, 26 listed (every seventh is owner-private): favorites/ is checked too.
  EmulatorProcess emulator({2000, 20, 1, {"--image-kb", "1", "--favorites", "30"}});
  TempDir tmp;
  const auto first = run_mirror(emulator, tmp / "dst", {"-v"});
  INFO(first.err.substr(0, 3000));
  REQUIRE(first.exit_code == 0);
  const Manifest manifest = fetch_manifest(emulator);
  REQUIRE(manifest.photos.size() == 2000);
  CHECK(joined(check_against_manifest(tmp / "dst", manifest)) == "");

  Stats cold = fetch_stats(emulator);
  std::size_t with_comments = 0;
  CHECK(cold.calls.count("flickr.photos.getInfo") == 0);
  std::size_t videos = 0;
  for (const auto& photo : manifest.photos)
    videos += photo.media == "video" ? 1 : 0;
  std::size_t favorites = 0;
  for (const auto& favorite : manifest.favorites) {
    favorites += favorite.listed ? 1 : 0;
    videos += favorite.listed && favorite.media == "video" ? 1 : 0;
  }
  REQUIRE(favorites == 26);
  CHECK(cold.calls["flickr.photos.getSizes"] == videos);  // streams: one call per video
  CHECK(cold.calls["flickr.people.getPhotos"] == 4);      // ceil(2000 / 500)
  CHECK(cold.calls["flickr.favorites.getList"] == 1);     // ceil(26 / 500)
  with_comments = cold.calls["flickr.photos.comments.getList"];
  WARN("cold run: " << cold.api_calls << " API calls (" << with_comments << " comment lists), "
                    << cold.images << " images");

  REQUIRE(emulator.post("/_emulator/reset-stats", "").find("ok") != std::string::npos);
  const auto again = run_mirror(emulator, tmp / "dst");
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  Stats warm = fetch_stats(emulator);
  CHECK(warm.images == 0);
  CHECK(warm.calls.count("flickr.photos.comments.getList") == 0);
  CHECK(warm.calls.count("flickr.photos.getSizes") == 0);
  CHECK(warm.calls["flickr.people.getPhotos"] == 4);
  CHECK(warm.calls["flickr.favorites.getList"] == 1);
  CHECK(warm.api_calls ==
        warm.calls["flickr.people.getPhotos"] + warm.calls["flickr.photosets.getList"] +
            warm.calls["flickr.collections.getTree"] + warm.calls["flickr.photosets.getPhotos"] +
            warm.calls["flickr.favorites.getList"]);
  CHECK(again.out.find(" 0 written") != std::string::npos);
}

TEST_CASE("mutations are applied exactly: add, retitle, replace, delete with --delete") {
  use_emulator_credentials();
  EmulatorProcess emulator({120, 4, 2, {"--image-kb", "4"}});
  TempDir tmp;
  REQUIRE(run_mirror(emulator, tmp / "dst").exit_code == 0);
  const Manifest before = fetch_manifest(emulator);
  const std::string retitled = before.photos.at(0).id;
  const std::string replaced = before.photos.at(1).id;
  const std::string deleted = before.photos.at(2).id;
  mutate(emulator, R"({"op":"retitle","id":")" + retitled + R"(","title":"A brand new title"})");
  mutate(emulator, R"({"op":"replace","id":")" + replaced + R"("})");
  mutate(emulator, R"({"op":"delete","id":")" + deleted + R"("})");
  mutate(emulator, R"({"op":"add","count":3,"title":"fresh upload"})");
  REQUIRE(emulator.post("/_emulator/reset-stats", "").find("ok") != std::string::npos);

  const auto run = run_mirror(emulator, tmp / "dst", {"--delete"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const Manifest after = fetch_manifest(emulator);
  CHECK(joined(check_against_manifest(tmp / "dst", after)) == "");
  const Stats stats = fetch_stats(emulator);
  CHECK(stats.images == 4);  // the replaced photo and the three new ones
  CHECK(stats.images_by_photo.count(replaced) == 1);
  CHECK(stats.images_by_photo.count(retitled) == 0);  // renamed locally
  CHECK(photo_images(tmp / "dst")[retitled].find("A brand new title") != std::string::npos);
  CHECK(photo_images(tmp / "dst").count(deleted) == 0);
}

TEST_CASE("mirror without --delete keeps photos gone from Flickr, an empty listing refuses") {
  use_emulator_credentials();
  TempDir tmp;
  {
    EmulatorProcess emulator({30, 2, 3, {"--image-kb", "2"}});
    REQUIRE(run_mirror(emulator, tmp / "dst").exit_code == 0);
    const std::string gone = fetch_manifest(emulator).photos.at(0).id;
    mutate(emulator, R"({"op":"delete","id":")" + gone + R"("})");
    REQUIRE(run_mirror(emulator, tmp / "dst").exit_code == 0);
    CHECK(photo_images(tmp / "dst").count(gone) == 1);
  }
  EmulatorProcess empty({0, 0, 4, {}});
  const auto run = run_mirror(empty, tmp / "dst", {"--delete"});
  CHECK(run.exit_code == 23);
  CHECK(run.err.find("refusing --delete") != std::string::npos);
  CHECK(photo_images(tmp / "dst").size() == 30);
}

TEST_CASE("with faults the mirror is correct or exits 23 with the failures listed") {
  use_emulator_credentials();
  EmulatorProcess emulator({150, 3, 5, {"--image-kb", "8", "--fault-rate", "0.1"}});
  TempDir tmp;
  const auto run = run_mirror(emulator, tmp / "dst", {"--jobs", "6"});
  INFO(run.err.substr(0, 3000));
  REQUIRE((run.exit_code == 0 || run.exit_code == 23));
  CHECK(find_temp_files(tmp / "dst").empty());
  // Whatever is there is complete: every image is one of its photo's sizes.
  const Manifest manifest = fetch_manifest(emulator);
  for (const auto& [id, image] : photo_images(tmp / "dst")) {
    const std::string sha = sha256_hex(read_file(tmp / "dst" + "/" + image));
    REQUIRE(manifest.photo(id) != nullptr);
    const auto& sizes = manifest.photo(id)->sizes;
    CHECK(std::any_of(sizes.begin(), sizes.end(), [&](const auto& s) { return s.sha256 == sha; }));
  }
  if (run.exit_code == 23) {
    CHECK(fsys::exists(tmp / "dst/.flickrfs-mirror/failed.txt"));
    CHECK(run.err.find("failed: ") != std::string::npos);
  }
  // Reruns converge on the exact tree.
  int code = run.exit_code;
  for (int attempt = 0; attempt < 5 && code != 0; ++attempt)
    code = run_mirror(emulator, tmp / "dst").exit_code;
  CHECK(code == 0);
  CHECK(joined(check_against_manifest(tmp / "dst", manifest)) == "");
}

TEST_CASE("SIGKILL at random moments never leaves a damaged file, a rerun completes") {
  use_emulator_credentials();
  EmulatorProcess emulator({60, 3, 6, {"--image-kb", "32", "--latency-ms", "2"}});
  const Manifest manifest = fetch_manifest(emulator);
  TempDir tmp;
  // Kill moments spread over a whole run's duration, measured here (machines differ a lot).
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(run_mirror(emulator, tmp / "probe", {"--jobs", "4"}).exit_code == 0);
  const auto full_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - start)
                           .count();
  std::mt19937 random(42);
  std::uniform_int_distribution<long> delay_ms(full_ms / 5, full_ms * 3 / 4);
  WARN("a full run takes " << full_ms << " ms");
  for (int round = 0; round < 20; ++round) {
    const pid_t pid =
        spawn_logged(mirror_argv(emulator, tmp / "dst", {"--jobs", "4"}), tmp / "log.txt");
    ::usleep(static_cast<useconds_t>(delay_ms(random)) * 1000);
    ::kill(pid, SIGKILL);
    wait_exit(pid);
    // Every file under a final name is complete.
    for (const auto& [id, image] : photo_images(tmp / "dst")) {
      const std::string sha = sha256_hex(read_file(tmp / "dst" + "/" + image));
      REQUIRE(manifest.photo(id) != nullptr);
      const auto& sizes = manifest.photo(id)->sizes;
      CHECK(
          std::any_of(sizes.begin(), sizes.end(), [&](const auto& s) { return s.sha256 == sha; }));
    }
  }
  std::vector<std::string> complete_before;
  for (const auto& [id, image] : photo_images(tmp / "dst"))
    complete_before.push_back(id);
  REQUIRE(emulator.post("/_emulator/reset-stats", "").find("ok") != std::string::npos);
  const auto final_run = run_mirror(emulator, tmp / "dst");
  INFO(final_run.err);
  REQUIRE(final_run.exit_code == 0);
  CHECK(joined(check_against_manifest(tmp / "dst", manifest)) == "");
  // Completed files are not fetched again, except the few (at most --jobs) whose journal
  // line the last SIGKILL cut off between rename and append.
  const Stats stats = fetch_stats(emulator);
  std::size_t fetched_again = 0;
  for (const auto& id : complete_before)
    fetched_again += stats.images_by_photo.count(id);
  WARN(complete_before.size() << " photos complete before the final run, " << fetched_again
                              << " fetched again, " << stats.images << " images downloaded");
  CHECK(fetched_again <= 4);
}

TEST_CASE("one album mirrors with its photos so the links resolve, SIGINT exits 130") {
  use_emulator_credentials();
  EmulatorProcess emulator({90, 4, 7, {"--image-kb", "4"}});
  TempDir tmp;
  const Manifest manifest = fetch_manifest(emulator);
  const ManifestSet* album = nullptr;
  for (const auto& set : manifest.sets) {
    if (!set.photo_ids.empty() && (album == nullptr || set.photo_ids.size() < 30)) album = &set;
  }
  REQUIRE(album != nullptr);
  REQUIRE(run_mirror(emulator, tmp / "all").exit_code == 0);
  std::string album_dir;
  for (const auto& item : fsys::directory_iterator(tmp / "all/sets")) {
    if (item.path().filename().string().ends_with("_" + album->id)) {
      album_dir = item.path().filename().string();
    }
  }
  REQUIRE(!album_dir.empty());
  auto argv = mirror_argv(emulator, tmp / "one");
  argv[argv.size() - 2] = "flickr:sets/" + album_dir;
  const auto run = run_command(argv);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  std::set<std::string> expected(album->photo_ids.begin(), album->photo_ids.end());
  std::set<std::string> got;
  for (const auto& [id, image] : photo_images(tmp / "one"))
    got.insert(id);
  CHECK(got == expected);
  for (const auto& link : fsys::directory_iterator(tmp / "one/sets/" + album_dir))
    CHECK(fsys::is_regular_file(link.path()));  // follows the symlink
  CHECK(compare_trees(tmp / "all/sets/" + album_dir, tmp / "one/sets/" + album_dir).empty());

  const pid_t pid = spawn_logged(mirror_argv(emulator, tmp / "interrupted"), tmp / "log.txt");
  ::usleep(300 * 1000);
  ::kill(pid, SIGINT);
  const int code = wait_exit(pid);
  CHECK((code == 130 || code == 0));
  CHECK(find_temp_files(tmp / "interrupted").empty());
}

namespace {

// "photostream/page-0002/x/x.jpg" -> 2 for every "download" line of a --dry-run plan.
std::vector<int> download_pages(const std::string& plan) {
  std::vector<int> pages;
  std::istringstream lines(plan);
  std::string line;
  while (std::getline(lines, line)) {
    const std::string prefix = "download photostream/page-";
    if (line.rfind(prefix, 0) == 0) pages.push_back(std::stoi(line.substr(prefix.size(), 4)));
  }
  return pages;
}

}  // namespace

TEST_CASE("mirror --dry-run changes nothing and --order picks oldest or newest uploads first") {
  use_emulator_credentials();
  EmulatorProcess emulator({700, 2, 8, {"--image-kb", "2", "--favorites", "0"}});
  TempDir tmp;
  const auto oldest = run_mirror(emulator, tmp / "dst", {"--dry-run"});
  INFO(oldest.err);
  REQUIRE(oldest.exit_code == 0);
  CHECK(!fsys::exists(tmp / "dst"));
  CHECK(fetch_stats(emulator).images == 0);
  // 700 images, 700 sidecars, 2 pages' .hidden, 2 albums' album.json and .hidden, and the
  // .hidden of each view folder (tags/, by-date/, by-upload/; the rest are links).
  std::size_t view_hidden = 0;
  std::istringstream plan(oldest.out);
  for (std::string line; std::getline(plan, line);) {
    const bool view = line.find(" tags/") != std::string::npos ||
                      line.find(" by-date/") != std::string::npos ||
                      line.find(" by-upload/") != std::string::npos;
    if (view && line.ends_with("/.hidden")) ++view_hidden;
  }
  CHECK(view_hidden >= 3);
  CHECK(oldest.out.find("would write " + std::to_string(1406 + view_hidden) + " files") !=
        std::string::npos);
  const auto newest = run_mirror(emulator, tmp / "dst", {"--dry-run", "--order", "newest"});
  REQUIRE(newest.exit_code == 0);
  const auto up = download_pages(oldest.out);
  const auto down = download_pages(newest.out);
  REQUIRE(up.size() == 700);
  REQUIRE(down.size() == 700);
  CHECK(up.front() == 1);
  CHECK(std::is_sorted(up.begin(), up.end()));
  CHECK(down.front() == 2);
  CHECK(std::is_sorted(down.rbegin(), down.rend()));
}

TEST_CASE(
    "mirror --sizes adds the labelled files with the bytes of that size, and a summary line") {
  use_emulator_credentials();
  EmulatorProcess emulator({30, 2, 9, {"--image-kb", "2"}});
  TempDir tmp;
  const auto run = run_mirror(emulator, tmp / "dst", {"--sizes", "best,thumb"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("flickrfs mirror: ") == 0);
  CHECK(run.out.find(" written (") != std::string::npos);
  CHECK(run.out.find(" 0 failed in ") != std::string::npos);
  const Manifest manifest = fetch_manifest(emulator);
  std::size_t thumbs = 0;
  const auto images = photo_images(tmp / "dst");
  CHECK(images.size() == 30);  // the pages hold the best files only
  for (const auto& page : fsys::directory_iterator(tmp / "dst/sizes/thumb")) {
    for (const auto& item : fsys::directory_iterator(page.path())) {
      const std::string name = item.path().filename().string();
      const std::string last = name.substr(name.rfind('_') + 1);
      const ManifestPhoto* photo = manifest.photo(last.substr(0, last.find('.')));
      REQUIRE(photo != nullptr);
      const std::string sha = sha256_hex(read_file(item.path().string()));
      const auto& sizes = photo->sizes;
      thumbs += 1;
      CHECK(std::any_of(sizes.begin(), sizes.end(),
                        [&](const auto& s) { return s.sha256 == sha && s.label == "Thumbnail"; }));
      // Same page, same stem as the best file.
      const std::string best = images.at(photo->id);
      CHECK(best.substr(best.find('/') + 1, best.rfind('.') - best.find('/') - 1) ==
            page.path().filename().string() + "/" + name.substr(0, name.rfind('.')));
    }
  }
  CHECK(thumbs >= 25);  // every photo with a Thumbnail size (not all videos have one)
}
