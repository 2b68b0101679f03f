// Mounted: favorites/ (issue 22) against the emulator's manifest, with Flickr's default call
// budget. Every favorite favorites.getList lists is there exactly once as a real file (image
// and sidecar, not links), the image's bytes are the size the manifest says it serves (a
// video's stream, as in the photostream), every
// st_size is the number of bytes a read returns, `.hidden` names the sidecars, favorites the
// owner made private are absent, and the whole list costs ceil(F/500) calls.
#include <sys/stat.h>
#include <unistd.h>

#include <simdjson.h>
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <sstream>

#include "tests/mount/mount_support.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace flickrfs::test;

namespace {

// lstat: a regular file (not a link), its st_size.
std::uint64_t regular_size(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));
  return static_cast<std::uint64_t>(st.st_size);
}

}  // namespace

TEST_CASE("favorites/: every listed favorite once, real files, exact bytes, ceil(F/500) calls",
          "[mount]") {
  // 640 favorites, every seventh made private by its owner: 549 listed, two getList pages.
  EmulatorProcess emulator({40, 2, 13, {"--favorites", "640", "--image-kb", "2"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  FlickrfsMount mount(emulator.url(), work,
                      {"--dir-cache-time", "3600", "--poll-interval", "3600"});
  const Manifest manifest = fetch_manifest(emulator);
  std::map<std::string, const ManifestPhoto*> listed;
  std::set<std::string> unlisted;
  for (const auto& favorite : manifest.favorites) {
    if (favorite.listed) {
      listed.emplace(favorite.id, &favorite);
    } else {
      unlisted.insert(favorite.id);
    }
  }
  REQUIRE(listed.size() == 549);
  REQUIRE(!unlisted.empty());
  const std::string root = mount.root();
  wait_listing_complete(root, mount_env(emulator.url(), work));
  const auto pages = static_cast<std::int64_t>((listed.size() + 499) / 500);
  CHECK(emulator.calls("flickr.favorites.getList") == pages);
  // The extras carry the sizes; a video's streams cost one getSizes, as in the photostream.
  std::int64_t videos = 0;
  for (const auto& photo : manifest.photos)
    videos += photo.media == "video" ? 1 : 0;
  for (const auto& [id, favorite] : listed)
    videos += favorite->media == "video" ? 1 : 0;
  CHECK(emulator.calls("flickr.photos.getSizes") == videos);
  CHECK(emulator.calls("flickr.photos.getInfo") == 0);

  std::map<std::string, std::string> image_of;    // id -> name
  std::map<std::string, std::string> sidecar_of;  // id -> name
  std::set<std::string> sidecar_names;
  const auto names = list_dir(root + "/favorites");
  for (const auto& name : names) {
    if (name == ".hidden") continue;
    INFO(name);
    const std::string id = trailing_id(name);
    CHECK(listed.count(id) == 1);
    CHECK(unlisted.count(id) == 0);
    CHECK(manifest.photo(id) == nullptr);  // not one of the account's own
    if (name.ends_with(".json")) {
      CHECK(sidecar_of.emplace(id, name).second);  // once
      sidecar_names.insert(name);
    } else {
      CHECK(image_of.emplace(id, name).second);
    }
  }
  CHECK(image_of.size() == listed.size());
  CHECK(sidecar_of.size() == listed.size());
  const auto hidden = lines_of(read_file(root + "/favorites/.hidden"));
  CHECK(std::set<std::string>(hidden.begin(), hidden.end()) == sidecar_names);
  CHECK(hidden.size() == sidecar_names.size());

  // stat, then read: st_size is the byte count, the bytes are a size the manifest serves.
  for (const auto& [id, name] : image_of) {
    INFO(name);
    const std::string path = root + "/favorites/" + name;
    const std::uint64_t size = regular_size(path);
    const std::string bytes = read_file(path);
    CHECK(size == bytes.size());
    const std::string sha = sha256_hex(bytes);
    bool known = false;
    for (const ManifestSize* want : expected_sizes(*listed.at(id)))
      known = known || (want->sha256 == sha && want->bytes == bytes.size());
    CHECK(known);
  }
  for (const auto& [id, name] : sidecar_of) {
    INFO(name);
    const std::string path = root + "/favorites/" + name;
    const std::uint64_t size = regular_size(path);
    const std::string text = read_file(path);
    CHECK(size == text.size());
    simdjson::dom::parser parser;
    const simdjson::dom::element doc = parser.parse(text);
    CHECK(std::string_view(doc["id"]) == id);
    CHECK(std::string_view(doc["owner"]["nsid"]) == listed.at(id)->owner);
    CHECK(uint64_t(doc["image"]["bytes"]) == regular_size(root + "/favorites/" + image_of.at(id)));
  }
  // Reading them cost no further listing call.
  CHECK(emulator.calls("flickr.favorites.getList") == pages);
  CHECK(mount.unmount() == 0);

  // A remount over the same cache shows them before any call.
  REQUIRE(emulator.post("/_emulator/reset-stats", "").find("\"ok\":true") != std::string::npos);
  FlickrfsMount again(emulator.url(), work, {"--offline"});
  CHECK(list_dir(again.root() + "/favorites") == names);
  CHECK(read_file(again.root() + "/favorites/" + image_of.begin()->second).size() ==
        regular_size(again.root() + "/favorites/" + image_of.begin()->second));
  CHECK(emulator.calls("flickr.favorites.getList") == 0);
  CHECK(again.unmount() == 0);
}
