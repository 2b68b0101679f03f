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

  // Photos are files: MNT/photostream/page-NNNN/<stem>.<ext> and <stem>.json, plus .hidden.
  std::map<std::string, std::string> page_of;                     // photo id -> page (image)
  std::map<std::string, std::string> sidecar_page_of;             // photo id -> page (sidecar)
  std::map<std::string, std::set<std::string>> sidecars_in;       // page -> sidecar names
  std::map<std::string, int> entries_in;                          // page -> entries
  std::map<std::string, std::vector<std::string>> album_entries;  // album dir -> names
  const std::string stream = mount.root() + "/photostream/";
  const std::string sets = mount.root() + "/sets/";
  for (const auto& path : split_lines(find.output)) {
    if (path.rfind(stream, 0) == 0) {
      const std::string rest = path.substr(stream.size());
      const auto slash = rest.find('/');
      if (slash == std::string::npos) continue;
      CHECK(rest.find('/', slash + 1) == std::string::npos);  // no directory inside a page
      const std::string page = rest.substr(0, slash);
      const std::string name = rest.substr(slash + 1);
      ++entries_in[page];
      if (name == ".hidden") continue;
      const bool sidecar = name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0;
      auto& pages = sidecar ? sidecar_page_of : page_of;
      CHECK(pages.emplace(trailing_id(name), page).second);
      if (sidecar) sidecars_in[page].insert(name);
    } else if (path.rfind(sets, 0) == 0) {
      const std::string rest = path.substr(sets.size());
      const auto slash = rest.find('/');
      if (slash != std::string::npos)
        album_entries[rest.substr(0, slash)].push_back(rest.substr(slash + 1));
    }
  }
  REQUIRE(page_of.size() == manifest.photos.size());
  REQUIRE(sidecar_page_of == page_of);
  for (std::size_t i = 0; i < manifest.photos.size(); ++i) {
    const auto& id = manifest.photos[i].id;
    REQUIRE(page_of.count(id) == 1);
    // Oldest upload first, 500 per page.
    char expected_page[32];
    std::snprintf(expected_page, sizeof expected_page, "page-%04zu", i / 500 + 1);
    CHECK(page_of[id] == expected_page);
  }
  for (const auto& [page, count] : entries_in) {
    INFO(page);
    // Two files a photo plus .hidden, which names exactly the page's sidecars.
    CHECK(count == 2 * static_cast<int>(sidecars_in[page].size()) + 1);
    const auto hidden = split_lines(read_file(stream + page + "/.hidden"));
    CHECK(std::set<std::string>(hidden.begin(), hidden.end()) == sidecars_in[page]);
    CHECK(hidden.size() == sidecars_in[page].size());
  }

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
    std::vector<std::string> images;
    std::set<std::string> sidecars;
    for (const auto& name : album_entries[dir]) {
      if (name == ".hidden" || name == "album.json") continue;
      // Every album link resolves to a file of the photostream.
      struct stat st;
      CHECK(::stat((sets + dir + "/" + name).c_str(), &st) == 0);
      CHECK(S_ISREG(st.st_mode));
      const bool sidecar = name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0;
      if (sidecar) {
        sidecars.insert(name);
      } else {
        images.push_back(name);
      }
    }
    std::sort(images.begin(), images.end());
    REQUIRE(images.size() == set.photo_ids.size());
    for (std::size_t p = 0; p < images.size(); ++p)
      CHECK(trailing_id(images[p]) == set.photo_ids[p]);  // album order kept
    CHECK(sidecars.size() == set.photo_ids.size());
    auto hidden_lines = split_lines(read_file(sets + dir + "/.hidden"));
    CHECK(std::set<std::string>(hidden_lines.begin(), hidden_lines.end()).count("album.json") == 1);
    sidecars.insert("album.json");
    CHECK(std::set<std::string>(hidden_lines.begin(), hidden_lines.end()) == sidecars);
    simdjson::dom::parser parser;
    const std::string album_json = read_file(sets + dir + "/album.json");
    simdjson::dom::element doc = parser.parse(album_json);
    CHECK(std::string(std::string_view(doc["id"])) == set.id);
    CHECK(std::int64_t(doc["count"]) == static_cast<std::int64_t>(set.photo_ids.size()));
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
  std::map<std::string, std::vector<std::string>> files_of;  // photo id -> paths
  std::set<std::string> names;
  for (const auto& page : list_dir(mount.root() + "/photostream")) {
    for (const auto& name : list_dir(mount.root() + "/photostream/" + page)) {
      CHECK(flickrfs::model::is_valid_name(name));
      if (name == ".hidden") continue;  // one a page
      CHECK(names.insert(name).second);
      files_of[trailing_id(name)].push_back(mount.root() + "/photostream/" + page + "/" + name);
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
    REQUIRE(files_of[photo.id].size() == 2);  // its image and its sidecar, nothing else
    for (const auto& file : files_of[photo.id]) {
      struct stat st;
      REQUIRE(::stat(file.c_str(), &st) == 0);
    }
    // The title survives untouched inside the sidecar.
    const std::string info = read_file(sidecar_file(mount.root(), photo.id));
    simdjson::dom::element doc = parser.parse(info);
    CHECK(std::string(std::string_view(doc["title"])) == photo.title);
  }
  INFO("hostile titles in this world: " << hostile);
  CHECK(hostile > 10);
}

// GTK file managers hide what GIO calls hidden; GIO reads `.hidden` itself, so this asks it.
TEST_CASE("GIO reports every sidecar hidden and never an image, in pages and albums", "[mount]") {
  if (run_command({"sh", "-c", "command -v gio"}).status != 0) {
    WARN("SKIPPED: gio (package libglib2.0-bin) is not installed");
    return;
  }
  EmulatorProcess emulator({40, 2, 3, {"--image-kb", "2"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  FlickrfsMount mount(emulator.url(), work);
  std::vector<std::string> dirs = {mount.root() + "/photostream/page-0001"};
  for (const auto& album : list_dir(mount.root() + "/sets"))
    dirs.push_back(mount.root() + "/sets/" + album);
  REQUIRE(dirs.size() == 3);
  int images = 0;
  int sidecars = 0;
  for (const auto& dir : dirs) {
    for (const auto& name : list_dir(dir)) {
      if (name == ".hidden") continue;
      const CommandResult info =
          run_command({"gio", "info", "-a", "standard::is-hidden", dir + "/" + name});
      INFO(dir + "/" + name + ": " + info.output);
      REQUIRE(info.status == 0);
      const bool hidden = info.output.find("standard::is-hidden: TRUE") != std::string::npos;
      const bool is_sidecar = name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0;
      CHECK(hidden == is_sidecar);
      (is_sidecar ? sidecars : images) += 1;
    }
  }
  CHECK(images >= 40);
  CHECK(sidecars > images);  // each image's sidecar, plus album.json per album
  CHECK(mount.unmount() == 0);
}
