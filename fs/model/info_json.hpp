#pragma once
// info.json of a photo directory (DESIGN section 3): deterministic, pretty, UTF-8 JSON.
// The same inputs always give the same bytes, so the mount can report its exact size before
// anyone reads it and the mirror writes the same file the mount shows.
//
// Fields, in this order: id, title, description, tags, machine_tags,
// dates {taken (Flickr's local "YYYY-MM-DD HH:MM:SS", verbatim), taken_granularity,
// taken_unknown, posted, last_update (ISO-8601 UTC)}, owner {nsid, username, path_alias},
// license, visibility {public, friend, family}, geo (object or null), media,
// image {label, width, height, bytes (null while unknown), url, source}, sets [{id, title}],
// views, count_comments, count_faves, photopage, short_url, comments [{id, author,
// authorname, date (ISO-8601 UTC), text}].
//
// Thread contract: pure functions; safe from any thread.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "api/types.hpp"
#include "fs/model/media_choice.hpp"

namespace flickrfs::model {

struct InfoJsonInput {
  const api::Photo& photo;
  std::span<const api::PhotosetRef> sets;    // albums holding the photo, album-list order
  std::span<const api::Comment> comments;    // oldest first, as Flickr lists them
  const std::optional<FileChoice>& image;    // the best file (choose_best), if any
  std::optional<std::uint64_t> image_bytes;  // its exact byte size, when known
};

[[nodiscard]] std::string render_info_json(const InfoJsonInput& input);

// "https://flic.kr/p/<base58 id>" (Flickr's short URL alphabet); empty for a non-numeric id.
[[nodiscard]] std::string short_url(std::string_view photo_id);

// "https://www.flickr.com/photos/<path_alias or owner nsid>/<id>/".
[[nodiscard]] std::string photo_page_url(const api::Photo& photo);

}  // namespace flickrfs::model
