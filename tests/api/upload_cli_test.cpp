// `flickrfs upload` and `flickrfs replace` end to end against build/flickr-emulator: bytes on
// Flickr identical to the files (sha256 from the emulator's manifest), the uploads the newest
// photos, a SIGKILL mid-run followed by a rerun leaves each file on Flickr exactly once, a
// replace serves the new bytes, and a read-only token exits 2 with one actionable line.
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include "tests/support/emulator_process.hpp"
#include "tests/support/manifest.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace flickrfs;
using flickrfs::test::ChildProcess;
using flickrfs::test::EmulatorProcess;
using flickrfs::test::run_command;

namespace {

const std::vector<std::string> kWriteEnv = {
    "FLICKRFS_API_KEY=test-key", "FLICKRFS_API_SECRET=test-secret",
    "FLICKRFS_OAUTH_TOKEN=test-token", "FLICKRFS_OAUTH_TOKEN_SECRET=test-token-secret"};

// `count` distinct JPEG-framed files (SOI/APP0 ... EOI; the emulator sniffs the type like
// Flickr) of a few KB each: path -> sha256.
std::map<std::string, std::string> make_files(const test::TempDir& dir, int count, int seed) {
  std::map<std::string, std::string> files;
  std::mt19937 random(static_cast<unsigned>(seed));
  for (int k = 0; k < count; ++k) {
    std::string bytes = "\xFF\xD8\xFF\xE0";
    const std::size_t size = 2000 + random() % 6000;
    for (std::size_t i = 0; i < size; ++i)
      bytes.push_back(static_cast<char>(random() & 0xFF));
    bytes += "\xFF\xD9";
    const std::string path =
        dir / ("photo-" + std::to_string(seed) + "-" + std::to_string(k) + ".jpg");
    std::ofstream(path, std::ios::binary) << bytes;
    files[path] = test::sha256_hex(bytes);
  }
  return files;
}

std::vector<std::string> upload_args(const EmulatorProcess& emu, const test::TempDir& home,
                                     const std::map<std::string, std::string>& files) {
  std::vector<std::string> args = {test::build_binary("flickrfs"), "upload"};
  for (const auto& [path, sha] : files)
    args.push_back(path);
  args.insert(args.end(),
              {"--api-url", emu.url(), "--config", home / "config", "--cache-dir", home / "cache"});
  return args;
}

std::string original_sha(const test::ManifestPhoto& photo) {
  for (const auto& size : photo.sizes) {
    if (size.label == "Original") return size.sha256;
  }
  return "";
}

// sha256 of the Original -> how many photos have it.
std::map<std::string, int> originals(const EmulatorProcess& emu) {
  std::map<std::string, int> out;
  for (const auto& photo : test::fetch_manifest(emu).photos)
    ++out[original_sha(photo)];
  return out;
}

}  // namespace

TEST_CASE("upload 20 files: byte-identical on Flickr, newest, titled by file name, rerun skips",
          "[emulator]") {
  EmulatorProcess emu({40, 2, 1, {"--image-kb", "8", "--ticket-ms", "100"}});
  test::TempDir home;
  test::TempDir pics;
  const auto files = make_files(pics, 20, 1);
  const auto run = run_command(upload_args(emu, home, files), kWriteEnv);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto manifest = test::fetch_manifest(emu);
  REQUIRE(manifest.photos.size() == 60);
  // Oldest first: the uploads are the last 20, in command-line order (sorted paths here).
  auto file = files.begin();
  for (std::size_t k = 40; k < 60; ++k, ++file) {
    const auto& photo = manifest.photos[k];
    CHECK(original_sha(photo) == file->second);
    CHECK(run.out.find(photo.id + "\t" + file->first + "\n") != std::string::npos);
    const auto name = file->first.substr(file->first.rfind('/') + 1);
    CHECK(photo.title == name.substr(0, name.size() - 4));
  }
  const auto again = run_command(upload_args(emu, home, files), kWriteEnv);
  CHECK(again.exit_code == 0);
  CHECK(again.out == run.out);
  CHECK(test::fetch_manifest(emu).photos.size() == 60);  // nothing sent twice
  CHECK(emu.get("/_emulator/stats").find("\"uploads\":20,") != std::string::npos);
}

