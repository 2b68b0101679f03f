// `flickrfs mirror MOUNT DEST` with SRC a real flickrfs mount (label mount): images the mount
// already holds come from its blob store, not the network; the copy equals the mount for
// `diff -r` and `rsync -ai --dry-run` (modes and mtimes included) and stays writable by its
// owner; --checksum repairs a damaged copy from the blob store; a damaged blob is never
// copied (downloaded instead, matching the emulator's sha256).
#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "tests/mount/mount_support.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using namespace flickrfs::test;
namespace fsys = std::filesystem;

std::map<std::string, std::uint64_t> images_by_photo(const EmulatorProcess& emulator) {
  const std::string body = emulator.get("/_emulator/stats");
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(body);
  std::map<std::string, std::uint64_t> out;
  for (auto [key, value] : doc["image_requests_by_photo"].get_object())
    out[std::string(key)] = value.get_uint64().value();
  return out;
}

CommandResult mirror(const std::string& url, const MountWork& work, const std::string& src,
                     const std::string& dest, std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {build_binary("flickrfs"), "mirror", "--no-progress", "-v"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(src);
  argv.push_back(dest);
  return run_command(argv, mount_env(url, work), 600);
}

// The photo directories (relative to the mount) of page-0001, in name order.
// The image files of page 1, relative to the mount.
std::vector<std::string> first_page_photos(const std::string& root) {
  std::vector<std::string> out;
  for (const auto& name : list_dir(root + "/photostream/page-0001")) {
    if (name != ".hidden" && !name.ends_with(".json"))
      out.push_back("photostream/page-0001/" + name);
  }
  return out;
}

// "<dir>/<stem>.<ext>" -> "<dir>/<stem>.json".
std::string sidecar_of(const std::string& image) {
  return image.substr(0, image.rfind('.')) + ".json";
}

std::string blob_file_of(const MountWork& work, const std::string& photo_id) {
  for (const auto& entry : fsys::recursive_directory_iterator(work.cache())) {
    const std::string name = entry.path().filename().string();
    if (entry.path().parent_path().filename() == "blobs" && name.starts_with(photo_id + "_") &&
        !name.ends_with(".part")) {
      return entry.path().string();
    }
  }
  return {};
}

void flip_first_byte(const std::string& path) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  REQUIRE(file.good());
  char c = 0;
  file.read(&c, 1);
  c = static_cast<char>(c ^ 0x5A);
  file.seekp(0);
  file.write(&c, 1);
}

}  // namespace

