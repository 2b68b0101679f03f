// Mounted: the views (tags/, by-date/, by-upload/, collections/) against the emulator's
// manifest, with Flickr's default call budget: every photo in the right folders, once per
// folder, every link resolving into photostream/ (collections: into sets/), `.hidden` naming
// the sidecar links, no API call spent on the photo views and one on the collections, and
// `flickrfs mirror MOUNT/tags/<tag>` or `MOUNT/collections/<c>` copying just those photos.
#include <sys/stat.h>
#include <unistd.h>

#include <simdjson.h>
#include <algorithm>
#include <catch2/catch.hpp>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "tests/mount/mount_support.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace flickrfs::test;

namespace {

namespace fsys = std::filesystem;

std::int64_t api_calls_total(const EmulatorProcess& emulator) {
  simdjson::dom::parser parser;
  const std::string body = emulator.get("/_emulator/stats");
  return int64_t(parser.parse(body)["api_calls_total"]);
}

// The view folders a photo belongs in, from the manifest and DESIGN/issue rules (written
// here again, not taken from fs/model).
std::set<std::string> expected_dirs(const ManifestPhoto& photo) {
  std::set<std::string> out;
  for (const auto& tag : photo.tags)
    out.insert(tag == "machine" ? "tags/machine (tag)" : "tags/" + tag);
  for (const auto& tag : photo.machine_tags)
    out.insert("tags/machine/" + tag);
  if (photo.date_taken_unknown) {
    out.insert("by-date/unknown");
  } else if (photo.date_taken_granularity >= 6) {
    out.insert("by-date/" + photo.date_taken.substr(0, 4));
  } else {
    out.insert("by-date/" + photo.date_taken.substr(0, 4) + "/" + photo.date_taken.substr(5, 2));
  }
  const std::time_t uploaded = photo.date_upload;
  std::tm utc{};
  ::gmtime_r(&uploaded, &utc);
  char upload[64];
  std::snprintf(upload, sizeof upload, "by-upload/%04d/%02d", utc.tm_year + 1900, utc.tm_mon + 1);
  out.insert(upload);
  return out;
}

// The entry of `dir` whose name ends in "_<id>", or "".
std::string entry_with_id(const std::string& dir, const std::string& id) {
  for (const auto& name : list_dir(dir)) {
    if (trailing_id(name) == id) return name;
  }
  return {};
}

// collections/ against the manifest's tree: child collections in order, then one link per
// album, `depth` levels below the mount, each resolving to its sets/ directory.
void check_collections(const std::string& root, const std::string& rel,
                       const std::vector<ManifestCollection>& expected, std::size_t depth) {
  std::vector<std::string> dirs;
  for (const auto& name : list_dir(root + "/" + rel)) {
    struct stat st {};
    REQUIRE(::lstat((root + "/" + rel + "/" + name).c_str(), &st) == 0);
    if (S_ISDIR(st.st_mode)) dirs.push_back(name);
  }
  REQUIRE(dirs.size() == expected.size());
  for (const auto& collection : expected) {
    INFO(rel << " " << collection.id);
    const std::string name = entry_with_id(root + "/" + rel, collection.id);
    REQUIRE(!name.empty());
    const std::string path = rel + "/" + name;
    std::vector<std::string> links;
    for (const auto& entry : list_dir(root + "/" + path)) {
      struct stat st {};
      REQUIRE(::lstat((root + "/" + path + "/" + entry).c_str(), &st) == 0);
      if (!S_ISLNK(st.st_mode)) continue;
      char target[4096];
      const ssize_t n =
          ::readlink((root + "/" + path + "/" + entry).c_str(), target, sizeof target);
      REQUIRE(n > 0);
      std::string up;
      for (std::size_t d = 0; d < depth + 1; ++d)
        up += "../";
      CHECK(std::string(target, static_cast<std::size_t>(n)) == up + "sets/" + entry);
      CHECK(::stat((root + "/" + path + "/" + entry).c_str(), &st) == 0);
      CHECK(S_ISDIR(st.st_mode));
      links.push_back(entry);
    }
    // Sorted, so a link listed twice still shows as a difference.
    std::vector<std::string> ids;
    for (const auto& link : links)
      ids.push_back(trailing_id(link));
    std::vector<std::string> want = collection.set_ids;
    std::sort(ids.begin(), ids.end());
    std::sort(want.begin(), want.end());
    CHECK(ids == want);
    check_collections(root, path, collection.children, depth + 1);
  }
}

std::size_t depth_of(const std::string& dir) {
  return static_cast<std::size_t>(std::count(dir.begin(), dir.end(), '/')) + 1;
}

}  // namespace

