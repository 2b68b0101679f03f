// Mounted: `flickrfs mount --exif` (issue 22) against the emulator's manifest, with Flickr's
// default call budget. Each photo's <stem>.exif.json holds what getExif answered (camera and
// tags, or hidden_by_owner when the owner hides EXIF), its st_size is the bytes a read
// returns, a listing costs no getExif call, each photo costs exactly one, and a re-read or a
// remount none (the cache keeps them forever). Albums and the views (tags/, by-date/,
// by-upload/) link the file into photostream/. A getExif that fails is EIO, and not
// remembered.
#include <sys/stat.h>
#include <unistd.h>

#include <simdjson.h>
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "tests/mount/mount_support.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace flickrfs::test;

namespace {

// No listing re-check or poll while the test counts calls.
const std::vector<std::string> kExifArgs = {"--exif", "--dir-cache-time", "3600", "--poll-interval",
                                            "3600"};
constexpr std::string_view kExifExt = ".exif.json";

// photo id -> "photostream/page-NNNN/<stem>.exif.json", from plain listings.
std::map<std::string, std::string> exif_files(const std::string& root) {
  std::map<std::string, std::string> out;
  for (const auto& page : list_dir(root + "/photostream")) {
    for (const auto& name : list_dir(root + "/photostream/" + page)) {
      if (name.ends_with(kExifExt)) {
        INFO(name);
        CHECK(out.emplace(trailing_id(name), "photostream/" + page + "/" + name).second);
      }
    }
  }
  return out;
}

// The exif.json of `photo` must say what the manifest says getExif answers.
void check_exif(const std::string& text, const ManifestPhoto& photo) {
  INFO(photo.id << "\n" << text);
  REQUIRE(text.ends_with("}\n"));
  simdjson::dom::parser parser;
  const simdjson::dom::object doc = parser.parse(text);
  CHECK(std::string_view(doc["id"]) == photo.id);
  CHECK(bool(doc["hidden_by_owner"]) == photo.exif_hidden);
  if (photo.exif_hidden) {
    CHECK(doc.size() == 2);  // nothing else is known
    return;
  }
  if (photo.exif_camera.empty()) {
    CHECK(doc["camera"].is_null());
  } else {
    CHECK(std::string_view(doc["camera"]) == photo.exif_camera);
  }
  const simdjson::dom::array tags = doc["exif"];
  REQUIRE(tags.size() == photo.exif.size());
  std::size_t i = 0;
  for (simdjson::dom::element tag : tags) {
    const auto& want = photo.exif[i++];
    CHECK(std::string_view(tag["tagspace"]) == want.tagspace);
    CHECK(int64_t(tag["tagspaceid"]) == want.tagspaceid);
    CHECK(std::string_view(tag["tag"]) == want.tag);
    CHECK(std::string_view(tag["label"]) == want.label);
    CHECK(std::string_view(tag["raw"]) == want.raw);
    if (want.clean.empty()) {
      CHECK(tag["clean"].is_null());
    } else {
      CHECK(std::string_view(tag["clean"]) == want.clean);
    }
  }
}

std::uint64_t size_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));
  return static_cast<std::uint64_t>(st.st_size);
}

}  // namespace

