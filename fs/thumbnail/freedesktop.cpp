// See freedesktop.hpp.
#include "fs/thumbnail/freedesktop.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <memory>

namespace flickrfs::fs::thumbnail {

namespace {

// GLib's g_escape_file_uri(): the bytes an escaped path keeps as they are (gconvert.c,
// UNSAFE_PATH). Checked against `gio info` on this machine.
bool path_safe(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!$&'()*+,-./:=@_~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_square_crop(const api::Size& size) {
  return size.label == "Square" || size.label == "Large Square" || size.suffix == "s" ||
         size.suffix == "q" || size.suffix == "sq";
}

bool is_original(const api::Size& size) {
  return size.label == "Original" || size.suffix == "o";
}

int longer_side(const api::Size& size) {
  return std::max(size.width, size.height);
}

}  // namespace

int flavor_pixels(Flavor flavor) noexcept {
  switch (flavor) {
    case Flavor::normal:
      return 128;
    case Flavor::large:
      return 256;
    case Flavor::x_large:
      return 512;
    case Flavor::xx_large:
      return 1024;
  }
  return 128;
}

std::string_view flavor_name(Flavor flavor) noexcept {
  switch (flavor) {
    case Flavor::normal:
      return "normal";
    case Flavor::large:
      return "large";
    case Flavor::x_large:
      return "x-large";
    case Flavor::xx_large:
      return "xx-large";
  }
  return "normal";
}

Result<std::vector<Flavor>> parse_flavors(std::string_view list) {
  std::vector<Flavor> out;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    const auto* found = std::find_if(std::begin(kAllFlavors), std::end(kAllFlavors),
                                     [&](Flavor f) { return flavor_name(f) == item; });
    if (found == std::end(kAllFlavors)) {
      return make_error(Errc::invalid_argument, "unknown thumbnail size '" + std::string(item) +
                                                    "' (known: normal, large, x-large, xx-large)");
    }
    if (std::find(out.begin(), out.end(), *found) == out.end()) out.push_back(*found);
  }
  if (out.empty()) return make_error(Errc::invalid_argument, "empty list of thumbnail sizes");
  return out;
}

std::string file_uri(std::string_view absolute_path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = "file://";
  uri.reserve(uri.size() + absolute_path.size() * 3 / 2);
  for (const char ch : absolute_path) {
    const auto c = static_cast<unsigned char>(ch);
    if (path_safe(c)) {
      uri += ch;
    } else {
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 0xF];
    }
  }
  return uri;
}

std::string thumbnail_name(std::string_view uri) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  (void)EVP_Digest(uri.data(), uri.size(), digest.data(), &length, EVP_md5(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name;
  for (unsigned int i = 0; i < length; ++i) {
    name += kHex[digest[i] >> 4];
    name += kHex[digest[i] & 0xF];
  }
  return name + ".png";
}

std::string user_thumbnail_root(const char* xdg_cache_home, const char* home) {
  if (xdg_cache_home != nullptr && xdg_cache_home[0] == '/') {
    return std::string(xdg_cache_home) + "/thumbnails";
  }
  if (home != nullptr && home[0] == '/') return std::string(home) + "/.cache/thumbnails";
  return {};
}

const api::Size* choose_rendition(std::span<const api::Size> sizes, Flavor flavor) {
  const int wanted = flavor_pixels(flavor);
  const api::Size* smallest_enough = nullptr;
  const api::Size* largest = nullptr;
  const api::Size* original = nullptr;
  for (const auto& size : sizes) {
    if (size.media != api::Media::photo || size.source.empty() || is_square_crop(size)) continue;
    if (is_original(size)) {
      original = &size;
      continue;
    }
    if (longer_side(size) >= wanted &&
        (smallest_enough == nullptr || longer_side(size) < longer_side(*smallest_enough))) {
      smallest_enough = &size;
    }
    if (largest == nullptr || longer_side(size) > longer_side(*largest)) largest = &size;
  }
  if (smallest_enough != nullptr) return smallest_enough;
  return largest != nullptr ? largest : original;
}

std::string mimetype_for_extension(std::string_view ext) {
  std::string lower(ext);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "jpg" || lower == "jpeg") return "image/jpeg";
  if (lower == "png") return "image/png";
  if (lower == "gif") return "image/gif";
  if (lower == "mp4") return "video/mp4";
  return "application/octet-stream";
}

}  // namespace flickrfs::fs::thumbnail
