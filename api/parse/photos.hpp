#pragma once
// Parsers for the "standard photos response" family (people.getPhotos,
// people.getPublicPhotos, photosets.getPhotos, photos.recentlyUpdated, photos.search) and for
// the photo objects inside it, with every extra of FlickrClient's extras list
// (flickr-api.md sections 5-7):
// - every scalar through the string-or-number accessor ("total":"2" and "total":15 alike);
// - description as {"_content": ...} or a plain string;
// - the container is "photos" or "photoset"; a missing "photo" array is an empty page;
// - url_<x>/width_<x>/height_<x> become Size rows with the right file suffix (url_s -> _m,
//   url_m -> none, url_l -> _b), smallest first; rows without a URL are skipped;
// - "pathalias" (no underscore), "lastupdate", "datetakenunknown", geo only when
//   latitude/longitude are present and not both 0.
//
// Thread contract: free functions; thread-safe (each call has its own simdjson parser).

#include <span>
#include <string_view>

#include "api/types.hpp"
#include "base/result.hpp"

namespace flickrfs::api::parse {

// One url_<x> extra: its name suffix in the response ("sq", "l"...), the file suffix in the
// image URL ("s", "b"...), the matching getSizes label, and the nominal longest edge.
struct SizeExtra {
  std::string_view extra;        // response key is "url_" + extra
  std::string_view file_suffix;  // "" for Medium (500)
  std::string_view label;
  int longest_edge;
};

// All known url_<x> extras, smallest first.
[[nodiscard]] std::span<const SizeExtra> size_extras();

// The getSizes label for a file suffix ("b" -> "Large"), or "" when unknown.
[[nodiscard]] std::string_view label_for_suffix(std::string_view file_suffix);
// The file suffix for a getSizes label ("Large" -> "b"), or "" (also for "Medium").
[[nodiscard]] std::string_view suffix_for_label(std::string_view label);

// A whole page. `method` names the call for error messages and the stat:fail mapping.
[[nodiscard]] Result<PhotoPage> photo_page(std::string_view body, std::string_view method);

}  // namespace flickrfs::api::parse
