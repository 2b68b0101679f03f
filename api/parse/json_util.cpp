// See json_util.hpp.
#include "api/parse/json_util.hpp"

#include <charconv>
#include <cstdlib>

#include "api/parse/envelope.hpp"

namespace flickrfs::api::parse::detail {

namespace {

std::string_view trim_token(std::string_view token) {
  while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' ||
                            token.back() == '\t'))
    token.remove_suffix(1);
  return token;
}

// Length of the well-formed UTF-8 sequence at text[i] (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF), or 0 when it is ill-formed.
std::size_t valid_sequence_at(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;  // bounds of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size() || byte(1) < low || byte(1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if ((byte(k) & 0xC0U) != 0x80U) return 0;
  }
  return length;
}

// Flickr has served titles and descriptions with stray Latin-1 bytes. simdjson rejects the
// whole document for one such byte, which would fail a listing of 500 photos over one
// title; instead each ill-formed byte becomes U+FFFD, as browsers and Python's
// errors="replace" show it. Only called when validation fails, so the common path copies
// nothing.
std::string repair_utf8(std::string_view text) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = valid_sequence_at(text, i);
    if (length == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(text, i, length);
      i += length;
    }
  }
  return out;
}

}  // namespace

std::string text(od::value value) {
  switch (value.type().value()) {
    case od::json_type::string:
      return std::string(value.get_string().value());
    case od::json_type::number:
      return std::string(trim_token(value.raw_json_token()));
    case od::json_type::boolean:
      return value.get_bool().value() ? "1" : "0";
    case od::json_type::object: {
      std::string content;
      for (auto field : value.get_object()) {
        if (field.unescaped_key().value() == "_content") {
          content = text(field.value());
        }
      }
      return content;
    }
    case od::json_type::null:
    case od::json_type::array:
      break;
  }
  return {};
}

std::int64_t to_integer(std::string_view digits) {
  while (!digits.empty() && digits.front() == ' ')
    digits.remove_prefix(1);
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  std::int64_t out = 0;
  const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  if (result.ec != std::errc()) return 0;
  if (result.ptr != digits.data() + digits.size() && (*result.ptr == 'e' || *result.ptr == 'E')) {
    const double value = std::strtod(std::string(digits).c_str(), nullptr);
    return value > 9.2e18 || value < -9.2e18 ? 0 : static_cast<std::int64_t>(value);
  }
  return out;
}

std::int64_t integer(od::value value) {
  return to_integer(text(value));
}

double real(od::value value) {
  const std::string digits = text(value);
  if (digits.empty()) return 0;
  char* end = nullptr;
  const double out = std::strtod(digits.c_str(), &end);
  return end == digits.c_str() ? 0 : out;
}

bool flag(od::value value) {
  const std::string digits = text(value);
  return digits == "true" || to_integer(digits) != 0;
}

void for_each_item(od::value value, const std::function<void(od::value)>& on_item) {
  const auto type = value.type().value();
  if (type == od::json_type::array) {
    for (auto item : value.get_array())
      on_item(item.value());
  } else if (type == od::json_type::object) {
    on_item(value);
  }
}

void for_each_member(od::value value, const MemberHandler& on_member) {
  if (value.type().value() != od::json_type::object) return;
  for (auto field : value.get_object()) {
    const std::string_view key = field.unescaped_key().value();
    on_member(key, field.value());
  }
}

Result<void> parse_root(std::string_view body, std::string_view method,
                        const MemberHandler& on_member) {
  thread_local od::parser parser;
  const std::string_view json = unwrap_json(body);
  const std::string prefix = std::string(method) + ": ";
  if (json.empty() || json.front() != '{') {
    return make_error(Errc::bad_response, prefix + "reply is not JSON");
  }
  std::string stat;
  int code = 0;
  bool has_code = false;
  std::string message;
  std::string repaired;
  if (!simdjson::validate_utf8(json.data(), json.size())) {
    repaired = repair_utf8(json);
  }
  try {
    const simdjson::padded_string padded(repaired.empty() ? json : std::string_view(repaired));
    od::document doc = parser.iterate(padded);
    for (auto field : doc.get_object()) {
      const std::string key(field.unescaped_key().value());
      od::value value = field.value();
      if (key == "stat") {
        stat = text(value);
      } else if (key == "code") {
        code = static_cast<int>(integer(value));
        has_code = true;
      } else if (key == "message") {
        message = text(value);
      } else {
        on_member(key, value);
      }
    }
  } catch (const simdjson::simdjson_error& error) {
    return make_error(Errc::bad_response,
                      prefix + "invalid or truncated JSON reply (" + error.what() + ")");
  }
  if (stat == "fail") {
    return flickr_error(method, has_code ? code : -1, message);
  }
  if (stat != "ok") return make_error(Errc::bad_response, prefix + "reply has no stat \"ok\"");
  return success();
}

}  // namespace flickrfs::api::parse::detail
