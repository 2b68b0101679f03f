// See envelope.hpp.
#include "api/parse/envelope.hpp"

#include <algorithm>
#include <cctype>

#include "api/parse/json_util.hpp"

namespace flickrfs::api::parse {

namespace {

bool contains_ci(std::string_view haystack, std::string_view needle) {
  const auto it = std::search(
      haystack.begin(), haystack.end(), needle.begin(), needle.end(),
      [](unsigned char a, unsigned char b) { return std::tolower(a) == std::tolower(b); });
  return it != haystack.end();
}

bool one_of(std::string_view method, std::initializer_list<std::string_view> methods) {
  return std::find(methods.begin(), methods.end(), method) != methods.end();
}

// Code 1 and 2 mean different things per method (flickr-api.md section 2).
Errc method_specific(std::string_view method, int code) {
  if (code == 1) {
    if (one_of(method, {"flickr.people.getPhotos", "flickr.photos.recentlyUpdated",
                        "flickr.photos.search"})) {
      return Errc::invalid_argument;  // "required arguments missing"
    }
    return Errc::not_found;
  }
  if (code == 2) {
    if (one_of(method, {"flickr.photos.getSizes", "flickr.photos.getExif", "flickr.photos.getInfo",
                        "flickr.photos.comments.getList"})) {
      return Errc::permission;
    }
    if (one_of(method, {"flickr.photosets.getList", "flickr.photos.recentlyUpdated",
                        "flickr.photos.search"})) {
      return Errc::invalid_argument;  // bad continuation key / date / search parameter
    }
    return Errc::not_found;  // unknown user / collection
  }
  if (code == 5) return Errc::not_found;  // user deleted
  return Errc::invalid_argument;
}

}  // namespace

bool is_transient_flickr_error(int code, std::string_view message) {
  return code == 0 || code == 105 || code == 106 || code == 201 ||
         contains_ci(message, "not currently available");
}

Error flickr_error(std::string_view method, int code, std::string_view message) {
  Errc kind = Errc::invalid_argument;
  if (is_transient_flickr_error(code, message)) {
    kind = Errc::unavailable;
  } else if (code >= 96 && code <= 99) {
    kind = Errc::auth;
  } else if (code == 95 || code == 100) {
    kind = Errc::config;
  } else if (code >= 1 && code < 95) {
    kind = method_specific(method, code);
  }
  std::string text =
      std::string(method) + ": " +
      (message.empty() ? std::string("Flickr refused the call") : std::string(message));
  if (code >= 0) text += " (code " + std::to_string(code) + ")";
  Error error = make_error(kind, std::move(text));
  if (code >= 0) {
    error.flickr_code = code;
    error.has_flickr_code = true;
  }
  return error;
}

std::string_view unwrap_json(std::string_view body) {
  const auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!body.empty() && is_space(body.front()))
    body.remove_prefix(1);
  while (!body.empty() && (is_space(body.back()) || body.back() == ',' || body.back() == ';'))
    body.remove_suffix(1);
  constexpr std::string_view kJsonp = "jsonFlickrApi(";
  if (body.substr(0, kJsonp.size()) == kJsonp && !body.empty() && body.back() == ')') {
    body = body.substr(kJsonp.size(), body.size() - kJsonp.size() - 1);
  }
  return body;
}

Result<void> check_envelope(std::string_view body, std::string_view method) {
  return detail::parse_root(body, method, [](std::string_view, detail::od::value) {});
}

}  // namespace flickrfs::api::parse