TEST_CASE("tags/, by-date/ and by-upload/ hold every photo in the right folders, once each",
          "[mount]") {
  EmulatorProcess emulator({700, 8, 3, {"--image-kb", "4"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  // No listing re-check or poll while the views are walked: the calls counted are theirs.
  FlickrfsMount mount(emulator.url(), work,
                      {"--dir-cache-time", "3600", "--poll-interval", "3600"});
  const Manifest manifest = fetch_manifest(emulator);
  REQUIRE(manifest.photos.size() == 700);
  wait_listing_complete(mount.root(), mount_env(emulator.url(), work));

  std::map<std::string, std::set<std::string>> expected;  // dir -> photo ids
  std::size_t machine_tagged = 0;
  std::size_t unknown = 0;
  std::size_t year_only = 0;
  for (const auto& photo : manifest.photos) {
    for (const auto& dir : expected_dirs(photo))
      expected[dir].insert(photo.id);
    machine_tagged += photo.machine_tags.empty() ? 0 : 1;
    unknown += photo.date_taken_unknown ? 1 : 0;
    year_only += !photo.date_taken_unknown && photo.date_taken_granularity >= 6 ? 1 : 0;
  }
  // The world exercises every rule.
  REQUIRE(machine_tagged > 0);
  REQUIRE(unknown > 0);
  REQUIRE(year_only > 0);

  CHECK(emulator.calls("flickr.collections.getTree") == 1);  // the whole tree, one call
  REQUIRE(emulator.post("/_emulator/reset-stats", "").find("ok") != std::string::npos);
  const std::string root = mount.root();
  const CommandResult find =
      run_command({"find", root + "/tags", root + "/by-date", root + "/by-upload", "-type", "l"});
  REQUIRE(find.status == 0);
  CHECK(api_calls_total(emulator) == 0);  // the views come from the listing's extras

  std::map<std::string, std::set<std::string>> images_in;  // dir -> photo ids
  std::map<std::string, std::set<std::string>> sidecars_in;
  std::map<std::string, std::set<std::string>> sidecar_names_in;
  std::size_t links = 0;
  for (const auto& path : lines_of(find.output)) {
    const std::string rel = path.substr(root.size() + 1);
    const std::string dir = rel.substr(0, rel.rfind('/'));
    const std::string name = rel.substr(rel.rfind('/') + 1);
    const bool sidecar = name.ends_with(".json");
    const std::string id = trailing_id(name);
    INFO(rel);
    CHECK((sidecar ? sidecars_in : images_in)[dir].insert(id).second);  // once per folder
    if (sidecar) sidecar_names_in[dir].insert(name);
    // Relative, into photostream/, resolving to a regular file with the same name.
    char target[4096];
    const ssize_t n = ::readlink(path.c_str(), target, sizeof target);
    REQUIRE(n > 0);
    std::string up;
    for (std::size_t d = 0; d < depth_of(dir); ++d)
      up += "../";
    CHECK(std::string(target, static_cast<std::size_t>(n)).starts_with(up + "photostream/page-"));
    CHECK(std::string(target, static_cast<std::size_t>(n)).ends_with("/" + name));
    if (++links % 37 == 0) {  // a sample: stat follows the link through the mount
      struct stat st {};
      CHECK(::stat(path.c_str(), &st) == 0);
      CHECK(S_ISREG(st.st_mode));
    }
  }
  CHECK(images_in == expected);
  CHECK(sidecars_in == expected);
  for (const auto& [dir, names] : sidecar_names_in) {
    const auto hidden = lines_of(read_file(root + "/" + dir + "/.hidden"));
    CHECK(std::set<std::string>(hidden.begin(), hidden.end()) == names);
    CHECK(hidden.size() == names.size());
  }

  // Every image once under by-date, following the links.
  const CommandResult counted = run_command(
      {"sh", "-c",
       "find -L '" + root + "/by-date' -type f -not -name '*.json' -not -name .hidden | wc -l"});
  REQUIRE(counted.status == 0);
  CHECK(std::stoul(counted.output) == manifest.photos.size());

  // collections/: the manifest's tree, from one collections.getTree call.
  REQUIRE(!manifest.collections.empty());
  check_collections(root, "collections", manifest.collections, 1);
  CHECK(mount.unmount() == 0);
}

TEST_CASE("flickrfs mirror MOUNT/tags/<tag> copies just those photos, links resolving", "[mount]") {
  EmulatorProcess emulator({300, 8, 5, {"--image-kb", "4"}});
  TempDir temp;
  ::mkdir((temp / "work").c_str(), 0700);
  const MountWork work = make_work(temp / "work");
  FlickrfsMount mount(emulator.url(), work, {});
  wait_listing_complete(mount.root(), mount_env(emulator.url(), work));
  const Manifest manifest = fetch_manifest(emulator);
  std::set<std::string> tagged;
  for (const auto& photo : manifest.photos) {
    if (std::find(photo.tags.begin(), photo.tags.end(), "bridge") != photo.tags.end())
      tagged.insert(photo.id);
  }
  REQUIRE(!tagged.empty());
  REQUIRE(tagged.size() < manifest.photos.size());

  const std::string dest = temp / "dest";
  const Env env = mount_env(emulator.url(), work);
  const CommandResult run = run_command(
      {build_binary("flickrfs"), "mirror", "--no-progress", mount.root() + "/tags/bridge", dest},
      env, 600);
  INFO(run.output);
  REQUIRE(run.status == 0);
  std::set<std::string> link_ids;
  std::set<std::string> copied_ids;
  for (const auto& entry : fsys::recursive_directory_iterator(dest)) {
    // lexically: fsys::relative() would resolve the links.
    const std::string rel = entry.path().lexically_relative(dest).string();
    const std::string name = entry.path().filename().string();
    if (name == ".hidden" || entry.is_directory() || rel.starts_with(".flickrfs-mirror/")) continue;
    INFO(rel);
    if (rel.starts_with("tags/bridge/")) {
      REQUIRE(entry.is_symlink());
      CHECK(fsys::is_regular_file(fsys::canonical(entry.path())));  // resolves offline
      if (!name.ends_with(".json")) link_ids.insert(trailing_id(name));
    } else {
      CHECK(rel.starts_with("photostream/page-"));
      CHECK(entry.is_regular_file());
      if (!name.ends_with(".json")) copied_ids.insert(trailing_id(name));
    }
  }
  CHECK(link_ids == tagged);
  CHECK(copied_ids == tagged);  // the photostream files those links point to, nothing else

  // A collection: its links, the albums they point to, and those albums' photos.
  REQUIRE(!manifest.collections.empty());
  const auto& more = manifest.collections[1];  // "More": two albums, no child collection
  const std::string more_dir = entry_with_id(mount.root() + "/collections", more.id);
  REQUIRE(!more_dir.empty());
  const std::string dest2 = temp / "dest2";
  const CommandResult run2 = run_command({build_binary("flickrfs"), "mirror", "--no-progress",
                                          mount.root() + "/collections/" + more_dir, dest2},
                                         env, 600);
  INFO(run2.output);
  REQUIRE(run2.status == 0);
  std::set<std::string> album_ids;
  std::set<std::string> photo_ids;
  for (const auto& set : manifest.sets) {
    if (std::find(more.set_ids.begin(), more.set_ids.end(), set.id) == more.set_ids.end()) continue;
    album_ids.insert(set.id);
    photo_ids.insert(set.photo_ids.begin(), set.photo_ids.end());
  }
  std::set<std::string> linked_albums;
  for (const auto& name : list_dir(dest2 + "/collections/" + more_dir)) {
    CHECK(fsys::is_symlink(dest2 + "/collections/" + more_dir + "/" + name));
    CHECK(fsys::is_directory(dest2 + "/collections/" + more_dir + "/" + name));  // resolves
    linked_albums.insert(trailing_id(name));
  }
  CHECK(linked_albums == album_ids);
  std::set<std::string> copied;
  for (const auto& page : list_dir(dest2 + "/photostream")) {
    for (const auto& name : list_dir(dest2 + "/photostream/" + page)) {
      if (name != ".hidden" && !name.ends_with(".json")) copied.insert(trailing_id(name));
    }
  }
  CHECK(copied == photo_ids);
  CHECK(mount.unmount() == 0);
}
