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

bool ends_with_json(const std::string& name) {
  return name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0;
}

// "<dir>/<stem>.<ext>" -> "<dir>/<stem>.json".
std::string sidecar_of(const std::string& image) {
  return image.substr(0, image.rfind('.')) + ".json";
}

void check_photo(const std::string& dest, const std::string& relative, const ManifestPhoto& photo,
                 std::vector<std::string>& problems) {
  const std::string image = dest + "/" + relative;
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
  std::string text;
  try {
    text = read_file(sidecar_of(image));
  } catch (...) {
    text.clear();
  }
  if (parser.parse(text).get(info) != simdjson::SUCCESS) {
    problems.push_back(photo.id + ": sidecar missing or not JSON");
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
    std::vector<std::string> images, sidecars;
    std::vector<std::string> hidden_expected = {"album.json"};
    bool has_album_json = false;
    for (const auto& item : fsys::directory_iterator(album)) {
      const std::string name = item.path().filename().string();
      if (name == "album.json") {
        has_album_json = fsys::is_regular_file(item.symlink_status());
      } else if (name != ".hidden") {
        (ends_with_json(name) ? sidecars : images).push_back(item.path().string());
        if (ends_with_json(name)) hidden_expected.push_back(name);
      }
    }
    if (!has_album_json) problems.push_back("album " + set.id + ": no album.json");
    std::sort(images.begin(), images.end());
    std::sort(sidecars.begin(), sidecars.end());
    if (images.size() != set.photo_ids.size() || sidecars.size() != set.photo_ids.size()) {
      problems.push_back("album " + set.id + ": " + std::to_string(images.size()) + " image and " +
                         std::to_string(sidecars.size()) + " sidecar links, " +
                         std::to_string(set.photo_ids.size()) + " photos");
      continue;
    }
    for (std::size_t i = 0; i < images.size(); ++i) {
      for (const auto& link : {images[i], sidecars[i]}) {
        const bool is_link = fsys::is_symlink(link);
        const bool resolves = fsys::is_regular_file(link);
        const std::string name = fsys::path(link).filename().string();
        const std::string id = name.substr(name.rfind('_') + 1);
        if (!is_link || !resolves || id.substr(0, id.find('.')) != set.photo_ids[i]) {
          problems.push_back("album " + set.id + ": entry " + std::to_string(i + 1) + " wrong");
        }
      }
    }
    std::vector<std::string> hidden = lines_of(album + "/.hidden");
    std::sort(hidden.begin(), hidden.end());
    std::sort(hidden_expected.begin(), hidden_expected.end());
    if (hidden != hidden_expected) problems.push_back("album " + set.id + ": .hidden is wrong");
  }
}

// The entry of `dir` whose name ends in "_<id>", or "".
std::string entry_ending_in(const std::string& dir, const std::string& id) {
  for (const auto& item : fsys::directory_iterator(dir)) {
    const std::string name = item.path().filename().string();
    if (name.size() > id.size() && name.ends_with("_" + id)) return name;
  }
  return {};
}

// DEST/<rel> holds exactly the child collections (directories) and one album link each
// (`-> ../..(depth)/sets/<album dir>`, resolving to a directory) of `expected`.
void check_collection_level(const std::string& dest, const std::string& rel, std::size_t depth,
                            const std::vector<ManifestCollection>& expected,
                            std::vector<std::string>& problems) {
  std::size_t dirs = 0;
  for (const auto& item : fsys::directory_iterator(dest + "/" + rel))
    dirs += item.is_directory() && !item.is_symlink() ? 1 : 0;
  if (dirs != expected.size()) problems.push_back(rel + ": wrong number of collections");
  for (const auto& collection : expected) {
    const std::string name = entry_ending_in(dest + "/" + rel, collection.id);
    if (name.empty()) {
      problems.push_back(rel + ": collection " + collection.id + " missing");
      continue;
    }
    const std::string path = rel + "/" + name;
    std::string up;
    for (std::size_t d = 0; d <= depth; ++d)
      up += "../";
    std::vector<std::string> linked;
    for (const auto& item : fsys::directory_iterator(dest + "/" + path)) {
      if (!item.is_symlink()) continue;
      const std::string entry = item.path().filename().string();
      if (fsys::read_symlink(item.path()).string() != up + "sets/" + entry ||
          !fsys::is_directory(item.path())) {
        problems.push_back(path + "/" + entry + ": not a link resolving to its album");
      }
      linked.push_back(entry.substr(entry.rfind('_') + 1));
    }
    std::vector<std::string> want = collection.set_ids;
    std::sort(linked.begin(), linked.end());
    std::sort(want.begin(), want.end());
    if (linked != want) problems.push_back(path + ": album links differ from the manifest");
    check_collection_level(dest, path, depth + 1, collection.children, problems);
  }
}

