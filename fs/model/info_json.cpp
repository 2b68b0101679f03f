// See info_json.hpp.
#include "fs/model/info_json.hpp"

#include <algorithm>
#include <charconv>

#include "fs/model/dates.hpp"
#include "fs/model/json_writer.hpp"

namespace flickrfs::model {

namespace {

constexpr std::string_view kBase58 = "123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";

void write_string_array(JsonWriter& json, const std::vector<std::string>& values) {
  json.begin_array();
  for (const auto& value : values)
    json.string(value);
  json.end_array();
}

void write_dates(JsonWriter& json, const api::Photo& photo) {
  json.key("dates");
  json.begin_object();
  json.key("taken");
  json.string(photo.date_taken);
  json.key("taken_granularity");
  json.integer(photo.date_taken_granularity);
  json.key("taken_unknown");
  json.boolean(photo.date_taken_unknown);
  json.key("posted");
  json.string(iso8601_utc(photo.date_upload));
  json.key("last_update");
  json.string(iso8601_utc(photo.last_update));
  json.end_object();
}

void write_owner_and_rights(JsonWriter& json, const api::Photo& photo) {
  json.key("owner");
  json.begin_object();
  json.key("nsid");
  json.string(photo.owner);
  json.key("username");
  json.string(photo.owner_name);
  json.key("path_alias");
  json.string(photo.path_alias);
  json.end_object();
  json.key("license");
  json.string(photo.license);
  json.key("visibility");
  json.begin_object();
  json.key("public");
  json.boolean(photo.is_public);
  json.key("friend");
  json.boolean(photo.is_friend);
  json.key("family");
  json.boolean(photo.is_family);
  json.end_object();
}

void write_geo(JsonWriter& json, const std::optional<api::Geo>& geo) {
  json.key("geo");
  if (!geo) {
    json.null();
    return;
  }
  json.begin_object();
  json.key("latitude");
  json.decimal(geo->latitude, 6);
  json.key("longitude");
  json.decimal(geo->longitude, 6);
  json.key("accuracy");
  json.integer(geo->accuracy);
  json.key("place_id");
  json.string(geo->place_id);
  json.key("woeid");
  json.string(geo->woeid);
  json.end_object();
}

void write_image(JsonWriter& json, const std::optional<FileChoice>& image,
                 std::optional<std::uint64_t> bytes) {
  json.key("image");
  if (!image) {
    json.null();
    return;
  }
  json.begin_object();
  json.key("label");
  json.string(image->label);
  json.key("width");
  json.integer(image->width);
  json.key("height");
  json.integer(image->height);
  json.key("bytes");
  if (bytes) {
    json.integer(static_cast<std::int64_t>(*bytes));
  } else {
    json.null();
  }
  json.key("url");
  json.string(image->url);
  json.key("source");
  json.string(to_string(image->source));
  json.end_object();
}

void write_sets(JsonWriter& json, std::span<const api::PhotosetRef> sets) {
  json.key("sets");
  json.begin_array();
  for (const auto& set : sets) {
    json.begin_object();
    json.key("id");
    json.string(set.id);
    json.key("title");
    json.string(set.title);
    json.end_object();
  }
  json.end_array();
}

void write_comments(JsonWriter& json, std::span<const api::Comment> comments) {
  json.key("comments");
  json.begin_array();
  for (const auto& comment : comments) {
    json.begin_object();
    json.key("id");
    json.string(comment.id);
    json.key("author");
    json.string(comment.author);
    json.key("authorname");
    json.string(comment.authorname);
    json.key("date");
    json.string(iso8601_utc(comment.date_create));
    json.key("text");
    json.string(comment.text);
    json.end_object();
  }
  json.end_array();
}

}  // namespace

std::string short_url(std::string_view photo_id) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(photo_id.data(), photo_id.data() + photo_id.size(), value);
  if (ec != std::errc() || end != photo_id.data() + photo_id.size()) return {};
  std::string digits;
  do {
    digits += kBase58[value % 58];
    value /= 58;
  } while (value > 0);
  std::reverse(digits.begin(), digits.end());
  return "https://flic.kr/p/" + digits;
}

std::string photo_page_url(const api::Photo& photo) {
  const std::string& who = photo.path_alias.empty() ? photo.owner : photo.path_alias;
  return "https://www.flickr.com/photos/" + who + "/" + photo.id + "/";
}

std::string render_info_json(const InfoJsonInput& input) {
  const api::Photo& photo = input.photo;
  JsonWriter json;
  json.begin_object();
  json.key("id");
  json.string(photo.id);
  json.key("title");
  json.string(photo.title);
  json.key("description");
  json.string(photo.description);
  json.key("tags");
  write_string_array(json, photo.tags);
  json.key("machine_tags");
  write_string_array(json, photo.machine_tags);
  write_dates(json, photo);
  write_owner_and_rights(json, photo);
  write_geo(json, photo.geo);
  json.key("media");
  json.string(photo.media == api::Media::video ? "video" : "photo");
  write_image(json, input.image, input.image_bytes);
  write_sets(json, input.sets);
  json.key("views");
  json.integer(photo.views);
  json.key("count_comments");
  json.integer(photo.count_comments);
  json.key("count_faves");
  json.integer(photo.count_faves);
  json.key("photopage");
  json.string(photo_page_url(photo));
  json.key("short_url");
  json.string(short_url(photo.id));
  write_comments(json, input.comments);
  json.end_object();
  return json.finish();
}

}  // namespace flickrfs::model
