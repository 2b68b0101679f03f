#pragma once
// File names of the tree (DESIGN section 3), as pure functions.
//
// Every name produced here is valid UTF-8, at most 255 bytes, and contains no '/', NUL,
// control character (C0, DEL, C1) or bidirectional override; uniqueness comes from the id
// that every photo and album name carries. Hostile titles (300+ bytes, "..", emoji, RTL,
// invalid UTF-8, control characters) must not break any of this: tests/unit/naming_test.cpp
// and tests/fuzz/fuzz_naming.cpp check it.
//
// Thread contract: pure functions; safe from any thread.

#include <cstddef>
#include <string>
#include <string_view>

namespace flickrfs::model {

inline constexpr std::size_t kMaxNameBytes = 255;
// Room kept after a photo stem for the longest ".<label>.<ext>" the tree appends
// (".large2048.jpeg" is 15 bytes; --sizes labels are at most 16 bytes plus the dot).
inline constexpr std::size_t kStemSuffixReserve = 24;

// Makes `title` safe as (part of) one path component:
// - invalid UTF-8 bytes become U+FFFD;
// - '/' becomes U+FF0F FULLWIDTH SOLIDUS (as rclone encodes it), so "AC/DC" stays readable;
// - NUL, C0/C1 controls and DEL become a space; bidi controls (U+202A-U+202E,
//   U+2066-U+2069, U+200E, U+200F) are dropped so a title cannot reverse the visible order;
// - runs of white space collapse to one space; leading and trailing spaces are trimmed;
// - the result is cut at a character boundary to at most `max_bytes` bytes.
[[nodiscard]] std::string sanitize_title(std::string_view title, std::size_t max_bytes);

// "YYYY-MM-DD" from Flickr's "YYYY-MM-DD HH:MM:SS"; "0000-00-00" when the value is missing
// or malformed.
[[nodiscard]] std::string date_prefix(std::string_view date_taken);

// "<YYYY-MM-DD>_<title>_<photo id>", or "<YYYY-MM-DD>_<photo id>" when the sanitized title is
// empty. Leaves kStemSuffixReserve bytes for extensions.
[[nodiscard]] std::string photo_stem(std::string_view date_taken, std::string_view title,
                                     std::string_view photo_id);

// "<title>_<album id>", or "<album id>" for an empty title.
[[nodiscard]] std::string album_dir_name(std::string_view title, std::string_view album_id);

// "page-0001": 1-based, at least four digits.
[[nodiscard]] std::string page_dir_name(std::size_t page_number);

// "0001_<stem>": position of a photo inside an album, 1-based, at least four digits and as
// many as `album_size` needs so names sort in album order. The stem is shortened if needed.
[[nodiscard]] std::string album_entry_name(std::size_t position, std::size_t album_size,
                                           std::string_view stem);

// A file extension from Flickr's originalformat or a URL ("jpg", "png", "gif", "mp4");
// anything that is not 1-5 ASCII letters/digits falls back to `fallback`. Lower-cased.
[[nodiscard]] std::string safe_extension(std::string_view ext, std::string_view fallback);

// True when `name` meets the rules above (used by tests and by the fuzzer as the oracle).
[[nodiscard]] bool is_valid_name(std::string_view name);

}  // namespace flickrfs::model
