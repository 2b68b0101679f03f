// See manifest.hpp.
#include "tests/support/manifest.hpp"

#include <openssl/evp.h>
#include <simdjson.h>

#include "tests/support/emulator_process.hpp"

namespace flickrfs::test {

const ManifestPhoto* Manifest::photo(const std::string& id) const {
  for (const auto& p : photos) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

namespace {

ManifestSize parse_size(simdjson::dom::element s) {
  ManifestSize size;
  size.label = std::string(std::string_view(s["label"]));
  size.media = std::string(std::string_view(s["media"]));
  size.width = static_cast<int>(int64_t(s["width"]));
  size.height = static_cast<int>(int64_t(s["height"]));
  size.url = std::string(std::string_view(s["url"]));
  size.bytes = uint64_t(s["bytes"]);
  size.sha256 = std::string(std::string_view(s["sha256"]));
  return size;
}

ManifestPhoto parse_photo(simdjson::dom::element p) {
  ManifestPhoto photo;
  photo.id = std::string(std::string_view(p["id"]));
  photo.title = std::string(std::string_view(p["title"]));
  photo.media = std::string(std::string_view(p["media"]));
  photo.date_taken = std::string(std::string_view(p["date_taken"]));
  photo.last_update = int64_t(p["last_update"]);
  photo.date_upload = int64_t(p["date_upload"]);
  photo.date_taken_granularity = static_cast<int>(int64_t(p["date_taken_granularity"]));
  photo.date_taken_unknown = bool(p["date_taken_unknown"]);
  for (simdjson::dom::element t : p["tags"].get_array())
    photo.tags.emplace_back(std::string_view(t));
  for (simdjson::dom::element t : p["machine_tags"].get_array())
    photo.machine_tags.emplace_back(std::string_view(t));
  photo.original_allowed = bool(p["original_allowed"]);
  photo.is_public = int64_t(p["is_public"]) != 0;
  photo.count_comments = int64_t(p["count_comments"]);
  for (simdjson::dom::element s : p["sets"].get_array())
    photo.sets.emplace_back(std::string_view(s));
  for (simdjson::dom::element s : p["sizes"].get_array())
    photo.sizes.push_back(parse_size(s));
  const simdjson::dom::element exif = p["exif"];
  photo.exif_hidden = bool(exif["hidden"]);
  photo.exif_camera = std::string(std::string_view(exif["camera"]));
  for (simdjson::dom::element t : exif["tags"].get_array()) {
    photo.exif.push_back(
        {std::string(std::string_view(t["tagspace"])), int64_t(t["tagspaceid"]),
         std::string(std::string_view(t["tag"])), std::string(std::string_view(t["label"])),
         std::string(std::string_view(t["raw"])), std::string(std::string_view(t["clean"]))});
  }
  return photo;
}

ManifestCollection parse_collection(simdjson::dom::element c) {
  ManifestCollection collection;
  collection.id = std::string(std::string_view(c["id"]));
  collection.title = std::string(std::string_view(c["title"]));
  for (simdjson::dom::element id : c["sets"].get_array())
    collection.set_ids.emplace_back(std::string_view(id));
  for (simdjson::dom::element child : c["collections"].get_array())
    collection.children.push_back(parse_collection(child));
  return collection;
}

}  // namespace

Manifest parse_manifest(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(json);
  Manifest manifest;
  simdjson::dom::array photos;
  if (doc["photos"].get(photos) != simdjson::SUCCESS) return manifest;
  for (simdjson::dom::element p : photos)
    manifest.photos.push_back(parse_photo(p));
  simdjson::dom::array sets;
  if (doc["sets"].get(sets) != simdjson::SUCCESS) return manifest;  // only with offset=0
  for (simdjson::dom::element s : sets) {
    ManifestSet set;
    set.id = std::string(std::string_view(s["id"]));
    set.title = std::string(std::string_view(s["title"]));
    for (simdjson::dom::element id : s["photo_ids"].get_array())
      set.photo_ids.emplace_back(std::string_view(id));
    manifest.sets.push_back(std::move(set));
  }
  simdjson::dom::array collections;
  if (doc["collections"].get(collections) != simdjson::SUCCESS) return manifest;
  for (simdjson::dom::element c : collections)
    manifest.collections.push_back(parse_collection(c));
  simdjson::dom::array favorites;
  if (doc["favorites"].get(favorites) != simdjson::SUCCESS) return manifest;
  for (simdjson::dom::element f : favorites) {
    ManifestPhoto photo = parse_photo(f);
    photo.owner = std::string(std::string_view(f["owner"]));
    photo.date_faved = int64_t(f["date_faved"]);
    photo.listed = bool(f["listed"]);
    manifest.favorites.push_back(std::move(photo));
  }
  return manifest;
}

Manifest fetch_manifest(const EmulatorProcess& emulator) {
  Manifest all;
  // Small pages: the emulator hashes every size of a page while the client waits (5 s).
  constexpr std::size_t kPage = 100;
  for (std::size_t offset = 0;; offset += kPage) {
    Manifest page =
        parse_manifest(emulator.get("/_emulator/manifest?offset=" + std::to_string(offset) +
                                    "&limit=" + std::to_string(kPage)));
    if (offset == 0) {
      all.sets = std::move(page.sets);
      all.collections = std::move(page.collections);
      all.favorites = std::move(page.favorites);
    }
    if (page.photos.empty()) break;
    const bool last = page.photos.size() < kPage;
    for (auto& photo : page.photos)
      all.photos.push_back(std::move(photo));
    if (last) break;
  }
  return all;
}

std::vector<const ManifestSize*> expected_sizes(const ManifestPhoto& photo) {
  std::vector<const ManifestSize*> out;
  for (const auto& size : photo.sizes) {
    if (size.media == "video") out.push_back(&size);
  }
  if (photo.media == "video" && !out.empty()) return out;
  out.clear();
  const ManifestSize* best = nullptr;
  for (const auto& size : photo.sizes) {
    if (size.media != "photo") continue;
    if (size.label == "Original" && photo.original_allowed) return {&size};
    if (best == nullptr || static_cast<long>(size.width) * size.height >=
                               static_cast<long>(best->width) * best->height) {
      best = &size;
    }
  }
  if (best != nullptr) out.push_back(best);
  return out;
}

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4U];
    out += kHex[digest[i] & 0xFU];
  }
  return out;
}

}  // namespace flickrfs::test
