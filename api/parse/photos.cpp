// See photos.hpp.
#include "api/parse/photos.hpp"

#include <array>
#include <map>

#include "api/parse/json_util.hpp"
#include "api/parse/photo_fields.hpp"

namespace flickrfs::api::parse {

namespace {

namespace od = detail::od;
using detail::split_words;

constexpr std::array<SizeExtra, 18> kSizeExtras = {{
    {"sq", "s", "Square", 75},
    {"t", "t", "Thumbnail", 100},
    {"q", "q", "Large Square", 150},
    {"s", "m", "Small", 240},
    {"n", "n", "Small 320", 320},
    {"w", "w", "Small 400", 400},
    {"m", "", "Medium", 500},
    {"z", "z", "Medium 640", 640},
    {"c", "c", "Medium 800", 800},
    {"l", "b", "Large", 1024},
    {"h", "h", "Large 1600", 1600},
    {"k", "k", "Large 2048", 2048},
    {"3k", "3k", "X-Large 3K", 3072},
    {"4k", "4k", "X-Large 4K", 4096},
    {"f", "f", "X-Large 4K 2:1", 4096},
    {"5k", "5k", "X-Large 5K", 5120},
    {"6k", "6k", "X-Large 6K", 6144},
    {"o", "o", "Original", 0},
}};

struct UrlExtra {
  std::string url;
  int width = 0;
  int height = 0;
};

// The url_<x>/width_<x>/height_<x> members of one photo, keyed by <x>.
class UrlExtras {
 public:
  bool take(std::string_view key, od::value value) {
    for (const std::string_view prefix : {"url_", "width_", "height_"}) {
      if (key.substr(0, prefix.size()) != prefix) continue;
      UrlExtra& extra = m_extras[std::string(key.substr(prefix.size()))];
      if (prefix == "url_") {
        extra.url = detail::text(value);
      } else {
        const int number = static_cast<int>(detail::integer(value));
        (prefix == "width_" ? extra.width : extra.height) = number;
      }
      return true;
    }
    return false;
  }

  [[nodiscard]] std::vector<Size> sizes() const {
    std::vector<Size> out;
    for (const auto& known : kSizeExtras) {
      const auto it = m_extras.find(std::string(known.extra));
      if (it == m_extras.end() || it->second.url.empty()) continue;
      out.push_back(Size{std::string(known.label), std::string(known.file_suffix), it->second.width,
                         it->second.height, it->second.url, Media::photo});
    }
    return out;
  }

 private:
  std::map<std::string, UrlExtra, std::less<>> m_extras;
};

// The geo extra's members, which come as plain members of a list photo.
struct GeoFields {
  Geo fields;
  bool seen = false;

  bool take(std::string_view key, od::value value) {
    if (key == "latitude") {
      fields.latitude = detail::real(value);
    } else if (key == "longitude") {
      fields.longitude = detail::real(value);
    } else if (key == "accuracy") {
      fields.accuracy = static_cast<int>(detail::integer(value));
    } else if (key == "place_id") {
      fields.place_id = detail::text(value);
    } else if (key == "woeid") {
      fields.woeid = detail::text(value);
    } else {
      return false;
    }
    seen = true;
    return true;
  }

