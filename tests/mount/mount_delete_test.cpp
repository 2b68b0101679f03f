// Mounted (issue 23): `rm` of a photostream image deletes the photo on Flickr only on a
// mount with --writable --allow-delete, and only what Flickr confirmed disappears locally.
// Without the flag rm is EPERM, on a read-only mount EROFS, --allow-delete alone is a
// one-line usage error; sidecars, .hidden and album links are never removable; a delete
// Flickr fails keeps the file (EIO) and the photo, and so does a token that may no longer
// delete (EACCES).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>

#include "api/flickr_client.hpp"
#include "tests/mount/mount_support.hpp"
#include "tests/mount/upload_support.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace flickrfs::test;
namespace fsys = std::filesystem;

namespace {

// unlink(2)'s errno (0 when it succeeded).
int unlink_errno(const std::string& path) {
  return ::unlink(path.c_str()) == 0 ? 0 : errno;
}

// The entries of sets/<album> that belong to photo `id` (its image and sidecar links).
std::vector<std::string> album_entries_of(const std::string& album_dir, const std::string& id) {
  std::vector<std::string> out;
  for (const auto& name : list_dir(album_dir)) {
    if (trailing_id(name) == id) out.push_back(album_dir + "/" + name);
  }
  return out;
}

// The directory of album `set_id` under MNT/sets.
std::string album_dir(const std::string& root, const std::string& set_id) {
  for (const auto& name : list_dir(root + "/sets")) {
    if (trailing_id(name) == set_id) return root + "/sets/" + name;
  }
  return "";
}

// The user re-authorizes the test token with `perms` only (Flickr's authorize page sets
// what the token may do): the oob flow's first two steps, as `flickrfs auth` does them.
void reauthorize(const EmulatorProcess& emulator, const std::string& perms) {
  flickrfs::api::ClientOptions options;
  options.api_url = emulator.url();
  options.credentials = {"test-key", "test-secret", "", "", "", "", {}};
  options.rate_limits = flickrfs::api::RateLimits::of({0});
  flickrfs::api::FlickrClient client(std::move(options));
  const auto request = client.request_token("oob");
  REQUIRE(request.ok());
  const std::string url = client.authorize_url(*request, perms);
  int status = 0;
  emulator.get(url.substr(emulator.url().size()), &status);
  REQUIRE(status == 200);
}

}  // namespace

