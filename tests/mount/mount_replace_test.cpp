// Mounted, --writable (issue 23): `cp` over a photostream image replaces the photo's file on
// Flickr (/services/replace/) byte-identical; the image shows the new bytes with their exact
// size while they are spooled and after Flickr has them; a write without O_TRUNC is
// EOPNOTSUPP and a read-only mount is EROFS; a SIGKILL during the replace and a remount
// replace the photo exactly once.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>

#include "tests/mount/mount_support.hpp"
#include "tests/mount/upload_support.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace flickrfs::test;
namespace fsys = std::filesystem;

namespace {

// /services/replace/ requests the emulator processed.
long replaces(const EmulatorProcess& emulator) {
  const std::string stats = emulator.get("/_emulator/stats");
  const std::string key = "\"replaces\":";
  const auto at = stats.find(key);
  return at == std::string::npos ? -1 : std::stol(stats.substr(at + key.size()));
}

// A photo whose image file in the mount is its Original (so the replacement is what it shows).
std::string photo_with_original(const Manifest& manifest) {
  for (const auto& photo : manifest.photos) {
    if (photo.media == "photo" && photo.original_allowed && !original_sha(photo).empty()) {
      return photo.id;
    }
  }
  return "";
}

// open(2)'s errno for `flags` (0 when it opened).
int open_errno(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return errno;
  ::close(fd);
  return 0;
}

// The image of photo `id` has exactly the picture's size and bytes.
bool shows(const std::string& root, const std::string& id, const Picture& picture) {
  try {
    const std::string path = photo_file(root, id);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return false;
    return static_cast<std::uint64_t>(st.st_size) == picture.size &&
           sha256_hex(read_file(path)) == picture.sha256;
  } catch (const std::exception&) {
    return false;  // between two listings
  }
}

// The spool state has a record being sent (the POST is under way).
bool sending(const MountWork& work) {
  std::ifstream state(spool_dir(work) + "/state");
  std::string line;
  while (std::getline(state, line)) {
    if (line.rfind("sending\t", 0) == 0) return true;
  }
  return false;
}

}  // namespace

TEST_CASE(
    "cp over a photostream image replaces it on Flickr byte-identical, with its exact new "
    "size (EOPNOTSUPP without O_TRUNC, EROFS read-only)",
    "[mount]") {
  EmulatorProcess emulator({10, 1, 31, {"--image-kb", "8"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  TempDir pics;
  const Picture picture = make_pictures(pics.path(), 1, 31).front();
  const std::string id = photo_with_original(fetch_manifest(emulator));
  REQUIRE_FALSE(id.empty());
  {
    FlickrfsMount mount(emulator.url(), work, {});
    const std::string image = photo_file(mount.root(), id);
    CHECK(open_errno(image, O_WRONLY | O_TRUNC) == EROFS);
    struct stat st {};
    REQUIRE(::stat(image.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0444);
  }
  FlickrfsMount mount(emulator.url(), work, {"--writable"});
  const std::string image = photo_file(mount.root(), id);
  struct stat st {};
  REQUIRE(::stat(image.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
  CHECK(open_errno(image, O_WRONLY) == EOPNOTSUPP);
  CHECK(open_errno(sidecar_file(mount.root(), id), O_WRONLY | O_TRUNC) == EROFS);
  CHECK(replaces(emulator) == 0);

  const auto copied = run_command({"cp", picture.path, image});
  INFO(copied.output);
  REQUIRE(copied.status == 0);
  CHECK(shows(mount.root(), id, picture));  // the spooled bytes until Flickr has them

  CHECK(eventually(
      [&] {
        const Manifest now = fetch_manifest(emulator);
        const auto* photo = now.photo(id);
        return photo != nullptr && original_sha(*photo) == picture.sha256;
      },
      std::chrono::seconds(60)));
  CHECK(eventually([&] { return spool_empty(work); }, std::chrono::seconds(30)));
  // Flickr's file now: a new secret, the same name, the new bytes and size.
  CHECK(shows(mount.root(), id, picture));
  CHECK(replaces(emulator) == 1);
  CHECK(fetch_manifest(emulator).photos.size() == 10);
}

TEST_CASE("SIGKILL during a replace, then a remount: the photo is replaced exactly once",
          "[mount]") {
  // Each request waits 1 s before Flickr acts on it: the kill lands while it waits.
  EmulatorProcess emulator({10, 1, 32, {"--image-kb", "8", "--latency-ms", "1000"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  TempDir pics;
  const Picture picture = make_pictures(pics.path(), 1, 32).front();
  const std::string id = photo_with_original(fetch_manifest(emulator));
  REQUIRE_FALSE(id.empty());
  {
    FlickrfsMount mount(emulator.url(), work, {"--writable"});
    REQUIRE(run_command({"cp", picture.path, photo_file(mount.root(), id)}).status == 0);
    REQUIRE(eventually([&] { return sending(work); }, std::chrono::seconds(30)));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the POST is out
    mount.stop_with(SIGKILL);
  }
  CHECK_FALSE(spool_empty(work));  // the job survived the kill
  {
    FlickrfsMount mount(emulator.url(), work, {"--writable"});
    CHECK(eventually([&] { return spool_empty(work); }, std::chrono::seconds(120)));
    CHECK(eventually([&] { return shows(mount.root(), id, picture); }, std::chrono::seconds(60)));
  }
  const Manifest after = fetch_manifest(emulator);
  const auto* photo = after.photo(id);
  REQUIRE(photo != nullptr);
  CHECK(original_sha(*photo) == picture.sha256);
  CHECK(replaces(emulator) == 1);
}
