#pragma once
// Plain Flickr objects, as the rest of flickrfs sees them. api/parse/ fills them from JSON;
// cache/ stores them; fs/ names and serves them. No JSON or curl type ever leaves api/.
//
// Conventions (see ../shared/reference/flickr-api.md):
// - ids are strings (photo ids exceed 2^32, album ids exceed 2^53 in JSON doubles, NSIDs
//   contain '@');
// - a missing field is its zero value: empty string, 0, empty vector, std::nullopt;
// - times are unix seconds (UTC) except date_taken, which Flickr gives as the owner's local
//   "YYYY-MM-DD HH:MM:SS" without a zone and must not be converted.
//
// Thread contract: plain values; thread-compatible.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace flickrfs::api {

enum class Media : std::uint8_t { photo, video };

// One entry of a photo's size ladder: a getSizes row, or a url_<x> extra of a list call.
struct Size {
  std::string label;   // getSizes label: "Square", "Large 2048", "Original", "Site MP4" ...
  std::string suffix;  // URL suffix: "s", "q", "t", "m", "n", "w", "" (Medium 500), "z", "c",
                       // "b", "h", "k", "3k", "4k", "f", "5k", "6k", "o"; empty for video rows
  int width = 0;       // 0 when Flickr gives none (some video rows)
  int height = 0;
  std::string source;  // the URL to download (never built from a secret by us)
  Media media = Media::photo;
};

struct Geo {
  double latitude = 0;
  double longitude = 0;
  int accuracy = 0;
  std::string place_id;
  std::string woeid;
};

struct Comment {
  std::string id;
  std::string author;  // NSID
  std::string authorname;
  std::int64_t date_create = 0;
  std::string permalink;
  std::string text;  // _content, HTML as Flickr stores it
};

struct PhotosetRef {
  std::string id;
  std::string title;
};

// Everything a photo directory and its info.json need, as far as the list calls give it.
// Fields only getInfo/getSizes/comments provide are marked (detail).
struct Photo {
  std::string id;
  std::string owner;  // NSID
  std::string owner_name;
  std::string path_alias;  // from "pathalias"
  std::string secret;      // shared secret of the sizes below 1600 px
  std::string server;
  std::string original_secret;  // empty when the caller may not see the original
  std::string original_format;  // "jpg", "png", "gif"; empty likewise
  std::string title;
  std::string description;
  std::string license;  // Flickr license id as a string ("0".."10")
  Media media = Media::photo;
  std::string media_status;  // "ready", "pending", "failed"

  std::string date_taken;          // "YYYY-MM-DD HH:MM:SS", owner's local time, verbatim
  int date_taken_granularity = 0;  // 0 exact, 4 month, 6 year, 8 circa
  bool date_taken_unknown = false;
  std::int64_t date_upload = 0;  // unix
  std::int64_t last_update = 0;  // unix; bumps on any metadata or comment change
  std::int64_t date_faved = 0;   // unix; favorites.getList only (0 elsewhere)

  std::vector<std::string> tags;          // normalized tags, as in the "tags" extra
  std::vector<std::string> machine_tags;  // "namespace:predicate=value"
  std::optional<Geo> geo;

  bool is_public = true;
  bool is_friend = false;
  bool is_family = false;

  std::int64_t views = 0;
  std::int64_t count_comments = 0;
  std::int64_t count_faves = 0;
  int original_width = 0;  // o_dims
  int original_height = 0;

  std::vector<Size> sizes;   // from url_* extras or getSizes, smallest first
  int rotation = 0;          // (detail) getInfo
  bool can_download = true;  // (detail) getInfo usage.candownload
};

// One page of a "standard photos response" (people.getPhotos, photosets.getPhotos, ...).
struct PhotoPage {
  int page = 0;
  int pages = 0;
  int per_page = 0;
  std::int64_t total = 0;
  std::vector<Photo> photos;
};

struct Photoset {
  std::string id;
  std::string title;
  std::string description;
  std::string primary;  // photo id
  std::int64_t photos = 0;
  std::int64_t videos = 0;
  std::int64_t date_create = 0;
  std::int64_t date_update = 0;
};

struct Collection {
  std::string id;
  std::string title;
  std::string description;
  std::vector<PhotosetRef> sets;
  std::vector<Collection> children;
};

struct User {
  std::string nsid;
  std::string username;
  std::string realname;
  std::string path_alias;
  bool is_pro = false;
  std::int64_t photo_count = 0;
};

// flickr.auth.oauth.checkToken: what the stored token allows.
struct TokenInfo {
  std::string perms;  // "read", "write" or "delete"
  User user;
};

struct ExifTag {
  std::string tagspace;
  std::int64_t tagspaceid = 0;
  std::string tag;
  std::string label;
  std::string raw;
  std::string clean;  // empty when Flickr sends no "clean"
};

// flickr.photos.getExif: the camera Flickr names (empty when it names none) and the tags.
struct Exif {
  std::string photo_id;
  std::string camera;
  std::vector<ExifTag> tags;
};

}  // namespace flickrfs::api
