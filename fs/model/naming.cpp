// See naming.hpp for the rules.
#include "fs/model/naming.hpp"

#include <array>
#include <cstdint>
#include <cstdio>

#include "base/utf8.hpp"

namespace flickrfs::model {

namespace {

constexpr std::string_view kFullwidthSolidus = "\xEF\xBC\x8F";  // U+FF0F

bool is_control(char32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

bool is_bidi_control(char32_t cp) {
  return cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

bool is_space(char32_t cp) {
  return cp == ' ' || cp == 0xA0 || cp == 0x3000;
}

// Longest prefix of valid UTF-8 `s` that fits in `max_bytes` without splitting a character.
std::string_view cut_at_boundary(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<std::uint8_t>(s[end]) & 0xC0) == 0x80)
    --end;
  return s.substr(0, end);
}

std::string zero_padded(std::size_t value, int width) {
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%0*zu", width, value);
  return buf.data();
}

}  // namespace

std::string sanitize_title(std::string_view title, std::size_t max_bytes) {
  std::string out;
  out.reserve(title.size() < max_bytes ? title.size() : max_bytes);
  bool pending_space = false;
  for (std::size_t i = 0; i < title.size();) {
    char32_t cp = 0;
    std::size_t len = utf8::decode_at(title, i, cp);
    std::string_view piece;
    if (len == 0) {
      piece = utf8::kReplacement;
      len = 1;
    } else if (cp == '/') {
      piece = kFullwidthSolidus;
    } else if (is_bidi_control(cp)) {
      i += len;
      continue;
    } else if (is_control(cp) || is_space(cp)) {
      pending_space = !out.empty();
      i += len;
      continue;
    } else {
      piece = title.substr(i, len);
    }
    i += len;
    const std::size_t needed = piece.size() + (pending_space ? 1 : 0);
    if (out.size() + needed > max_bytes) break;
    if (pending_space) out += ' ';
    pending_space = false;
    out += piece;
  }
  return out;
}

std::string date_prefix(std::string_view date_taken) {
  const auto digit = [&](std::size_t k) { return date_taken[k] >= '0' && date_taken[k] <= '9'; };
  if (date_taken.size() >= 10 && digit(0) && digit(1) && digit(2) && digit(3) &&
      date_taken[4] == '-' && digit(5) && digit(6) && date_taken[7] == '-' && digit(8) &&
      digit(9)) {
    return std::string(date_taken.substr(0, 10));
  }
  return "0000-00-00";
}

std::string photo_stem(std::string_view date_taken, std::string_view title,
                       std::string_view photo_id) {
  const std::string date = date_prefix(date_taken);
  const std::string id = sanitize_title(photo_id, 64);
  const std::size_t fixed = date.size() + 1 + id.size() + kStemSuffixReserve;
  const std::size_t budget = fixed + 1 < kMaxNameBytes ? kMaxNameBytes - fixed - 1 : 0;
  const std::string clean = sanitize_title(title, budget);
  if (clean.empty()) return date + "_" + id;
  return date + "_" + clean + "_" + id;
}

std::string album_dir_name(std::string_view title, std::string_view album_id) {
  const std::string id = sanitize_title(album_id, 64);
  const std::string clean = sanitize_title(title, kMaxNameBytes - id.size() - 1);
  if (clean.empty()) return id;
  return clean + "_" + id;
}

std::string page_dir_name(std::size_t page_number) {
  return "page-" + zero_padded(page_number, 4);
}

std::string album_entry_name(std::size_t position, std::size_t album_size, std::string_view stem) {
  int width = 4;
  for (std::size_t n = album_size; n >= 10000; n /= 10)
    ++width;
  std::string prefix = zero_padded(position, width) + "_";
  return prefix + std::string(cut_at_boundary(stem, kMaxNameBytes - prefix.size()));
}

std::string safe_extension(std::string_view ext, std::string_view fallback) {
  if (ext.empty() || ext.size() > 5) return std::string(fallback);
  std::string out;
  for (char c : ext) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return std::string(fallback);
    out += c;
  }
  return out;
}

bool is_valid_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes || name == "." || name == "..") return false;
  for (std::size_t i = 0; i < name.size();) {
    char32_t cp = 0;
    const std::size_t len = utf8::decode_at(name, i, cp);
    if (len == 0 || cp == '/' || is_control(cp) || is_bidi_control(cp)) return false;
    i += len;
  }
  return true;
}

}  // namespace flickrfs::model