  // Flickr sends 0,0 for a photo without a location.
  [[nodiscard]] std::optional<Geo> geo() const {
    if (!seen || (fields.latitude == 0 && fields.longitude == 0)) return std::nullopt;
    return fields;
  }
};

// Members of a list photo that are plain text fields.
bool take_text(Photo& photo, std::string_view key, od::value value) {
  const std::pair<std::string_view, std::string Photo::*> fields[] = {
      {"id", &Photo::id},
      {"owner", &Photo::owner},
      {"ownername", &Photo::owner_name},
      {"pathalias", &Photo::path_alias},
      {"path_alias", &Photo::path_alias},
      {"secret", &Photo::secret},
      {"server", &Photo::server},
      {"originalsecret", &Photo::original_secret},
      {"originalformat", &Photo::original_format},
      {"title", &Photo::title},
      {"description", &Photo::description},
      {"license", &Photo::license},
      {"media_status", &Photo::media_status},
      {"datetaken", &Photo::date_taken},
  };
  for (const auto& [name, member] : fields) {
    if (key == name) {
      photo.*member = detail::text(value);
      return true;
    }
  }
  return false;
}

bool take_number(Photo& photo, std::string_view key, od::value value) {
  const std::pair<std::string_view, std::int64_t Photo::*> fields[] = {
      {"dateupload", &Photo::date_upload},
      {"lastupdate", &Photo::last_update},
      {"views", &Photo::views},
      {"count_views", &Photo::views},
      {"count_comments", &Photo::count_comments},
      {"count_faves", &Photo::count_faves},
      {"date_faved", &Photo::date_faved},
  };
  for (const auto& [name, member] : fields) {
    if (key == name) {
      photo.*member = detail::integer(value);
      return true;
    }
  }
  if (key == "datetakengranularity") {
    photo.date_taken_granularity = static_cast<int>(detail::integer(value));
  } else if (key == "o_width") {
    photo.original_width = static_cast<int>(detail::integer(value));
  } else if (key == "o_height") {
    photo.original_height = static_cast<int>(detail::integer(value));
  } else if (key == "rotation") {
    photo.rotation = static_cast<int>(detail::integer(value));
  } else {
    return false;
  }
  return true;
}

bool take_flag(Photo& photo, std::string_view key, od::value value) {
  if (key == "ispublic") {
    photo.is_public = detail::flag(value);
  } else if (key == "isfriend") {
    photo.is_friend = detail::flag(value);
  } else if (key == "isfamily") {
    photo.is_family = detail::flag(value);
  } else if (key == "datetakenunknown") {
    photo.date_taken_unknown = detail::flag(value);
  } else if (key == "media") {
    photo.media = detail::text(value) == "video" ? Media::video : Media::photo;
  } else if (key == "tags") {
    photo.tags = split_words(detail::text(value));
  } else if (key == "machine_tags") {
    photo.machine_tags = split_words(detail::text(value));
  } else {
    return false;
  }
  return true;
}

void page_member(PhotoPage& page, std::string& owner, std::string& owner_name, std::string_view key,
                 od::value value) {
  if (key == "page") {
    page.page = static_cast<int>(detail::integer(value));
  } else if (key == "pages") {
    page.pages = static_cast<int>(detail::integer(value));
  } else if (key == "perpage" || key == "per_page") {
    page.per_page = static_cast<int>(detail::integer(value));
  } else if (key == "total") {
    page.total = detail::integer(value);
  } else if (key == "owner") {
    owner = detail::text(value);
  } else if (key == "ownername") {
    owner_name = detail::text(value);
  } else if (key == "photo") {
    detail::for_each_item(value,
                          [&](od::value item) { page.photos.push_back(detail::list_photo(item)); });
  }
}

}  // namespace

namespace detail {

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  while (!text.empty()) {
    const auto start = text.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    text.remove_prefix(start);
    const auto end = text.find(' ');
    words.emplace_back(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end);
  }
  return words;
}

bool take_photo_member(Photo& photo, std::string_view key, od::value value) {
  return take_text(photo, key, value) || take_number(photo, key, value) ||
         take_flag(photo, key, value);
}

Photo list_photo(od::value value) {
  Photo photo;
  UrlExtras urls;
  GeoFields geo;
  detail::for_each_member(value, [&](std::string_view key, od::value member) {
    if (!take_photo_member(photo, key, member) && !urls.take(key, member)) {
      geo.take(key, member);
    }
  });
  photo.sizes = urls.sizes();
  photo.geo = geo.geo();
  return photo;
}

}  // namespace detail

std::span<const SizeExtra> size_extras() {
  return kSizeExtras;
}

std::string_view label_for_suffix(std::string_view file_suffix) {
  for (const auto& known : kSizeExtras) {
    if (known.file_suffix == file_suffix && !file_suffix.empty()) return known.label;
  }
  return {};
}

std::string_view suffix_for_label(std::string_view label) {
  for (const auto& known : kSizeExtras) {
    if (known.label == label) return known.file_suffix;
  }
  return {};
}

Result<PhotoPage> photo_page(std::string_view body, std::string_view method) {
  PhotoPage page;
  bool found = false;
  std::string owner;
  std::string owner_name;
  FLICKRFS_CHECK(detail::parse_root(body, method, [&](std::string_view key, od::value value) {
    if (key != "photos" && key != "photoset") return;
    found = value.type().value() == od::json_type::object;
    detail::for_each_member(value, [&](std::string_view member, od::value inner) {
      page_member(page, owner, owner_name, member, inner);
    });
  }));
  if (!found) {
    return make_error(Errc::bad_response, std::string(method) + ": reply has no photo list");
  }
  for (auto& photo : page.photos) {
    if (photo.owner.empty()) photo.owner = owner;  // photosets.getPhotos: owner on the set
    if (photo.owner_name.empty()) photo.owner_name = owner_name;
  }
  if (page.per_page <= 0) page.per_page = static_cast<int>(page.photos.size());
  if (page.page <= 0) page.page = 1;
  return page;
}

}  // namespace flickrfs::api::parse
