#pragma once
// The emulator's /_emulator/manifest (tests/emulator/README.md) as plain structs, the one C++
// reader of it shared by the mount and mirror tests, and the rule for which size a photo's
// main file must serve. Written from the manifest and DESIGN section 3, not from fs/model,
// so a bug shared by the filesystem and the model still shows.
//
// Thread contract: plain values and free functions; fetch_manifest() calls the emulator.

#include <cstdint>
#include <string>
#include <vector>

namespace flickrfs::test {

class EmulatorProcess;

struct ManifestSize {
  std::string label;
  std::string media;
  int width = 0;
  int height = 0;
  std::string url;
  std::uint64_t bytes = 0;
  std::string sha256;
};

// What flickr.photos.getExif answers for a photo (`clean` empty: none sent).
struct ManifestExifTag {
  std::string tagspace;
  std::int64_t tagspaceid = 0;
  std::string tag;
  std::string label;
  std::string raw;
  std::string clean;
};

struct ManifestPhoto {
  std::string id;
  std::string title;
  std::string media;
  std::string date_taken;
  int date_taken_granularity = 0;
  bool date_taken_unknown = false;
  std::int64_t date_upload = 0;
  std::int64_t last_update = 0;
  std::vector<std::string> tags;          // as the world holds them (not the "tags" extra)
  std::vector<std::string> machine_tags;  // "namespace:predicate=value"
  bool original_allowed = false;
  bool is_public = true;
  std::int64_t count_comments = 0;
  std::vector<std::string> sets;
  std::vector<ManifestSize> sizes;
  bool exif_hidden = false;  // getExif answers code 2
  std::string exif_camera;
  std::vector<ManifestExifTag> exif;
  // Favorites only (Manifest::favorites): another member's photo the account faved.
  std::string owner;
  std::int64_t date_faved = 0;
  bool listed = true;  // false: its owner made it private, favorites.getList leaves it out
};

struct ManifestSet {
  std::string id;
  std::string title;
  std::vector<std::string> photo_ids;
};

struct ManifestCollection {
  std::string id;
  std::string title;
  std::vector<std::string> set_ids;  // collection order
  std::vector<ManifestCollection> children;
};

struct Manifest {
  std::vector<ManifestPhoto> photos;  // oldest upload first
  std::vector<ManifestSet> sets;
  std::vector<ManifestCollection> collections;  // collections.getTree's tree
  std::vector<ManifestPhoto> favorites;         // newest faved first, unlisted ones included
  // The photo with `id`, or nullptr.
  [[nodiscard]] const ManifestPhoto* photo(const std::string& id) const;
};

// One manifest page (the JSON body); sets are only present in the page with offset=0.
// Throws simdjson_error on a malformed body.
Manifest parse_manifest(const std::string& json);

// The whole manifest, fetched in pages of 100 (large worlds hash every size per page).
Manifest fetch_manifest(const EmulatorProcess& emulator);

// The manifest sizes a photo's main file may serve: the original when allowed, else the
// largest photo size; for videos the rows with media "video" (any of them).
std::vector<const ManifestSize*> expected_sizes(const ManifestPhoto& photo);

std::string sha256_hex(const std::string& bytes);

}  // namespace flickrfs::test