TEST_CASE(
    "rm in photostream/ is refused: EROFS read-only, EPERM without --allow-delete, and "
    "--allow-delete without --writable is a one-line usage error",
    "[mount]") {
  EmulatorProcess emulator({10, 1, 21, {"--image-kb", "8"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  const std::string id = fetch_manifest(emulator).photos.front().id;

  const auto alone =
      run_command({build_binary("flickrfs"), "mount", work.mountpoint(), "-f", "--allow-delete"},
                  mount_env(emulator.url(), work), 60);
  CHECK(alone.status == 1);
  CHECK(alone.output.find("--allow-delete needs --writable") != std::string::npos);
  CHECK(std::count(alone.output.begin(), alone.output.end(), '\n') == 1);
  CHECK_FALSE(is_mounted(work.mountpoint()));
  {
    FlickrfsMount mount(emulator.url(), work, {});
    const std::string image = photo_file(mount.root(), id);
    CHECK(unlink_errno(image) == EROFS);
    CHECK(fsys::exists(image));
  }
  {
    FlickrfsMount mount(emulator.url(), work, {"--writable"});
    const std::string image = photo_file(mount.root(), id);
    CHECK(unlink_errno(image) == EPERM);
    CHECK(unlink_errno(sidecar_file(mount.root(), id)) == EPERM);
    CHECK(fsys::exists(image));
    const auto rm = run_command({"rm", "-f", image});
    CHECK(rm.status != 0);
    CHECK(rm.output.find("Operation not permitted") != std::string::npos);
  }
  CHECK(fetch_manifest(emulator).photos.size() == 10);
  CHECK(emulator.calls("flickr.photos.delete") == 0);
}

TEST_CASE(
    "rm with --allow-delete deletes the photo on Flickr, then its image, sidecar and album "
    "links leave the mount (sidecars, .hidden and album links are EPERM)",
    "[mount]") {
  EmulatorProcess emulator({12, 2, 22, {"--image-kb", "8"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  const Manifest before = fetch_manifest(emulator);
  std::string set_id;
  std::string id;
  for (const auto& set : before.sets) {
    if (set.photo_ids.empty()) continue;
    set_id = set.id;
    id = set.photo_ids.front();
    break;
  }
  REQUIRE_FALSE(id.empty());
  FlickrfsMount mount(emulator.url(), work, {"--writable", "--allow-delete"});
  const std::string image = photo_file(mount.root(), id);
  const std::string sidecar = sidecar_file(mount.root(), id);
  const std::string album = album_dir(mount.root(), set_id);
  REQUIRE_FALSE(album.empty());
  const auto links = album_entries_of(album, id);
  REQUIRE(links.size() == 2);

  CHECK(unlink_errno(sidecar) == EPERM);
  CHECK(unlink_errno(fsys::path(image).parent_path().string() + "/.hidden") == EPERM);
  for (const auto& link : links)
    CHECK(unlink_errno(link) == EPERM);
  CHECK(unlink_errno(album + "/album.json") == EPERM);
  CHECK(emulator.calls("flickr.photos.delete") == 0);

  const auto rm = run_command({"rm", image});
  INFO(rm.output);
  REQUIRE(rm.status == 0);
  // rm returned once Flickr confirmed: the photo is gone there and here.
  const Manifest after = fetch_manifest(emulator);
  CHECK(after.photos.size() == 11);
  CHECK(after.photo(id) == nullptr);
  CHECK(emulator.calls("flickr.photos.delete") == 1);
  CHECK_FALSE(fsys::exists(image));
  CHECK(eventually([&] { return !fsys::exists(sidecar); }, std::chrono::seconds(10)));
  CHECK(eventually([&] { return album_entries_of(album, id).empty(); }, std::chrono::seconds(10)));
  std::size_t images = 0;
  for (const auto& page : list_dir(mount.root() + "/photostream")) {
    for (const auto& name : list_dir(mount.root() + "/photostream/" + page)) {
      if (!name.ends_with(".json") && name != ".hidden") ++images;
      CHECK(trailing_id(name) != id);
    }
  }
  CHECK(images == 11);
  // A refresh of the listing does not bring it back.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  CHECK_FALSE(fsys::exists(image));
}

TEST_CASE("a delete Flickr fails: rm gets EIO, the file and the photo stay", "[mount]") {
  EmulatorProcess emulator({10, 1, 23, {"--image-kb", "8"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  const std::string id = fetch_manifest(emulator).photos.back().id;
  FlickrfsMount mount(emulator.url(), work, {"--writable", "--allow-delete"});
  const std::string image = photo_file(mount.root(), id);
  const fsys::path page = fsys::path(image).parent_path();
  const auto names = list_dir(page.string());
  const std::string bytes = read_file(image);  // cached from now on, also while Flickr fails

  emulator.post("/_emulator/faults", R"({"rate": 1, "kinds": ["http503"]})");
  CHECK(unlink_errno(image) == EIO);
  CHECK(list_dir(page.string()) == names);  // the image and its sidecar are still listed
  CHECK(fsys::file_size(image) == bytes.size());
  CHECK(read_file(image) == bytes);
  emulator.post("/_emulator/faults", R"({"rate": 0})");

  CHECK(fetch_manifest(emulator).photo(id) != nullptr);
  CHECK(fetch_manifest(emulator).photos.size() == 10);
}

TEST_CASE("a token that may no longer delete: rm gets EACCES, the photo stays", "[mount]") {
  EmulatorProcess emulator({10, 1, 24, {"--image-kb", "8"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  const std::string id = fetch_manifest(emulator).photos.front().id;
  FlickrfsMount mount(emulator.url(), work, {"--writable", "--allow-delete"});
  const std::string image = photo_file(mount.root(), id);
  reauthorize(emulator, "write");  // after the mount checked the token
  CHECK(unlink_errno(image) == EACCES);
  CHECK(fsys::exists(image));
  CHECK(fetch_manifest(emulator).photo(id) != nullptr);
}