TEST_CASE("SIGKILL during an upload run, then a rerun: every file on Flickr exactly once",
          "[emulator]") {
  // 150 ms per request: the kill lands in the middle of the run, mid-request.
  EmulatorProcess emu({10, 1, 1, {"--image-kb", "8", "--latency-ms", "150"}});
  test::TempDir home;
  test::TempDir pics;
  const auto files = make_files(pics, 20, 2);
  for (const int kill_after_ms : {900, 1700}) {
    ChildProcess child(upload_args(emu, home, files), kWriteEnv);
    CHECK(child.wait(std::chrono::milliseconds(kill_after_ms)) == -1);  // killed (SIGKILL)
  }
  const auto before = originals(emu);
  int landed = 0;
  for (const auto& [path, sha] : files)
    landed += before.count(sha) != 0 ? 1 : 0;
  CHECK(landed > 0);
  CHECK(landed < 20);  // the runs really were cut short
  const auto rerun = run_command(upload_args(emu, home, files), kWriteEnv);
  INFO(rerun.err);
  REQUIRE(rerun.exit_code == 0);
  const auto after = originals(emu);
  for (const auto& [path, sha] : files) {
    INFO(path);
    CHECK(after.count(sha) == 1);
    CHECK((after.count(sha) == 0 || after.at(sha) == 1));
  }
  CHECK(test::fetch_manifest(emu).photos.size() == 30);
}

TEST_CASE("replace serves the new bytes, a read-only token exits 2 naming auth --perms write",
          "[emulator]") {
  EmulatorProcess emu({10, 1, 1, {"--image-kb", "8"}});
  test::TempDir home;
  test::TempDir pics;
  const auto first = make_files(pics, 1, 3);
  const auto second = make_files(pics, 1, 4);
  const auto run = run_command(upload_args(emu, home, first), kWriteEnv);
  REQUIRE(run.exit_code == 0);
  const std::string id = run.out.substr(0, run.out.find('\t'));
  const auto replace =
      run_command({test::build_binary("flickrfs"), "replace", id, second.begin()->first,
                   "--api-url", emu.url(), "--config", home / "config"},
                  kWriteEnv);
  INFO(replace.err);
  REQUIRE(replace.exit_code == 0);
  const auto manifest = test::fetch_manifest(emu);
  const auto* photo = manifest.photo(id);
  REQUIRE(photo != nullptr);
  CHECK(original_sha(*photo) == second.begin()->second);
  for (const auto& size : photo->sizes) {
    if (size.label != "Original") continue;
    int status = 0;
    const std::string path = size.url.substr(emu.url().size());
    CHECK(test::sha256_hex(emu.get(path, &status)) == second.begin()->second);
    CHECK(status == 200);
  }

  std::vector<std::string> read_env = kWriteEnv;
  read_env[2] = "FLICKRFS_OAUTH_TOKEN=test-token-read";
  read_env[3] = "FLICKRFS_OAUTH_TOKEN_SECRET=test-token-read-secret";
  test::TempDir other;
  const auto refused = run_command(upload_args(emu, other, second), read_env);
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("flickrfs auth --perms write") != std::string::npos);
  CHECK(std::count(refused.err.begin(), refused.err.end(), '\n') == 1);
  CHECK(refused.err.find("test-token-read-secret") == std::string::npos);
  CHECK(test::fetch_manifest(emu).photos.size() == 11);
}

