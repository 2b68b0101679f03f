// See media_choice.hpp.
#include "fs/model/media_choice.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include "fs/model/naming.hpp"

namespace flickrfs::model {

namespace {

struct NamedSize {
  std::string_view name;          // what --sizes accepts (and the file name infix)
  std::string_view flickr_label;  // getSizes label
  std::string_view suffix;        // URL suffix, for url_* extras without a label
};

constexpr std::array<NamedSize, 14> kKnownSizeLabels = {{
    {"square", "Square", "s"},
    {"largesquare", "Large Square", "q"},
    {"thumb", "Thumbnail", "t"},
    {"small", "Small", "m"},
    {"small320", "Small 320", "n"},
    {"small400", "Small 400", "w"},
    {"medium", "Medium", ""},
    {"medium640", "Medium 640", "z"},
    {"medium800", "Medium 800", "c"},
    {"large", "Large", "b"},
    {"large1600", "Large 1600", "h"},
    {"large2048", "Large 2048", "k"},
    {"xlarge4k", "X-Large 4K", "4k"},
    {"original", "Original", "o"},
}};

// Video stream labels, best first (gallery-dl's VIDEO_FORMATS order, plus the 2012 labels).
constexpr std::array<std::string_view, 16> kVideoRank = {
    "Video Original", "orig",        "1080p",       "HD MP4",     "720p", "Site MP4",
    "360p",           "288p",        "700",         "Mobile MP4", "300",  "100",
    "appletv",        "iphone_wifi", "Video 1080p", "Video 720p",
};

// The extension of a URL path ("https://h/a/b_o.png?x=1" -> "png"), or "".
std::string_view url_extension(std::string_view url) {
  const auto query = url.find_first_of("?#");
  if (query != std::string_view::npos) url = url.substr(0, query);
  const auto slash = url.rfind('/');
  const auto dot = url.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
  return url.substr(dot + 1);
}

bool is_original(const api::Size& size) {
  return size.label == "Original" || size.suffix == "o";
}

FileChoice from_size(const api::Photo& photo, const api::Size& size, ChoiceSource source) {
  FileChoice choice;
  choice.label = size.label;
  choice.url = size.source;
  choice.width = size.width;
  choice.height = size.height;
  choice.source = source;
  if (source == ChoiceSource::video_stream) {
    choice.ext = "mp4";
  } else {
    const std::string_view fallback = is_original(size) && !photo.original_format.empty()
                                          ? std::string_view(photo.original_format)
                                          : std::string_view("jpg");
    const std::string_view from_url = url_extension(size.source);
    choice.ext = safe_extension(from_url.empty() ? fallback : from_url, fallback);
  }
  return choice;
}

std::int64_t area(const api::Size& size) {
  return static_cast<std::int64_t>(size.width) * size.height;
}

// The largest photo-media size, the original winning ties and being preferred outright.
const api::Size* best_photo_size(const api::Photo& photo) {
  const api::Size* best = nullptr;
  for (const auto& size : photo.sizes) {
    if (size.media != api::Media::photo || size.source.empty()) continue;
    if (is_original(size)) return &size;
    if (best == nullptr || area(size) >= area(*best)) best = &size;
  }
  return best;
}

std::size_t video_rank(const api::Size& size) {
  const auto it = std::find(kVideoRank.begin(), kVideoRank.end(), size.label);
  return static_cast<std::size_t>(it - kVideoRank.begin());  // unknown labels rank last
}

const api::Size* best_video_stream(const api::Photo& photo) {
  const api::Size* best = nullptr;
  for (const auto& size : photo.sizes) {
    if (size.media != api::Media::video || size.source.empty()) continue;
    if (size.label == "Video Player") continue;  // a Flash player page, not a stream
    if (best == nullptr || video_rank(size) < video_rank(*best) ||
        (video_rank(size) == video_rank(*best) && area(size) > area(*best))) {
      best = &size;
    }
  }
  return best;
}

const NamedSize* find_named(std::string_view name) {
  for (const auto& known : kKnownSizeLabels) {
    if (known.name == name) return &known;
  }
  return nullptr;
}

}  // namespace

std::string_view to_string(ChoiceSource source) noexcept {
  switch (source) {
    case ChoiceSource::original:
      return "original";
    case ChoiceSource::largest_size:
      return "largest_size";
    case ChoiceSource::named_size:
      return "named_size";
    case ChoiceSource::video_stream:
      return "video_stream";
    case ChoiceSource::poster:
      return "poster";
  }
  return "unknown";
}

std::optional<FileChoice> choose_best(const api::Photo& photo) {
  if (photo.media == api::Media::video) {
    if (const api::Size* stream = best_video_stream(photo)) {
      return from_size(photo, *stream, ChoiceSource::video_stream);
    }
    if (const api::Size* poster = best_photo_size(photo)) {
      return from_size(photo, *poster, ChoiceSource::poster);
    }
    return std::nullopt;
  }
  const api::Size* best = best_photo_size(photo);
  if (best == nullptr) return std::nullopt;
  return from_size(photo, *best,
                   is_original(*best) ? ChoiceSource::original : ChoiceSource::largest_size);
}

std::optional<FileChoice> choose_named(const api::Photo& photo, std::string_view sizes_label) {
  if (sizes_label == "best") return choose_best(photo);
  const NamedSize* named = find_named(sizes_label);
  if (named == nullptr) return std::nullopt;
  for (const auto& size : photo.sizes) {
    if (size.media != api::Media::photo || size.source.empty()) continue;
    const bool label_match = !size.label.empty() && size.label == named->flickr_label;
    const bool suffix_match = size.label.empty() && size.suffix == named->suffix;
    if (label_match || suffix_match) return from_size(photo, size, ChoiceSource::named_size);
  }
  return std::nullopt;
}

Result<std::vector<std::string>> parse_sizes_list(std::string_view list) {
  std::vector<std::string> out = {"best"};
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (item.empty() || item == "best") continue;
    if (find_named(item) == nullptr) {
      std::string known = "best";
      for (const auto& k : kKnownSizeLabels) {
        known += ',';  // two appends: GCC 12 -O2 reports a false -Wrestrict for "," + string
        known += k.name;
      }
      return make_error(Errc::invalid_argument, "unknown size '" + std::string(item) +
                                                    "' in --sizes (known: " + known + ")");
    }
    if (std::find(out.begin(), out.end(), item) == out.end()) out.emplace_back(item);
  }
  return out;
}

}  // namespace flickrfs::model
