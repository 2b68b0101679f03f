// See json_util.hpp.
#include "api/parse/json_util.hpp"

#include <charconv>
#include <cstdlib>

#include "api/parse/envelope.hpp"
#include "base/utf8.hpp"

namespace flickrfs::api::parse::detail {

namespace {

std::string_view trim_token(std::string_view token) {
  while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' ||
                            token.back() == '\t'))
    token.remove_suffix(1);
  return token;
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
  // A parser keeps buffers of about six times the largest reply it has parsed, for the life
  // of its thread. A listing page of 500 photos is about 1 MB, and every worker thread that
  // parsed one held some 6 MB until unmount (47 MB at a first listing's peak); small replies
  // (getInfo, getSizes, comments) keep theirs. Runs after `doc` below is gone.
  struct ReleaseLargeBuffers {
    ReleaseLargeBuffers() = default;
    ReleaseLargeBuffers(const ReleaseLargeBuffers&) = delete;
    ReleaseLargeBuffers& operator=(const ReleaseLargeBuffers&) = delete;
    ~ReleaseLargeBuffers() {
      constexpr std::size_t kKeptCapacity = 256 * 1024;
      if (parser.capacity() > kKeptCapacity) parser = od::parser{};
    }
  } const release_large_buffers;
  const std::string_view json = unwrap_json(body);
  const std::string prefix = std::string(method) + ": ";
  if (json.empty() || json.front() != '{') {
    return make_error(Errc::bad_response, prefix + "reply is not JSON");
  }
  std::string stat;
  int code = 0;
  bool has_code = false;
  std::string message;
  // Flickr has served titles and descriptions with stray Latin-1 bytes. simdjson rejects the
  // whole document for one such byte, which would fail a listing of 500 photos over one
  // title; instead each ill-formed byte becomes U+FFFD. Only when validation fails, so the
  // common path copies nothing.
  std::string repaired;
  if (!simdjson::validate_utf8(json.data(), json.size())) {
    repaired = utf8::repair(json);
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
