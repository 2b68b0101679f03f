#pragma once
// Small pure helpers shared by the emulator: deterministic hashing, percent and form
// encoding, base64, hex digests, date formatting, query-string parsing.
//
// Thread contract: every function here is pure (no shared state) and thread-safe.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flickrfs::emulator {

// splitmix64 finaliser: the one mixing function every derived world value comes from.
std::uint64_t mix64(std::uint64_t x);
std::uint64_t hash_of(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0,
                      std::uint64_t c = 0);

// Uniform value in [0, n) from a hash (n > 0).
inline std::uint64_t pick(std::uint64_t h, std::uint64_t n) {
  return n == 0 ? 0 : h % n;
}

// Deterministic byte stream (xorshift) for image padding and video payloads.
class ByteStream {
 public:
  explicit ByteStream(std::uint64_t seed) : m_state(mix64(seed) | 1) {}
  // Appends count bytes, eight per step (the hot path of image padding).
  void append(std::string& out, std::size_t count);

 private:
  std::uint64_t m_state;
};

// RFC 3986 percent-encoding: unreserved A-Za-z0-9-._~ kept, everything else %XX.
std::string percent_encode(std::string_view in);
// Decodes %XX; with plus_is_space also '+' -> ' ' (application/x-www-form-urlencoded).
std::string percent_decode(std::string_view in, bool plus_is_space);

using ParamList = std::vector<std::pair<std::string, std::string>>;
// Splits "a=1&b=2" (decoded, '+' is a space); keys without '=' get an empty value.
ParamList parse_form(std::string_view text);

std::string base64_encode(const unsigned char* data, std::size_t size);
// Standard alphabet, padding optional; false for any other character.
bool base64_decode(std::string_view text, std::string* out);
std::string hex_lower(const unsigned char* data, std::size_t size);
std::string sha256_hex(std::string_view bytes);

// "YYYY-MM-DD HH:MM:SS" in UTC for a unix time (Flickr's MySQL datetime shape).
std::string mysql_datetime(std::int64_t unix_time);
// RFC 7231 HTTP date for Last-Modified.
std::string http_date(std::int64_t unix_time);
// Parses "YYYY-MM-DD[ HH:MM:SS]" or a unix number; returns false when it is neither.
bool parse_date_arg(std::string_view text, std::int64_t* unix_time);

// Strict non-negative integer parse (no sign, no junk); false on failure or overflow.
bool parse_uint(std::string_view text, std::uint64_t* value);

}  // namespace flickrfs::emulator
