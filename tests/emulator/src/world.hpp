#pragma once
// The emulated Flickr account: a deterministic world derived from (seed, index) so that a
// million photos cost almost nothing until asked for, plus an overlay of mutations
// (/_emulator/mutate). Photo i's every attribute is a pure function of hash(seed, i) and its
// overlay entry; albums are built once at startup as index vectors.
//
// Thread contract: all public methods are thread-safe. Readers take a shared lock,
// mutations an exclusive one; returned values are copies.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace flickrfs::emulator {

inline constexpr const char* kUserNsid = "12345678@N00";
inline constexpr const char* kUsername = "demo";
inline constexpr const char* kRealname = "Demo User";
inline constexpr const char* kPathAlias = "demo";

struct Comment {
  std::string id;
  std::string author;
  std::string authorname;
  std::int64_t date_create = 0;
  std::string text;
};

struct Geo {
  std::string latitude;  // formatted decimals, as Flickr prints them
  std::string longitude;
  int accuracy = 16;
  std::string place_id;
  std::string woeid;
  std::string locality;
  std::string country;
};

// One row of flickr.photos.getExif (flickr-api.md section 5): raw always, clean only for
// the tags Flickr prettifies.
struct ExifEntry {
  std::string tagspace;
  int tagspaceid = 0;
  std::string tag;
  std::string label;
  std::string raw;
  std::string clean;  // empty: no "clean" in the reply
};

struct ExifData {
  std::string camera;  // "" when Flickr cannot name one (no Make/Model, videos)
  std::vector<ExifEntry> tags;
};

struct Photo;
// A photo's EXIF (world_exif.cpp): a pure function of the photo, as getExif serves it and
// the manifest lists it. Photo::exif_hidden says whether getExif refuses it (code 2).
[[nodiscard]] ExifData exif_of(const Photo& p);

struct Photo {
  std::uint32_t index = 0;
  std::string id;
  std::string secret;
  std::string server;
  int farm = 66;
  std::string title;
  std::string description;
  bool is_public = true;
  bool is_friend = false;
  bool is_family = false;
  bool original_allowed = true;
  std::string original_secret;
  std::string original_format;  // jpg, png, gif
  std::string secret_h;
  std::string secret_k;
  int o_width = 0;
  int o_height = 0;
  bool is_video = false;
  int video_duration = 0;
  std::int64_t date_upload = 0;
  std::int64_t date_taken = 0;  // rendered as local "YYYY-MM-DD HH:MM:SS", no conversion
  int taken_granularity = 0;
  bool taken_unknown = false;
  std::int64_t last_update = 0;
  int license = 0;
  int views = 0;
  int faves = 0;
  int safety_level = 0;
  bool exif_hidden = false;
  int target_bytes = 0;  // approximate size of the original file
  std::vector<std::string> tags;
  std::vector<std::string> machine_tags;
  std::optional<Geo> geo;
  std::vector<Comment> comments;
  int generation = 0;  // bumped by "replace": new secrets, new bytes
  // Another member's photo the account faved (World::favorites); empty owner: the account's.
  std::string owner;
  std::string owner_name;
  std::string owner_alias;
  std::int64_t date_faved = 0;
  bool owner_private = false;  // its owner made it private: favorites.getList leaves it out
};

struct Album {
  std::string id;
  std::string title;
  std::string description;
  std::int64_t date_create = 0;
  std::int64_t date_update = 0;
  int views = 0;
  std::vector<std::uint32_t> members;  // album order
};

// A collection (collections.getTree): albums and nested collections, derived from the
// album list (world_albums.cpp), so album mutations show in it.
struct CollectionDef {
  std::string id;  // "12345678-72157600000000001": Flickr's "<num>-<id>" form
  std::string title;
  std::string description;
  std::vector<std::string> set_ids;  // collection order
  std::vector<CollectionDef> children;
};

struct WorldConfig {
  std::uint64_t seed = 1;
  std::uint32_t photos = 2000;
  std::uint32_t sets = 20;
  int image_kb = 300;
  std::uint32_t favorites = 12;  // other members' photos the account faved
};

// Favorite k is photo index kFavoriteBase + k: its own id range, never one of the account's.
inline constexpr std::uint32_t kFavoriteBase = 0x40000000;

class World {
 public:
  explicit World(WorldConfig config);

  [[nodiscard]] const WorldConfig& config() const { return m_config; }

  // Photo by id (nullopt when unknown or deleted).
  [[nodiscard]] std::optional<Photo> find(const std::string& photo_id) const;
  [[nodiscard]] Photo photo(std::uint32_t index) const;  // index must exist
  // Just the two dates listings sort and filter on (cheap: no text, no sizes).
  [[nodiscard]] std::int64_t date_upload(std::uint32_t index) const;
  [[nodiscard]] std::int64_t last_update(std::uint32_t index) const;
  // Live photo indices in upload order (oldest first); public_only filters private ones.
  // A snapshot: later mutations build a new vector, so the caller may keep it.
  using IndexList = std::shared_ptr<const std::vector<std::uint32_t>>;
  [[nodiscard]] IndexList live(bool public_only) const;
  // The account's favorites, newest faved first (favorites.getList's order), including the
  // ones whose owner has since made them private (Photo::owner_private). Never mutated.
  [[nodiscard]] std::vector<Photo> favorites() const;
  // An account photo (find) or a favorite: whatever live.staticflickr.com serves bytes for.
  [[nodiscard]] std::optional<Photo> find_image(const std::string& photo_id) const;

