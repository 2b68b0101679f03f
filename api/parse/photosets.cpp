// See photosets.hpp.
#include "api/parse/photosets.hpp"

#include "api/parse/json_util.hpp"

namespace flickrfs::api::parse {

namespace {

namespace od = detail::od;
using detail::for_each_item;
using detail::for_each_member;
using detail::integer;
using detail::text;

Photoset photoset_row(od::value value) {
  Photoset set;
  for_each_member(value, [&](std::string_view key, od::value member) {
    if (key == "id") set.id = text(member);
    if (key == "title") set.title = text(member);
    if (key == "description") set.description = text(member);
    if (key == "primary") set.primary = text(member);
    if (key == "photos" || key == "count_photos") set.photos = integer(member);
    if (key == "videos" || key == "count_videos") set.videos = integer(member);
    if (key == "date_create") set.date_create = integer(member);
    if (key == "date_update") set.date_update = integer(member);
  });
  return set;
}

Collection collection_row(od::value value, int depth) {
  Collection collection;
  for_each_member(value, [&](std::string_view key, od::value member) {
    if (key == "id") collection.id = text(member);
    if (key == "title") collection.title = text(member);
    if (key == "description") collection.description = text(member);
    if (key == "set") {
      for_each_item(member, [&](od::value set) {
        PhotosetRef ref;
        for_each_member(set, [&](std::string_view field, od::value inner) {
          if (field == "id") ref.id = text(inner);
          if (field == "title") ref.title = text(inner);
        });
        collection.sets.push_back(std::move(ref));
      });
    }
    // Flickr nests collections a few levels deep; a hostile reply must not recurse forever.
    if (key == "collection" && depth < 64) {
      for_each_item(member, [&](od::value child) {
        collection.children.push_back(collection_row(child, depth + 1));
      });
    }
  });
  return collection;
}

}  // namespace

Result<PhotosetPage> photoset_list(std::string_view body) {
  PhotosetPage page;
  bool found = false;
  constexpr std::string_view kMethod = "flickr.photosets.getList";
  FLICKRFS_CHECK(detail::parse_root(body, kMethod, [&](std::string_view key, od::value value) {
    if (key != "photosets") return;
    found = true;
    for_each_member(value, [&](std::string_view member, od::value inner) {
      if (member == "page") page.page = static_cast<int>(integer(inner));
      if (member == "pages") page.pages = static_cast<int>(integer(inner));
      if (member == "photoset") {
        for_each_item(inner, [&](od::value set) { page.photosets.push_back(photoset_row(set)); });
      }
    });
  }));
  if (!found) return make_error(Errc::bad_response, "flickr.photosets.getList: no photosets");
  if (page.page <= 0) page.page = 1;
  if (page.pages < page.page) page.pages = page.page;
  return page;
}

Result<std::vector<Collection>> collection_tree(std::string_view body) {
  std::vector<Collection> out;
  FLICKRFS_CHECK(detail::parse_root(
      body, "flickr.collections.getTree", [&](std::string_view key, od::value value) {
        if (key != "collections") return;
        for_each_member(value, [&](std::string_view member, od::value inner) {
          if (member != "collection") return;
          for_each_item(inner, [&](od::value item) { out.push_back(collection_row(item, 0)); });
        });
      }));
  return out;  // a user without collections may get {"collections":{}} or no member at all
}

Result<std::string> created_photoset(std::string_view body) {
  constexpr std::string_view kMethod = "flickr.photosets.create";
  std::string id;
  FLICKRFS_CHECK(
      detail::parse_root(body, kMethod, [&](std::string_view key, detail::od::value value) {
        if (key != "photoset") return;
        detail::for_each_member(value, [&](std::string_view member, detail::od::value inner) {
          if (member == "id") id = detail::text(inner);
        });
      }));
  if (id.empty()) return make_error(Errc::bad_response, std::string(kMethod) + ": no photoset id");
  return id;
}

}  // namespace flickrfs::api::parse
