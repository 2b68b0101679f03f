// Mounted: the tree itself (find over a large photostream, albums, hostile titles).
#include <sys/stat.h>

#include <simdjson.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <set>
#include <sstream>

#include "fs/model/naming.hpp"
#include "tests/mount/mount_support.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace flickrfs::test;

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    lines.push_back(line);
  return lines;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("find over 5000 photos lists exactly the manifest's photos and albums", "[mount]") {
  EmulatorProcess emulator({5000, 12, 7, {"--image-kb", "8"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  FlickrfsMount mount(emulator.url(), work);
  const Manifest manifest = fetch_manifest(emulator);
  REQUIRE(manifest.photos.size() == 5000);

  const auto start = std::chrono::steady_clock::now();
  const CommandResult find = run_command({"find", mount.root()});
  REQUIRE(find.status == 0);
  WARN("cold find over 5,000 photos: " << seconds_since(start) << " s");

  // Photo directories: MNT/photostream/page-NNNN/<dir>; files one level below.
  std::map<std::string, std::string> page_of;                   // photo id -> page dir name
  std::map<std::string, int> files_in;                          // photo dir path -> entries
  std::map<std::string, std::vector<std::string>> album_links;  // album dir -> link names
  const std::string stream = mount.root() + "/photostream/";
  const std::string sets = mount.root() + "/sets/";
  for (const auto& path : split_lines(find.output)) {
    if (path.rfind(stream, 0) == 0) {
      const std::string rest = path.substr(stream.size());
      const auto slashes = std::count(rest.begin(), rest.end(), '/');
      if (slashes == 1) {
        const std::string id = trailing_id(rest.substr(rest.find('/') + 1));
        CHECK(page_of.emplace(id, rest.substr(0, rest.find('/'))).second);
      } else if (slashes == 2) {
        ++files_in[rest.substr(0, rest.rfind('/'))];
      }
    } else if (path.rfind(sets, 0) == 0) {
      const std::string rest = path.substr(sets.size());
      const auto slash = rest.find('/');
      if (slash != std::string::npos)
        album_links[rest.substr(0, slash)].push_back(rest.substr(slash + 1));
    }
  }
  REQUIRE(page_of.size() == manifest.photos.size());
  for (std::size_t i = 0; i < manifest.photos.size(); ++i) {
    const auto& id = manifest.photos[i].id;
    REQUIRE(page_of.count(id) == 1);
    // Oldest upload first, 500 per page.
    char expected_page[32];
    std::snprintf(expected_page, sizeof expected_page, "page-%04zu", i / 500 + 1);
    CHECK(page_of[id] == expected_page);
  }
  for (const auto& [dir, count] : files_in)
    CHECK(count == 2);  // the image and info.json

  std::set<std::string> album_ids;
  for (const auto& name : list_dir(mount.root() + "/sets"))
    album_ids.insert(trailing_id(name));
  REQUIRE(album_ids.size() == manifest.sets.size());
  for (const auto& set : manifest.sets) {
    CHECK(album_ids.count(set.id) == 1);
    std::string dir;
    for (const auto& name : list_dir(mount.root() + "/sets")) {
      if (trailing_id(name) == set.id) dir = name;
    }
    auto links = album_links[dir];
    std::sort(links.begin(), links.end());
    REQUIRE(links.size() == set.photo_ids.size());
    for (std::size_t p = 0; p < links.size(); ++p)
      CHECK(trailing_id(links[p]) == set.photo_ids[p]);  // album order kept
  }

  const auto warm = std::chrono::steady_clock::now();
  REQUIRE(run_command({"find", mount.root()}).status == 0);
  WARN("warm find over 5,000 photos: " << seconds_since(warm) << " s");
  CHECK(mount.unmount() == 0);
}

TEST_CASE("hostile titles give valid, unique names that resolve", "[mount]") {
  EmulatorProcess emulator({1500, 6, 3, {"--image-kb", "8"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  FlickrfsMount mount(emulator.url(), work);
  const Manifest manifest = fetch_manifest(emulator);
  std::map<std::string, std::string> dir_of;
  std::set<std::string> names;
  for (const auto& page : list_dir(mount.root() + "/photostream")) {
    for (const auto& name : list_dir(mount.root() + "/photostream/" + page)) {
      CHECK(flickrfs::model::is_valid_name(name));
      CHECK(names.insert(name).second);
      dir_of[trailing_id(name)] = mount.root() + "/photostream/" + page + "/" + name;
    }
  }
  int hostile = 0;
  simdjson::dom::parser parser;
  for (const auto& photo : manifest.photos) {
    const bool is_hostile =
        photo.title.empty() || photo.title.size() > 200 ||
        photo.title.find('/') != std::string::npos || photo.title.find("..") != std::string::npos ||
        std::any_of(photo.title.begin(), photo.title.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20; });
    if (!is_hostile) continue;
    ++hostile;
    REQUIRE(dir_of.count(photo.id) == 1);
    const std::string dir = dir_of[photo.id];
    struct stat st;
    REQUIRE(::stat(dir.c_str(), &st) == 0);
    for (const auto& file : list_dir(dir)) {
      CHECK(flickrfs::model::is_valid_name(file));
      REQUIRE(::stat((dir + "/" + file).c_str(), &st) == 0);
    }
    // The title survives untouched inside info.json.
    const std::string info = read_file(dir + "/info.json");
    simdjson::dom::element doc = parser.parse(info);
    CHECK(std::string(std::string_view(doc["title"])) == photo.title);
  }
  INFO("hostile titles in this world: " << hostile);
  CHECK(hostile > 10);
}