  [[nodiscard]] std::vector<Album> albums() const;  // members exclude deleted photos
  [[nodiscard]] std::optional<Album> album(const std::string& set_id) const;
  [[nodiscard]] std::vector<std::string> albums_of(std::uint32_t index) const;
  // Three levels deep, each holding albums or collections (never both, as on Flickr), an
  // album in two collections, a hostile and a duplicate title, an empty collection; albums 0
  // and 7+ in none. Empty when the world has no albums.
  [[nodiscard]] std::vector<CollectionDef> collections() const;

  // Mutations; each returns the affected ids (empty + *error when refused).
  // `title` / `description` may hold bytes that are not UTF-8 (mutate's *_b64 fields).
  std::vector<std::string> add_photos(int count, const std::string& title,
                                      const std::optional<std::string>& description = {});
  // A photo uploaded through /services/upload/: the newest, with the given title, privacy and
  // original format (its bytes live in the ImageStore). Returns its id.
  std::string add_upload(const std::string& title, bool is_public, const std::string& format);
  bool delete_photo(const std::string& id, std::string* error);
  bool retitle(const std::string& id, const std::string& title,
               const std::optional<std::string>& description, std::string* error);
  bool replace(const std::string& id, std::string* error);
  std::string add_comment(const std::string& id, const std::string& text, std::string* error);
  bool set_add(const std::string& set_id, const std::string& id, std::string* error);
  bool set_remove(const std::string& set_id, const std::string& id, std::string* error);
  // A new album of `ids` (the first is its primary). `first`: put it first in the album list,
  // as flickr.photosets.create does; the mutate endpoint appends.
  std::string set_create(const std::string& title, const std::vector<std::string>& ids,
                         std::string* error, bool first = false);

 private:
  struct Override {
    std::optional<std::string> title;
    std::optional<std::string> description;
    std::optional<std::int64_t> last_update;
    std::optional<std::int64_t> date_upload;
    int generation = 0;
    bool deleted = false;
    std::optional<bool> is_public;      // uploads choose their privacy
    std::optional<std::string> format;  // uploads: original format of the uploaded file
    std::vector<Comment> extra_comments;
  };

  [[nodiscard]] std::optional<std::uint32_t> index_of(const std::string& id) const;
  [[nodiscard]] Photo derive(std::uint32_t index) const;  // no overlay
  [[nodiscard]] std::pair<std::int64_t, std::int64_t> dates_of(std::uint32_t index) const;
  // The album slot and photo index a set_add/set_remove names (nullopt + *error if unknown).
  [[nodiscard]] std::optional<std::pair<std::size_t, std::uint32_t>> album_and_photo_locked(
      const std::string& set_id, const std::string& id, std::string* error) const;
  [[nodiscard]] bool live_locked(std::uint32_t index) const;
  [[nodiscard]] bool public_locked(std::uint32_t index) const;
  void rebuild_live_locked();
  std::int64_t touch_locked(std::uint32_t index);  // bumps last_update, returns it
  [[nodiscard]] std::optional<std::uint32_t> live_index_locked(const std::string& id,
                                                               std::string* error) const;
  void build_albums();
  void resort_album_locked(std::size_t album);
  [[nodiscard]] std::optional<std::size_t> album_slot_locked(const std::string& set_id) const;

  WorldConfig m_config;
  mutable std::shared_mutex m_mutex;
  std::uint32_t m_count = 0;  // base photos + added photos
  std::unordered_map<std::uint32_t, Override> m_overrides;
  IndexList m_live;
  IndexList m_live_public;
  std::vector<Album> m_albums;
  std::vector<std::vector<std::uint32_t>> m_album_sorted;  // members by index, for lookups
  std::int64_t m_clock = 0;  // last mutation time: strictly increasing
};

// Base of every derived timestamp: uploads spread from 2012 up to kWorldEnd.
inline constexpr std::int64_t kWorldStart = 1325376000;  // 2012-01-01
inline constexpr std::int64_t kWorldEnd = 1746057600;    // 2025-05-01

std::string photo_id_for(std::uint32_t index);
bool derive_is_public(std::uint64_t seed, std::uint32_t index);

// Titles and text (world_text.cpp).
std::string derive_title(std::uint64_t seed, std::uint32_t index);
std::string derive_description(std::uint64_t seed, std::uint32_t index);
std::vector<std::string> derive_tags(std::uint64_t seed, std::uint32_t index);
std::vector<std::string> derive_machine_tags(std::uint64_t seed, std::uint32_t index);
std::vector<Comment> derive_comments(std::uint64_t seed, const Photo& photo);
std::string derive_album_title(std::uint64_t seed, std::uint32_t album);
std::optional<Geo> derive_geo(std::uint64_t seed, std::uint32_t index);

}  // namespace flickrfs::emulator
