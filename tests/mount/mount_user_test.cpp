// Mounted: whose photos and which files (--user someone's public photos without a token,
// --sizes extra files with the bytes of that size) and a token Flickr no longer accepts.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include "tests/mount/mount_support.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace flickrfs::test;
namespace fsys = std::filesystem;

namespace {

// The ids of every photo directory under MNT/photostream.
std::set<std::string> photostream_ids(const std::string& root) {
  std::set<std::string> ids;
  for (const auto& page : list_dir(root + "/photostream")) {
    for (const auto& name : list_dir(root + "/photostream/" + page)) {
      if (name != ".hidden") ids.insert(trailing_id(name));
    }
  }
  return ids;
}

}  // namespace

TEST_CASE("mounting with --user USERNAME and no token shows exactly their public photos",
          "[mount]") {
  EmulatorProcess emulator({120, 2, 3, {"--image-kb", "10"}});
  const Manifest manifest = fetch_manifest(emulator);
  std::set<std::string> public_ids, private_ids;
  for (const auto& photo : manifest.photos)
    (photo.is_public ? public_ids : private_ids).insert(photo.id);
  REQUIRE_FALSE(private_ids.empty());  // the world has private photos to leave out
  TempDir temp;
  const MountWork work = make_work(temp.path());
  // Someone else's account: an API key only, no OAuth token (empty values are ignored).
  FlickrfsMount mount(emulator.url(), work, {"--user", "demo"},
                      {{"FLICKRFS_OAUTH_TOKEN", ""}, {"FLICKRFS_OAUTH_TOKEN_SECRET", ""}});
  CHECK(photostream_ids(mount.root()) == public_ids);
  // Their photos read like one's own: the bytes Flickr serves.
  const auto& photo = *manifest.photo(*public_ids.begin());
  const std::string bytes = read_file(photo_file(mount.root(), photo.id));
  bool matches = false;
  for (const ManifestSize* size : expected_sizes(photo))
    matches = matches || size->sha256 == sha256_hex(bytes);
  CHECK(matches);
}

TEST_CASE("mounting with --sizes best,thumb adds sizes/thumb/ with the Thumbnail bytes",
          "[mount]") {
  EmulatorProcess emulator({40, 1, 4, {"--image-kb", "10"}});
  const Manifest manifest = fetch_manifest(emulator);
  TempDir temp;
  const MountWork work = make_work(temp.path());
  FlickrfsMount mount(emulator.url(), work, {"--sizes", "best,thumb"});
  int checked = 0;
  for (const auto& photo : manifest.photos) {
    const ManifestSize* thumb = nullptr;
    for (const auto& size : photo.sizes) {
      if (size.label == "Thumbnail" && size.media == "photo") thumb = &size;
    }
    if (thumb == nullptr || checked == 10) continue;
    // sizes/thumb/page-NNNN/<stem>.<ext>, beside the page of the best file.
    const std::string best = photo_file(mount.root(), photo.id);
    const std::string page_path = best.substr(0, best.rfind('/'));
    const std::string page = page_path.substr(page_path.rfind('/') + 1);
    const std::string dir = mount.root() + "/sizes/thumb/" + page;
    std::string thumb_file;
    for (const auto& name : list_dir(dir)) {
      if (trailing_id(name) == photo.id) thumb_file = dir + "/" + name;
    }
    INFO(dir);
    REQUIRE_FALSE(thumb_file.empty());
    struct stat st {};
    REQUIRE(::stat(thumb_file.c_str(), &st) == 0);
    const std::string bytes = read_file(thumb_file);
    CHECK(static_cast<std::uint64_t>(st.st_size) == thumb->bytes);
    CHECK(bytes.size() == thumb->bytes);
    CHECK(sha256_hex(bytes) == thumb->sha256);
    // The best file is still there, and it is not the thumbnail.
    CHECK(sha256_hex(read_file(best)) != thumb->sha256);
    // The page itself never shows the thumbnail: one image and one sidecar a photo.
    const auto names = list_dir(page_path);
    CHECK(std::count_if(names.begin(), names.end(), [&](const std::string& name) {
            return trailing_id(name) == photo.id;
          }) == 2);
    ++checked;
  }
  CHECK(checked == 10);
}

TEST_CASE("a token Flickr no longer accepts is a clear error at mount time", "[mount]") {
  EmulatorProcess emulator({20, 1, 1, {}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  Env env = mount_env(emulator.url(), work);
  env["FLICKRFS_OAUTH_TOKEN"] = "72157600000000000-revokedrevoked00";  // revoked or expired
  const auto result = run_command({build_binary("flickrfs"), "mount", work.mountpoint()}, env, 60);
  INFO(result.output);
  CHECK(result.status == 2);
  CHECK(result.output.find("flickrfs auth") != std::string::npos);  // says what to do
  CHECK(result.output.rfind("flickrfs: authentication failed: flickr.test.login", 0) == 0);
  CHECK(std::count(result.output.begin(), result.output.end(), '\n') == 1);
  CHECK(result.output.find("test-token-secret") == std::string::npos);
  CHECK_FALSE(is_mounted(work.mountpoint()));
}