TEST_CASE(
    "upload --album: a new album goes first, primary = first file, reused by title, "
    "an existing album gets the photo at its end, --private kept",
    "[emulator]") {
  EmulatorProcess emu({10, 2, 1, {"--image-kb", "8", "--ticket-ms", "50"}});
  test::TempDir home;
  test::TempDir pics;
  const auto first = make_files(pics, 3, 5);
  auto args = upload_args(emu, home, first);
  args.insert(args.end(), {"--album", "Harbour walks", "--private"});
  const auto run = run_command(args, kWriteEnv);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto manifest = test::fetch_manifest(emu);
  const std::size_t albums = manifest.sets.size();
  REQUIRE(albums == 3);
  // Flickr puts a new album first in the account's list.
  const auto created = manifest.sets.front();
  CHECK(created.title == "Harbour walks");
  REQUIRE(created.photo_ids.size() == 3);
  for (std::size_t k = 0; k < 3; ++k) {
    const auto* photo = manifest.photo(created.photo_ids[k]);
    REQUIRE(photo != nullptr);
    CHECK(original_sha(*photo) == std::next(first.begin(), static_cast<long>(k))->second);
    CHECK_FALSE(photo->is_public);
  }
  const std::string listing = emu.get(
      "/services/rest/?method=flickr.photosets.getList&api_key=test-key&user_id=12345678%40N00"
      "&format=json&nojsoncallback=1");
  CHECK(listing.find("\"primary\":\"" + created.photo_ids[0] + "\"") != std::string::npos);

  // Same title again: no second album, the new photos at its end.
  const auto second = make_files(pics, 2, 6);
  args = upload_args(emu, home, second);
  args.insert(args.end(), {"--album", "Harbour walks"});
  REQUIRE(run_command(args, kWriteEnv).exit_code == 0);
  manifest = test::fetch_manifest(emu);
  CHECK(manifest.sets.size() == albums);
  CHECK(manifest.sets.front().photo_ids.size() == 5);

  // An album the account already had, by its title.
  const auto existing = manifest.sets.back();
  const auto third = make_files(pics, 1, 7);
  args = upload_args(emu, home, third);
  args.insert(args.end(), {"--album", existing.title, "--public"});
  const auto added = run_command(args, kWriteEnv);
  INFO(added.err);
  REQUIRE(added.exit_code == 0);
  manifest = test::fetch_manifest(emu);
  CHECK(manifest.sets.size() == albums);
  const auto& grown = manifest.sets.back();
  REQUIRE(grown.photo_ids.size() == existing.photo_ids.size() + 1);
  const std::string new_id = added.out.substr(0, added.out.find('\t'));
  CHECK(grown.photo_ids.back() == new_id);
  CHECK(manifest.photo(new_id)->is_public);
  CHECK(emu.get("/_emulator/stats").find("\"flickr.photosets.create\":1") != std::string::npos);
}

TEST_CASE("upload --album under faults: each file once, one album of that title", "[emulator]") {
  // Truncated replies and resets hit the upload POSTs and photosets.create alike: the
  // uploader must look before sending (or creating) again.
  EmulatorProcess emu({5,
                       1,
                       1,
                       {"--image-kb", "8", "--fault-rate", "0.25", "--fault-seed", "3",
                        "--fault-kinds", "http503,truncated,reset,stat_fail_201"}});
  test::TempDir home;
  test::TempDir pics;
  const auto files = make_files(pics, 12, 8);
  auto args = upload_args(emu, home, files);
  args.insert(args.end(), {"--album", "Stormy"});
  auto run = run_command(args, kWriteEnv);
  for (int rerun = 0; rerun < 3 && run.exit_code != 0; ++rerun)
    run = run_command(args, kWriteEnv);  // a run that gave up resumes
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  emu.post("/_emulator/faults", "{\"rate\": 0}");
  const auto counts = originals(emu);
  for (const auto& [path, sha] : files) {
    INFO(path);
    CHECK((counts.count(sha) != 0 && counts.at(sha) == 1));
  }
  const auto manifest = test::fetch_manifest(emu);
  int stormy = 0;
  for (const auto& set : manifest.sets) {
    if (set.title != "Stormy") continue;
    ++stormy;
    CHECK(set.photo_ids.size() == files.size());
  }
  CHECK(stormy == 1);
}
