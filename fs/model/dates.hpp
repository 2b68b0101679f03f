#pragma once
// Flickr dates as file times and as ISO-8601 text.
//
// date_taken is the owner's local wall-clock time without a zone (flickr-api.md section 10);
// as a file time it is read as if it were UTC, so the same photo has the same mtime on every
// machine and in every time zone (rsync -a quick checks stay valid between machines).
//
// Thread contract: pure functions; safe from any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flickrfs::model {

// "YYYY-MM-DD HH:MM:SS" (or just "YYYY-MM-DD") as unix seconds, read as UTC; empty when the
// text is malformed.
[[nodiscard]] std::optional<std::int64_t> parse_date_taken(std::string_view text);

// Unix seconds as "2019-07-14T18:03:00Z".
[[nodiscard]] std::string iso8601_utc(std::int64_t unix_seconds);

}  // namespace flickrfs::model
