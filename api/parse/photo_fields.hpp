#pragma once
// Photo members shared by the list parser (photos.cpp) and the getInfo parser
// (photo_detail.cpp). Internal to api/parse/.
//
// Thread contract: free functions; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "api/parse/json_util.hpp"
#include "api/types.hpp"

namespace flickrfs::api::parse::detail {

// One photo object of a list reply, with every extra (url_*, geo, tags ...).
[[nodiscard]] Photo list_photo(od::value value);

// Stores a flat photo member (id, secret, title, dateupload, ispublic, media, tags ...) that
// has the same name in list and getInfo replies. False when `key` is not one of them.
bool take_photo_member(Photo& photo, std::string_view key, od::value value);

// "a b  c" -> {"a", "b", "c"}.
[[nodiscard]] std::vector<std::string> split_words(std::string_view text);

}  // namespace flickrfs::api::parse::detail
