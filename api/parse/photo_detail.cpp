// See photo_detail.hpp.
#include "api/parse/photo_detail.hpp"

#include <algorithm>

#include "api/parse/json_util.hpp"
#include "api/parse/photo_fields.hpp"
#include "api/parse/photos.hpp"

namespace flickrfs::api::parse {

namespace {

namespace od = detail::od;
using detail::for_each_item;
using detail::for_each_member;
using detail::integer;
using detail::text;

// The size suffix from an image URL: ".../{id}_{secret}_{suffix}.{ext}" -> suffix,
// ".../{id}_{secret}.{ext}" -> "" (Medium 500). nullopt when the name has another shape.
std::optional<std::string> suffix_from_url(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  std::string_view name = url.substr(url.rfind('/') + 1);
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  name = name.substr(0, dot);
  const auto first = name.find('_');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = name.find('_', first + 1);
  if (second == std::string_view::npos) return std::string();
  return std::string(name.substr(second + 1));
}

Size size_row(od::value value) {
  Size size;
  std::string media;
  for_each_member(value, [&](std::string_view key, od::value member) {
    if (key == "label") {
      size.label = text(member);
    } else if (key == "width") {
      size.width = static_cast<int>(integer(member));
    } else if (key == "height") {
      size.height = static_cast<int>(integer(member));
    } else if (key == "source") {
      size.source = text(member);
    } else if (key == "media") {
      media = text(member);
    }
  });
  size.media = media == "video" ? Media::video : Media::photo;
  if (size.media == Media::photo) {
    const auto from_url = suffix_from_url(size.source);
    size.suffix = from_url ? *from_url : std::string(suffix_for_label(size.label));
  }
  return size;
}

void info_dates(Photo& photo, od::value value) {
  for_each_member(value, [&](std::string_view key, od::value member) {
    if (key == "posted") {
      photo.date_upload = integer(member);
    } else if (key == "taken") {
      photo.date_taken = text(member);
    } else if (key == "takengranularity") {
      photo.date_taken_granularity = static_cast<int>(integer(member));
    } else if (key == "takenunknown") {
      photo.date_taken_unknown = detail::flag(member);
    } else if (key == "lastupdate") {
      photo.last_update = integer(member);
    }
  });
}

void info_owner(Photo& photo, od::value value) {
  for_each_member(value, [&](std::string_view key, od::value member) {
    if (key == "nsid") {
      photo.owner = text(member);
    } else if (key == "username") {
      photo.owner_name = text(member);
    } else if (key == "path_alias") {
      photo.path_alias = text(member);
    }
  });
}

void info_tags(Photo& photo, od::value value) {
  for_each_member(value, [&](std::string_view key, od::value member) {
    if (key != "tag") return;
    for_each_item(member, [&](od::value tag) {
      std::string name;
      bool machine = false;
      for_each_member(tag, [&](std::string_view field, od::value tag_value) {
        if (field == "_content") name = text(tag_value);
        if (field == "machine_tag") machine = detail::flag(tag_value);
      });
      if (name.empty()) return;
      (machine ? photo.machine_tags : photo.tags).push_back(std::move(name));
    });
  });
}

void info_location(Photo& photo, od::value value) {
  Geo geo;
  for_each_member(value, [&](std::string_view key, od::value member) {
    if (key == "latitude") geo.latitude = detail::real(member);
    if (key == "longitude") geo.longitude = detail::real(member);
    if (key == "accuracy") geo.accuracy = static_cast<int>(integer(member));
    if (key == "place_id") geo.place_id = text(member);
    if (key == "woeid") geo.woeid = text(member);
  });
  if (geo.latitude != 0 || geo.longitude != 0) photo.geo = geo;
}

void info_member(Photo& photo, std::string_view key, od::value value) {
  if (key == "owner") {
    info_owner(photo, value);
  } else if (key == "dates") {
    info_dates(photo, value);
  } else if (key == "visibility" || key == "usage" || key == "video") {
    for_each_member(value, [&](std::string_view field, od::value member) {
      if (key == "usage" && field == "candownload") photo.can_download = detail::flag(member);
      if (key == "video" && detail::flag(member) &&
          (field == "ready" || field == "failed" || field == "pending")) {
        photo.media_status = std::string(field);
      }
      if (key == "visibility") detail::take_photo_member(photo, field, member);
    });
  } else if (key == "tags") {
    info_tags(photo, value);
  } else if (key == "location") {
    info_location(photo, value);
  } else if (key == "comments") {
    photo.count_comments = integer(value);
  } else if (key == "dateuploaded") {
    photo.date_upload = integer(value);
  } else {
    detail::take_photo_member(photo, key, value);
  }
}

Comment comment_row(od::value value) {
  Comment comment;
  for_each_member(value, [&](std::string_view key, od::value member) {
    if (key == "id") comment.id = text(member);
    if (key == "author") comment.author = text(member);
    if (key == "authorname") comment.authorname = text(member);
    if (key == "datecreate") comment.date_create = integer(member);
    if (key == "permalink") comment.permalink = text(member);
    if (key == "_content") comment.text = text(member);
  });
  return comment;
}

ExifTag exif_row(od::value value) {
  ExifTag tag;
  for_each_member(value, [&](std::string_view key, od::value member) {
    if (key == "tagspace") tag.tagspace = text(member);
    if (key == "tagspaceid") tag.tagspaceid = integer(member);
    if (key == "tag") tag.tag = text(member);
    if (key == "label") tag.label = text(member);
    if (key == "raw") tag.raw = text(member);
    if (key == "clean") tag.clean = text(member);
  });
  return tag;
}

// The items of the list `list_key` inside the top-level object `container`.
template <class T, class Row>
Result<std::vector<T>> nested_list(std::string_view body, std::string_view method,
                                   std::string_view container, std::string_view list_key, Row row) {
  std::vector<T> out;
  bool found = false;
  FLICKRFS_CHECK(detail::parse_root(body, method, [&](std::string_view key, od::value value) {
    if (key != container) return;
    found = true;
    for_each_member(value, [&](std::string_view member, od::value inner) {
      if (member == list_key)
        for_each_item(inner, [&](od::value item) { out.push_back(row(item)); });
    });
  }));
  if (!found) {
    return make_error(Errc::bad_response,
                      std::string(method) + ": reply has no \"" + std::string(container) + "\"");
  }
  return out;
}

}  // namespace

Result<std::vector<Size>> photo_sizes(std::string_view body) {
  FLICKRFS_TRY(auto sizes,
               nested_list<Size>(body, "flickr.photos.getSizes", "sizes", "size", size_row));
  std::stable_partition(sizes.begin(), sizes.end(),
                        [](const Size& size) { return size.media == Media::photo; });
  return sizes;
}

Result<Photo> photo_info(std::string_view body) {
  Photo photo;
  bool found = false;
  FLICKRFS_CHECK(
      detail::parse_root(body, "flickr.photos.getInfo", [&](std::string_view key, od::value value) {
        if (key != "photo") return;
        found = true;
        for_each_member(value, [&](std::string_view member, od::value inner) {
          info_member(photo, member, inner);
        });
      }));
  if (!found) return make_error(Errc::bad_response, "flickr.photos.getInfo: reply has no photo");
  return photo;
}

Result<std::vector<Comment>> photo_comments(std::string_view body) {
  return nested_list<Comment>(body, "flickr.photos.comments.getList", "comments", "comment",
                              comment_row);
}

Result<Exif> photo_exif(std::string_view body) {
  Exif exif;
  bool found = false;
  FLICKRFS_CHECK(
      detail::parse_root(body, "flickr.photos.getExif", [&](std::string_view key, od::value value) {
        if (key != "photo") return;
        found = true;
        for_each_member(value, [&](std::string_view member, od::value inner) {
          if (member == "id") exif.photo_id = text(inner);
          if (member == "camera") exif.camera = text(inner);
          if (member == "exif")
            for_each_item(inner, [&](od::value item) { exif.tags.push_back(exif_row(item)); });
        });
      }));
  if (!found) return make_error(Errc::bad_response, "flickr.photos.getExif: reply has no photo");
  return exif;
}

}  // namespace flickrfs::api::parse
