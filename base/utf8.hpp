#pragma once
// UTF-8 well-formedness (RFC 3629), for every layer that turns Flickr's text into names,
// JSON or parsed fields: no overlong forms, no surrogates, nothing above U+10FFFF, no
// truncated sequence or stray continuation byte. Ill-formed bytes are replaced one by one
// with U+FFFD, as browsers and Python's errors="replace" show them.
//
// Thread contract: pure functions, thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

namespace flickrfs::utf8 {

inline constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length (1 to 4) of the well-formed sequence at text[i], with its code point in
// `code_point`; 0 when the sequence is ill-formed (then `code_point` is unspecified).
// Requires i < text.size().
[[nodiscard]] std::size_t decode_at(std::string_view text, std::size_t i, char32_t& code_point);
[[nodiscard]] std::size_t sequence_length(std::string_view text, std::size_t i);

// `text` with each ill-formed byte replaced by U+FFFD.
[[nodiscard]] std::string repair(std::string_view text);

}  // namespace flickrfs::utf8