TEST_CASE("mirror of a mount copies cached images from its blob store and equals the mount") {
  EmulatorProcess emulator({60, 3, 4, {"--image-kb", "8", "--favorites", "0"}});
  TempDir tmp;
  ::mkdir((tmp / "work").c_str(), 0700);
  const MountWork work = make_work(tmp / "work");
  FlickrfsMount mount(emulator.url(), work, {"-o", "no_prefetch"});
  const std::string& root = mount.root();

  // Read 10 photos through the mount: their bytes are now in its blob store.
  const auto photos = first_page_photos(root);
  REQUIRE(photos.size() == 60);
  std::set<std::string> cached_ids;
  for (std::size_t i = 0; i < 10; ++i) {
    CHECK(!read_file(root + "/" + photos[i]).empty());
    cached_ids.insert(trailing_id(photos[i]));
  }
  // Read every sidecar: the mount fetches and stores the comments they show.
  for (const auto& photo : photos)
    CHECK(!read_file(root + "/" + sidecar_of(photo)).empty());
  REQUIRE(emulator.post("/_emulator/reset-stats", "").find("ok") != std::string::npos);

  const std::string dest = tmp / "dest";
  const auto first = mirror(emulator.url(), work, root, dest);
  INFO(first.output);
  REQUIRE(first.status == 0);
  CHECK(first.output.find("10 images copied from the mount's cache, 0 cached copies rejected") !=
        std::string::npos);
  const auto served = images_by_photo(emulator);
  for (const auto& id : cached_ids)
    CHECK(served.count(id) == 0);  // not downloaded again
  CHECK(served.size() == 50);      // every other photo exactly once (one file each)
  // The comments come from the mount's cache too: no comments call at all.
  std::size_t commented = 0;
  for (const auto& photo : fetch_manifest(emulator).photos)
    commented += photo.count_comments > 0 ? 1 : 0;
  REQUIRE(commented > 0);
  CHECK(emulator.calls("flickr.photos.comments.getList") == 0);
  CHECK(first.output.find("0 comment calls (0 from the last run, " + std::to_string(commented) +
                          " from the mount's cache)") != std::string::npos);

  // Byte for byte, modes and mtimes: diff and rsync find nothing.
  const auto diff =
      run_command({"diff", "-r", "--no-dereference", "-x", ".flickrfs-mirror", root, dest});
  CHECK(diff.output == "");
  CHECK(diff.status == 0);
  const auto rsync = run_command({"rsync", "-ai", "--dry-run", root + "/", dest + "/"});
  CHECK(rsync.status == 0);
  CHECK(rsync.output == "");
  struct stat st {};
  REQUIRE(::stat((dest + "/photostream").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0755);  // the owner can delete the backup
  REQUIRE(::stat((dest + "/" + photos[0]).c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0444);

  SECTION("--checksum repairs a damaged copy from the blob store") {
    const std::string victim = dest + "/" + photos[0];
    REQUIRE(::chmod(victim.c_str(), 0644) == 0);
    struct stat before {};
    REQUIRE(::stat(victim.c_str(), &before) == 0);
    flip_first_byte(victim);
    const timespec times[2] = {before.st_mtim, before.st_mtim};
    REQUIRE(::utimensat(AT_FDCWD, victim.c_str(), times, 0) == 0);
    REQUIRE(::chmod(victim.c_str(), 0444) == 0);
    REQUIRE(emulator.post("/_emulator/reset-stats", "").find("ok") != std::string::npos);
    const auto checked = mirror(emulator.url(), work, root, dest, {"--checksum"});
    INFO(checked.output);
    CHECK(checked.status == 0);
    CHECK(checked.output.find("1 repaired") != std::string::npos);
    CHECK(images_by_photo(emulator).count(trailing_id(photos[0])) == 0);
    CHECK(read_file(victim) == read_file(root + "/" + photos[0]));
  }

  SECTION("a damaged blob is downloaded again, never copied") {
    const std::string id = trailing_id(photos[1]);
    const std::string blob = blob_file_of(work, id);
    REQUIRE(!blob.empty());
    const std::string good = read_file(blob);
    flip_first_byte(blob);
    REQUIRE(emulator.post("/_emulator/reset-stats", "").find("ok") != std::string::npos);
    const std::string dest2 = tmp / "dest2";
    const auto again = mirror(emulator.url(), work, root + "/photostream/page-0001", dest2);
    INFO(again.output);
    CHECK(again.status == 0);
    CHECK(again.output.find("9 images copied from the mount's cache, 1 cached copies rejected") !=
          std::string::npos);
    CHECK(images_by_photo(emulator)[id] == 1);
    CHECK(read_file(dest2 + "/" + photos[1]) == good);
  }
}

TEST_CASE("mirror --exif of a mount --exif takes EXIF from its cache and equals the mount") {
  EmulatorProcess emulator({40, 2, 11, {"--image-kb", "4"}});
  TempDir tmp;
  ::mkdir((tmp / "work").c_str(), 0700);
  const MountWork work = make_work(tmp / "work");
  FlickrfsMount mount(emulator.url(), work, {"-o", "no_prefetch", "--exif"});
  const std::string& root = mount.root();
  std::size_t files = 0;
  for (const auto& page : list_dir(root + "/photostream")) {
    for (const auto& name : list_dir(root + "/photostream/" + page)) {
      if (!name.ends_with(".exif.json")) continue;
      CHECK(!read_file(root + "/photostream/" + page + "/" + name).empty());
      ++files;
    }
  }
  REQUIRE(files == 40);
  // favorites/ too: 12 favorites (the emulator's default), 2 made private by their owners.
  for (const auto& name : list_dir(root + "/favorites")) {
    if (!name.ends_with(".exif.json")) continue;
    CHECK(!read_file(root + "/favorites/" + name).empty());
    ++files;
  }
  REQUIRE(files == 50);
  CHECK(emulator.calls("flickr.photos.getExif") == 50);
  REQUIRE(emulator.post("/_emulator/reset-stats", "").find("ok") != std::string::npos);

  const std::string dest = tmp / "dest";
  const auto first = mirror(emulator.url(), work, root, dest, {"--exif"});
  INFO(first.output);
  REQUIRE(first.status == 0);
  CHECK(emulator.calls("flickr.photos.getExif") == 0);
  CHECK(first.output.find("0 getExif calls (0 from the last run, 50 from the mount's cache)") !=
        std::string::npos);
  // exif.json files, their album links and .hidden included: diff and rsync find nothing.
  const auto diff =
      run_command({"diff", "-r", "--no-dereference", "-x", ".flickrfs-mirror", root, dest});
  CHECK(diff.output == "");
  CHECK(diff.status == 0);
  const auto rsync = run_command({"rsync", "-ai", "--dry-run", root + "/", dest + "/"});
  CHECK(rsync.status == 0);
  CHECK(rsync.output == "");

  // A rerun takes EXIF from its own record of the last run.
  const auto again = mirror(emulator.url(), work, root, dest, {"--exif"});
  INFO(again.output);
  REQUIRE(again.status == 0);
  CHECK(again.output.find("0 getExif calls (50 from the last run, 0 from the mount's cache)") !=
        std::string::npos);
  CHECK(emulator.calls("flickr.photos.getExif") == 0);
  CHECK(mount.unmount() == 0);
}