// Every page's .hidden names exactly its sidecars.
void check_hidden_files(const std::string& dest, std::vector<std::string>& problems) {
  if (!fsys::exists(dest + "/photostream")) return;
  for (const auto& page : fsys::directory_iterator(dest + "/photostream")) {
    std::vector<std::string> sidecars;
    for (const auto& item : fsys::directory_iterator(page.path())) {
      const std::string name = item.path().filename().string();
      if (ends_with_json(name)) sidecars.push_back(name);
    }
    std::vector<std::string> hidden = lines_of(page.path().string() + "/.hidden");
    std::sort(hidden.begin(), hidden.end());
    std::sort(sidecars.begin(), sidecars.end());
    if (hidden != sidecars) {
      problems.push_back(page.path().filename().string() + "/.hidden is not its sidecars");
    }
  }
}

// favorites/: each favorite favorites.getList lists, exactly once, as real files (image and
// sidecar, checked like a photostream photo), none its owner made private, and a .hidden
// naming the sidecars.
void check_favorites(const std::string& dest, const Manifest& manifest,
                     std::vector<std::string>& problems) {
  const std::string dir = dest + "/favorites";
  if (!fsys::is_directory(dir)) {
    problems.push_back("favorites: missing");
    return;
  }
  std::map<std::string, std::string> images;  // id -> relative path
  std::vector<std::string> sidecars;
  for (const auto& item : fsys::directory_iterator(dir)) {
    const std::string name = item.path().filename().string();
    if (name == ".hidden") continue;
    if (!fsys::is_regular_file(item.symlink_status())) {
      problems.push_back("favorites/" + name + ": not a regular file");
    }
    if (ends_with_json(name)) {
      sidecars.push_back(name);
      continue;
    }
    const std::string last = name.substr(name.rfind('_') + 1);
    if (!images.emplace(last.substr(0, last.find('.')), "favorites/" + name).second)
      problems.push_back("favorites/" + name + ": a second image of its photo");
  }
  std::size_t listed = 0;
  for (const auto& favorite : manifest.favorites) {
    const auto image = images.find(favorite.id);
    if (!favorite.listed) {
      if (image != images.end()) problems.push_back(image->second + ": an owner-private favorite");
      continue;
    }
    ++listed;
    if (image == images.end()) {
      problems.push_back("favorite " + favorite.id + ": no image file");
      continue;
    }
    check_photo(dest, image->second, favorite, problems);
  }
  if (images.size() != listed || sidecars.size() != listed) {
    problems.push_back("favorites: " + std::to_string(images.size()) + " images and " +
                       std::to_string(sidecars.size()) + " sidecars, " + std::to_string(listed) +
                       " listed");
  }
  std::vector<std::string> hidden = lines_of(dir + "/.hidden");
  std::sort(hidden.begin(), hidden.end());
  std::sort(sidecars.begin(), sidecars.end());
  if (hidden != sidecars) problems.push_back("favorites/.hidden is not its sidecars");
}

}  // namespace

std::vector<std::string> lines_of(const std::string& path) {
  std::vector<std::string> out;
  std::string text;
  try {
    text = read_file(path);
  } catch (...) {
    return out;
  }
  std::size_t begin = 0;
  for (std::size_t end = text.find('\n'); end != std::string::npos;
       begin = end + 1, end = text.find('\n', begin)) {
    out.push_back(text.substr(begin, end - begin));
  }
  return out;
}

std::map<std::string, std::string> photo_images(const std::string& dest) {
  std::map<std::string, std::string> out;
  if (!fsys::exists(dest + "/photostream")) return out;
  for (const auto& page : fsys::directory_iterator(dest + "/photostream")) {
    for (const auto& file : fsys::directory_iterator(page.path())) {
      const std::string name = file.path().filename().string();
      if (name == ".hidden" || ends_with_json(name) ||
          name.find(".flickrfs-tmp-") != std::string::npos) {
        continue;
      }
      const std::string last = name.substr(name.rfind('_') + 1);
      out[last.substr(0, last.find('.'))] = file.path().lexically_relative(dest).string();
    }
  }
  return out;
}

std::vector<std::string> check_against_manifest(const std::string& dest, const Manifest& manifest) {
  std::vector<std::string> problems;
  const auto images = photo_images(dest);
  for (const auto& photo : manifest.photos) {
    const auto image = images.find(photo.id);
    if (image == images.end()) {
      problems.push_back(photo.id + ": no image file");
      continue;
    }
    check_photo(dest, image->second, photo, problems);
  }
  for (const auto& [id, image] : images) {
    if (manifest.photo(id) == nullptr) problems.push_back(image + ": not in the manifest");
  }
  check_albums(dest, manifest, problems);
  if (fsys::is_directory(dest + "/collections")) {
    check_collection_level(dest, "collections", 1, manifest.collections, problems);
  } else {
    problems.push_back("collections: missing");
  }
  check_hidden_files(dest, problems);
  check_favorites(dest, manifest, problems);
  for (const auto& temp : find_temp_files(dest))
    problems.push_back(temp + ": temporary left behind");
  return problems;
}

}  // namespace flickrfs::test