TEST_CASE(
    "mount --exif: exif.json is getExif's answer, exact size, one call a photo, cached forever",
    "[mount]") {
  EmulatorProcess emulator({120, 3, 11, {"--image-kb", "4"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  const Manifest manifest = fetch_manifest(emulator);
  std::size_t hidden = 0;
  std::size_t cameraless = 0;
  for (const auto& photo : manifest.photos) {
    hidden += photo.exif_hidden ? 1 : 0;
    cameraless += !photo.exif_hidden && photo.exif_camera.empty() ? 1 : 0;
  }
  REQUIRE(hidden > 0);  // the world exercises every case
  REQUIRE(cameraless > 0);
  std::map<std::string, std::string> bytes_of;  // photo id -> exif.json bytes
  {
    FlickrfsMount mount(emulator.url(), work, kExifArgs);
    const std::string root = mount.root();
    wait_listing_complete(root, mount_env(emulator.url(), work));
    REQUIRE(emulator.post("/_emulator/reset-stats", "").find("\"ok\":true") != std::string::npos);

    // Listing pages and albums, and reading their .hidden, costs no getExif.
    const auto files = exif_files(root);
    REQUIRE(files.size() == manifest.photos.size());
    for (const auto& page : list_dir(root + "/photostream")) {
      const auto hidden_names = lines_of(read_file(root + "/photostream/" + page + "/.hidden"));
      std::set<std::string> want;
      for (const auto& name : list_dir(root + "/photostream/" + page)) {
        if (name.ends_with(".json")) want.insert(name);
      }
      CHECK(std::set<std::string>(hidden_names.begin(), hidden_names.end()) == want);
    }
    for (const auto& album : list_dir(root + "/sets"))
      (void)list_dir(root + "/sets/" + album);
    CHECK(emulator.calls("flickr.photos.getExif") == 0);

    // stat (exact size, fetched for it), then read: one call a photo, same bytes.
    for (const auto& photo : manifest.photos) {
      const std::string path = root + "/" + files.at(photo.id);
      const std::uint64_t size = size_of(path);
      const std::string text = read_file(path);
      CHECK(size == text.size());
      check_exif(text, photo);
      bytes_of[photo.id] = text;
    }
    CHECK(emulator.calls("flickr.photos.getExif") ==
          static_cast<std::int64_t>(manifest.photos.size()));

    // Albums: 0001_<stem>.exif.json -> ../../photostream/page-NNNN/<stem>.exif.json.
    std::size_t links = 0;
    for (const auto& set : manifest.sets) {
      std::string dir;
      for (const auto& name : list_dir(root + "/sets")) {
        if (trailing_id(name) == set.id) dir = root + "/sets/" + name;
      }
      REQUIRE(!dir.empty());
      std::vector<std::string> linked;
      for (const auto& name : list_dir(dir)) {
        if (!name.ends_with(kExifExt)) continue;
        INFO(name);
        char target[4096];
        const ssize_t n = ::readlink((dir + "/" + name).c_str(), target, sizeof target);
        REQUIRE(n > 0);
        const std::string id = trailing_id(name);
        CHECK(std::string(target, static_cast<std::size_t>(n)) == "../../" + files.at(id));
        CHECK(read_file(dir + "/" + name) == bytes_of.at(id));
        linked.push_back(id);
        ++links;
      }
      std::vector<std::string> want = set.photo_ids;
      std::sort(want.begin(), want.end());
      std::sort(linked.begin(), linked.end());
      CHECK(linked == want);
    }
    CHECK(links > 0);

    // A second read of everything: no call.
    for (const auto& photo : manifest.photos) {
      const std::string path = root + "/" + files.at(photo.id);
      CHECK(size_of(path) == bytes_of.at(photo.id).size());
      CHECK(read_file(path) == bytes_of.at(photo.id));
    }
    CHECK(emulator.calls("flickr.photos.getExif") ==
          static_cast<std::int64_t>(manifest.photos.size()));
    CHECK(mount.unmount() == 0);
  }

  // A remount over the same cache answers from it: no call, the same bytes.
  REQUIRE(emulator.post("/_emulator/reset-stats", "").find("\"ok\":true") != std::string::npos);
  FlickrfsMount again(emulator.url(), work, kExifArgs);
  const auto files = exif_files(again.root());
  REQUIRE(files.size() == manifest.photos.size());
  for (const auto& photo : manifest.photos) {
    const std::string path = again.root() + "/" + files.at(photo.id);
    CHECK(size_of(path) == bytes_of.at(photo.id).size());
    CHECK(read_file(path) == bytes_of.at(photo.id));
  }
  CHECK(emulator.calls("flickr.photos.getExif") == 0);
  CHECK(again.unmount() == 0);
}

TEST_CASE("mount --exif: a getExif that fails is EIO and is asked again once Flickr heals",
          "[mount]") {
  EmulatorProcess emulator({20, 1, 11, {"--image-kb", "4"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  const Manifest manifest = fetch_manifest(emulator);
  FlickrfsMount mount(emulator.url(), work, kExifArgs);
  const std::string root = mount.root();
  wait_listing_complete(root, mount_env(emulator.url(), work));
  const auto files = exif_files(root);
  REQUIRE(files.size() == manifest.photos.size());
  const ManifestPhoto& photo = manifest.photos[3];
  const std::string path = root + "/" + files.at(photo.id);
  const std::string faulty = R"({"rate":1,"kinds":["invalid_json"]})";

  REQUIRE(emulator.post("/_emulator/faults", faulty).find("\"ok\":true") != std::string::npos);
  {
    struct stat st {};
    errno = 0;
    CHECK(::stat(path.c_str(), &st) != 0);
    CHECK(errno == EIO);
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK((!in.is_open() || text.empty()));
  }
  CHECK(emulator.calls("flickr.photos.getExif") > 0);  // it was asked, and failed

  REQUIRE(emulator.post("/_emulator/faults", R"({"rate":0})").find("\"ok\":true") !=
          std::string::npos);
  std::string text;
  for (int i = 0; i < 60 && text.empty(); ++i) {  // until the health check sees Flickr again
    try {
      text = read_file(path);
    } catch (const std::exception&) {
      ::usleep(500 * 1000);
    }
  }
  check_exif(text, photo);

  // Stored now: served while Flickr fails again, without a call.
  REQUIRE(emulator.post("/_emulator/reset-stats", "").find("\"ok\":true") != std::string::npos);
  REQUIRE(emulator.post("/_emulator/faults", faulty).find("\"ok\":true") != std::string::npos);
  struct stat st {};
  CHECK(::stat(path.c_str(), &st) == 0);
  CHECK(static_cast<std::size_t>(st.st_size) == text.size());
  CHECK(read_file(path) == text);
  CHECK(emulator.calls("flickr.photos.getExif") == 0);
  REQUIRE(emulator.post("/_emulator/faults", R"({"rate":0})").find("\"ok\":true") !=
          std::string::npos);
  CHECK(mount.unmount() == 0);
}

TEST_CASE("mount --exif: the views link each photo's exif.json, resolving to the same bytes",
          "[mount]") {
  EmulatorProcess emulator({60, 3, 17, {"--image-kb", "2"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  FlickrfsMount mount(emulator.url(), work, kExifArgs);
  const std::string root = mount.root();
  const Manifest manifest = fetch_manifest(emulator);
  wait_listing_complete(root, mount_env(emulator.url(), work));
  const auto files = exif_files(root);
  REQUIRE(files.size() == manifest.photos.size());
  const CommandResult find = run_command(
      {"find", root + "/tags", root + "/by-date", root + "/by-upload", "-name", "*.exif.json"});
  REQUIRE(find.status == 0);
  std::map<std::string, std::size_t> by_date;                  // photo id -> links under by-date/
  std::map<std::string, std::set<std::string>> exif_names_in;  // view dir -> link names
  std::size_t links = 0;
  for (const auto& path : lines_of(find.output)) {
    const std::string rel = path.substr(root.size() + 1);
    const std::string dir = rel.substr(0, rel.rfind('/'));
    const std::string name = rel.substr(rel.rfind('/') + 1);
    const std::string id = trailing_id(name);
    INFO(rel);
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    CHECK(S_ISLNK(st.st_mode));
    char target[4096];
    const ssize_t n = ::readlink(path.c_str(), target, sizeof target);
    REQUIRE(n > 0);
    std::string up;
    for (std::size_t d = 0;
         d < static_cast<std::size_t>(std::count(dir.begin(), dir.end(), '/')) + 1; ++d)
      up += "../";
    CHECK(std::string(target, static_cast<std::size_t>(n)) == up + files.at(id));
    CHECK(read_file(path) == read_file(root + "/" + files.at(id)));
    if (rel.starts_with("by-date/")) ++by_date[id];
    exif_names_in[dir].insert(name);
    ++links;
  }
  CHECK(by_date.size() == manifest.photos.size());  // every photo once under by-date/
  for (const auto& [id, count] : by_date)
    CHECK(count == 1);
  CHECK(links > 2 * manifest.photos.size());  // by-date, by-upload and tags
  for (const auto& [dir, names] : exif_names_in) {
    INFO(dir);
    std::set<std::string> hidden_exif;
    for (const auto& line : lines_of(read_file(root + "/" + dir + "/.hidden"))) {
      if (line.ends_with(kExifExt)) hidden_exif.insert(line);
    }
    CHECK(hidden_exif == names);
  }
  // Each photo's EXIF was fetched once, however many links lead to it.
  CHECK(emulator.calls("flickr.photos.getExif") ==
        static_cast<std::int64_t>(manifest.photos.size()));
  CHECK(mount.unmount() == 0);
}
