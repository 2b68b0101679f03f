// `flickrfs mirror --exif flickr: DEST` against the emulator (issue 22): each photo's
// <stem>.exif.json beside its sidecar says what getExif answers (the manifest), hidden EXIF
// as hidden_by_owner, albums and views link it, .hidden names it, favorites/ holds one per
// favorite; one getExif a photo, none on a rerun.
#include <simdjson.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "tests/mirror/test_helpers.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/manifest.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using namespace flickrfs::test;
namespace fsys = std::filesystem;

std::string id_of(const std::string& name) {  // "<...>_<id>.exif.json" -> "<id>"
  const std::string stem = name.substr(0, name.size() - std::string(".exif.json").size());
  return stem.substr(stem.rfind('_') + 1);
}

RunResult mirror_exif(const EmulatorProcess& emulator, const std::string& dest) {
  ::setenv("FLICKRFS_API_KEY", "test-key", 1);
  ::setenv("FLICKRFS_API_SECRET", "test-secret", 1);
  ::setenv("FLICKRFS_OAUTH_TOKEN", "test-token", 1);
  ::setenv("FLICKRFS_OAUTH_TOKEN_SECRET", "test-token-secret", 1);
  ::setenv("FLICKRFS_CONFIG", "/nonexistent/flickrfs-config", 1);
  return run_command({build_binary("flickrfs"), "mirror", "--api-url", emulator.url(),
                      "--no-progress", "-v", "--exif", "flickr:", dest});
}

void check_exif(const std::string& text, const ManifestPhoto& photo) {
  INFO(photo.id << "\n" << text);
  simdjson::dom::parser parser;
  const simdjson::dom::object doc = parser.parse(text);
  CHECK(std::string_view(doc["id"]) == photo.id);
  CHECK(bool(doc["hidden_by_owner"]) == photo.exif_hidden);
  if (photo.exif_hidden) {
    CHECK(doc.size() == 2);
    return;
  }
  CHECK((photo.exif_camera.empty() ? doc["camera"].is_null()
                                   : std::string_view(doc["camera"]) == photo.exif_camera));
  const simdjson::dom::array tags = doc["exif"];
  REQUIRE(tags.size() == photo.exif.size());
  std::size_t i = 0;
  for (simdjson::dom::element tag : tags) {
    const auto& want = photo.exif[i++];
    CHECK(std::string_view(tag["tag"]) == want.tag);
    CHECK(std::string_view(tag["tagspace"]) == want.tagspace);
    CHECK(std::string_view(tag["label"]) == want.label);
    CHECK(std::string_view(tag["raw"]) == want.raw);
    CHECK((want.clean.empty() ? tag["clean"].is_null()
                              : std::string_view(tag["clean"]) == want.clean));
  }
}

}  // namespace

TEST_CASE("mirror --exif writes each photo's exif.json as getExif says, once per photo") {
  EmulatorProcess emulator({90, 3, 11, {"--image-kb", "1"}});
  TempDir tmp;
  const std::string dest = tmp / "dst";
  const auto first = mirror_exif(emulator, dest);
  INFO(first.err.substr(0, 3000));
  REQUIRE(first.exit_code == 0);
  const Manifest manifest = fetch_manifest(emulator);
  std::vector<const ManifestPhoto*> favorites;  // the listed ones
  for (const auto& favorite : manifest.favorites) {
    if (favorite.listed) favorites.push_back(&favorite);
  }
  REQUIRE(!favorites.empty());
  const auto everything = static_cast<std::int64_t>(manifest.photos.size() + favorites.size());
  CHECK(emulator.calls("flickr.photos.getExif") == everything);

  std::map<std::string, std::string> path_of;  // photo id -> exif.json path in DEST
  for (const auto& page : fsys::directory_iterator(dest + "/photostream")) {
    std::set<std::string> json_names;
    for (const auto& file : fsys::directory_iterator(page.path())) {
      const std::string name = file.path().filename().string();
      if (name.ends_with(".json")) json_names.insert(name);
      if (!name.ends_with(".exif.json")) continue;
      CHECK(file.is_regular_file());
      CHECK(path_of.emplace(id_of(name), file.path().string()).second);
    }
    std::set<std::string> hidden;
    std::istringstream lines(read_file(page.path().string() + "/.hidden"));
    for (std::string line; std::getline(lines, line);)
      hidden.insert(line);
    CHECK(hidden == json_names);
  }
  REQUIRE(path_of.size() == manifest.photos.size());
  std::size_t hidden = 0;
  for (const auto& photo : manifest.photos) {
    check_exif(read_file(path_of.at(photo.id)), photo);
    hidden += photo.exif_hidden ? 1 : 0;
  }
  CHECK(hidden > 0);

  std::size_t links = 0;
  for (const auto& album : fsys::directory_iterator(dest + "/sets")) {
    for (const auto& entry : fsys::directory_iterator(album.path())) {
      const std::string name = entry.path().filename().string();
      if (!name.ends_with(".exif.json")) continue;
      INFO(name);
      CHECK(entry.is_symlink());
      CHECK(fsys::canonical(entry.path()) == fsys::canonical(path_of.at(id_of(name))));
      ++links;
    }
  }
  std::size_t members = 0;
  for (const auto& set : manifest.sets)
    members += set.photo_ids.size();
  CHECK(links == members);
  CHECK(links > 0);

  // The views link it too: by-date/ once per photo, each resolving to the page's file.
  std::size_t view_links = 0;
  for (const auto& entry : fsys::recursive_directory_iterator(dest + "/by-date")) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(".exif.json")) continue;
    INFO(name);
    CHECK(entry.is_symlink());
    CHECK(fsys::canonical(entry.path()) == fsys::canonical(path_of.at(id_of(name))));
    ++view_links;
  }
  CHECK(view_links == manifest.photos.size());

  // favorites/: a real exif.json per listed favorite, as getExif says.
  std::set<std::string> favorite_exif;
  for (const auto& entry : fsys::directory_iterator(dest + "/favorites")) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(".exif.json")) continue;
    CHECK(fsys::is_regular_file(entry.symlink_status()));
    favorite_exif.insert(id_of(name));
  }
  CHECK(favorite_exif.size() == favorites.size());
  for (const ManifestPhoto* favorite : favorites) {
    const std::string dir = dest + "/favorites/";
    for (const auto& entry : fsys::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      if (name.ends_with(".exif.json") && id_of(name) == favorite->id)
        check_exif(read_file(entry.path().string()), *favorite);
    }
  }

  REQUIRE(emulator.post("/_emulator/reset-stats", "").find("\"ok\":true") != std::string::npos);
  const auto again = mirror_exif(emulator, dest);
  INFO(again.err.substr(0, 3000));
  REQUIRE(again.exit_code == 0);
  CHECK(emulator.calls("flickr.photos.getExif") == 0);
  CHECK(again.err.find("0 getExif calls (" + std::to_string(everything) + " from the last run") !=
        std::string::npos);
}
