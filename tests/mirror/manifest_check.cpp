#include "tests/mirror/manifest_check.hpp"

#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "tests/mirror/test_helpers.hpp"

namespace flickrfs::test {

namespace fsys = std::filesystem;

namespace {

std::string str(simdjson::dom::element e, const char* key) {
  std::string_view v;
  return e[key].get(v) == simdjson::SUCCESS ? std::string(v) : std::string();
}

// The sizes DESIGN section 3 allows a photo directory to serve: the original when the owner
// allows its download; otherwise the largest other size (or the original, which the owner's
// own token may still list).
bool is_acceptable_best(const ManifestPhoto& photo, const std::string& sha) {
  const ManifestSize* original = nullptr;
  const ManifestSize* largest = nullptr;
  for (const auto& size : photo.sizes) {
    if (size.media != "photo") continue;
    if (size.label == "Original") {
      original = &size;
    } else if (largest == nullptr || size.width > largest->width) {
      largest = &size;
    }
  }
  if (photo.original_allowed && original != nullptr) return sha == original->sha256;
  return (largest != nullptr && sha == largest->sha256) ||
         (original != nullptr && sha == original->sha256);
}

std::string image_in(const std::string& dir) {
  for (const auto& item : fsys::directory_iterator(dir)) {
    const std::string name = item.path().filename().string();
    if (name != "info.json") return item.path().string();
  }
  return {};
}

void check_photo(const std::string& dest, const std::string& dir, const ManifestPhoto& photo,
                 std::vector<std::string>& problems) {
  const std::string image = image_in(dest + "/" + dir);
  const std::string bytes = image.empty() ? std::string() : read_file(image);
  if (image.empty()) {
    problems.push_back(photo.id + ": no image file");
  } else if (photo.media == "photo") {
    if (!is_acceptable_best(photo, sha256_hex(bytes))) {
      problems.push_back(photo.id + ": image bytes are not the best size's");
    }
  } else {
    const bool known = std::any_of(photo.sizes.begin(), photo.sizes.end(),
                                   [&](const auto& s) { return s.sha256 == sha256_hex(bytes); });
    if (!known) problems.push_back(photo.id + ": video file matches no size");
  }
  simdjson::dom::parser parser;
  simdjson::dom::element info;
  const std::string text = read_file(dest + "/" + dir + "/info.json");
  if (parser.parse(text).get(info) != simdjson::SUCCESS) {
    problems.push_back(photo.id + ": info.json missing or not JSON");
    return;
  }
  std::uint64_t image_bytes = 0;
  if (str(info, "id") != photo.id) problems.push_back(photo.id + ": info.json id");
  if (str(info, "title") != photo.title) problems.push_back(photo.id + ": info.json title");
  if (info["image"]["bytes"].get(image_bytes) != simdjson::SUCCESS || image_bytes != bytes.size()) {
    problems.push_back(photo.id + ": info.json image.bytes is not the file size");
  }
  std::vector<std::string> sets;
  simdjson::dom::array list;
  if (info["sets"].get(list) == simdjson::SUCCESS) {
    for (auto item : list)
      sets.push_back(str(item, "id"));
  }
  auto expected_sets = photo.sets;
  std::sort(sets.begin(), sets.end());
  std::sort(expected_sets.begin(), expected_sets.end());
  if (sets != expected_sets) problems.push_back(photo.id + ": info.json sets");
}

void check_albums(const std::string& dest, const Manifest& manifest,
                  std::vector<std::string>& problems) {
  std::size_t album_dirs = 0;
  if (fsys::exists(dest + "/sets")) {
    for (const auto& item : fsys::directory_iterator(dest + "/sets")) {
      (void)item;
      ++album_dirs;
    }
  }
  if (album_dirs != manifest.sets.size()) problems.push_back("sets: wrong number of albums");
  for (const auto& set : manifest.sets) {
    std::string album;
    for (const auto& item : fsys::directory_iterator(dest + "/sets")) {
      const std::string name = item.path().filename().string();
      if (name.size() > set.id.size() && name.ends_with("_" + set.id)) album = item.path().string();
      if (name == set.id) album = item.path().string();
    }
    if (album.empty()) {
      problems.push_back("album " + set.id + " missing");
      continue;
    }
    std::vector<std::string> links;
    for (const auto& item : fsys::directory_iterator(album))
      links.push_back(item.path().string());
    std::sort(links.begin(), links.end());
    if (links.size() != set.photo_ids.size()) {
      problems.push_back("album " + set.id + ": " + std::to_string(links.size()) + " links, " +
                         std::to_string(set.photo_ids.size()) + " photos");
      continue;
    }
    for (std::size_t i = 0; i < links.size(); ++i) {
      const bool is_link = fsys::is_symlink(links[i]);
      const bool resolves = fsys::is_directory(links[i]);
      if (!is_link || !resolves || !links[i].ends_with("_" + set.photo_ids[i])) {
        problems.push_back("album " + set.id + ": entry " + std::to_string(i + 1) + " wrong");
      }
    }
  }
}

}  // namespace

std::map<std::string, std::string> photo_dirs(const std::string& dest) {
  std::map<std::string, std::string> out;
  if (!fsys::exists(dest + "/photostream")) return out;
  for (const auto& page : fsys::directory_iterator(dest + "/photostream")) {
    for (const auto& dir : fsys::directory_iterator(page.path())) {
      const std::string name = dir.path().filename().string();
      const std::string id = name.substr(name.rfind('_') + 1);
      out[id] = dir.path().lexically_relative(dest).string();
    }
  }
  return out;
}

std::vector<std::string> check_against_manifest(const std::string& dest, const Manifest& manifest) {
  std::vector<std::string> problems;
  const auto dirs = photo_dirs(dest);
  for (const auto& photo : manifest.photos) {
    const auto dir = dirs.find(photo.id);
    if (dir == dirs.end()) {
      problems.push_back(photo.id + ": no photo directory");
      continue;
    }
    check_photo(dest, dir->second, photo, problems);
  }
  for (const auto& [id, dir] : dirs) {
    if (manifest.photo(id) == nullptr) problems.push_back(dir + ": not in the manifest");
  }
  check_albums(dest, manifest, problems);
  for (const auto& temp : find_temp_files(dest))
    problems.push_back(temp + ": temporary left behind");
  return problems;
}

}  // namespace flickrfs::test
