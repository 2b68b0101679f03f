#pragma once
// simdjson on-demand helpers shared by the parsers in api/parse/. Internal: included only by
// api/parse/*.cpp, so no simdjson type leaves this folder.
//
// - Every scalar is read through text()/integer()/real()/flag(), which accept a JSON string,
//   number, boolean, null or a {"_content": ...} wrapper (flickr-api.md section 1: the same
//   field is "2" in one reply and 2 in another).
// - parse_root() iterates the top-level object once, records stat/code/message and hands
//   every other member to the caller, then turns stat:fail into flickr_error().
// - simdjson reports errors as exceptions here (simdjson_error); parse_root() catches them,
//   so no exception ever leaves a public parser: they become Errc::bad_response.
//
// Thread contract: thread-safe; each thread has its own simdjson parser.

#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace flickrfs::api::parse::detail {

namespace od = simdjson::ondemand;

[[nodiscard]] std::string text(od::value value);
[[nodiscard]] std::int64_t integer(od::value value);
[[nodiscard]] double real(od::value value);
[[nodiscard]] bool flag(od::value value);  // "1", 1, true -> true

// Integer from text: leading sign and digits; "" or garbage -> 0; "12.7" -> 12.
[[nodiscard]] std::int64_t to_integer(std::string_view text);

// Calls `on_item` for each element of an array; a single object is one element (Flickr's
// XML-to-JSON mapping does that for one-item lists in some methods); anything else, none.
void for_each_item(od::value value, const std::function<void(od::value)>& on_item);

using MemberHandler = std::function<void(std::string_view key, od::value value)>;

// Parses `body` (JSONP wrapper and trailing commas tolerated; ill-formed UTF-8 bytes read as
// U+FFFD instead of failing the whole reply), calls `on_member` for every
// top-level member other than stat/code/message, and checks stat.
[[nodiscard]] Result<void> parse_root(std::string_view body, std::string_view method,
                                      const MemberHandler& on_member);

// Calls `on_member` for each member of an object value (nothing for other types).
void for_each_member(od::value value, const MemberHandler& on_member);

}  // namespace flickrfs::api::parse::detail
