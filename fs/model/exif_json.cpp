// See exif_json.hpp.
#include "fs/model/exif_json.hpp"

#include "fs/model/json_writer.hpp"

namespace flickrfs::model {

namespace {

void string_or_null(JsonWriter& json, std::string_view value) {
  if (value.empty()) {
    json.null();
  } else {
    json.string(value);
  }
}

}  // namespace

std::string render_exif_json(std::string_view photo_id, const api::Exif& exif) {
  JsonWriter json;
  json.begin_object();
  json.key("id");
  json.string(photo_id);
  json.key("hidden_by_owner");
  json.boolean(false);
  json.key("camera");
  string_or_null(json, exif.camera);
  json.key("exif");
  json.begin_array();
  for (const auto& tag : exif.tags) {
    json.begin_object();
    json.key("tagspace");
    json.string(tag.tagspace);
    json.key("tagspaceid");
    json.integer(tag.tagspaceid);
    json.key("tag");
    json.string(tag.tag);
    json.key("label");
    json.string(tag.label);
    json.key("raw");
    json.string(tag.raw);
    json.key("clean");
    string_or_null(json, tag.clean);
    json.end_object();
  }
  json.end_array();
  json.end_object();
  return json.finish();
}

std::string render_exif_hidden(std::string_view photo_id) {
  JsonWriter json;
  json.begin_object();
  json.key("id");
  json.string(photo_id);
  json.key("hidden_by_owner");
  json.boolean(true);
  json.end_object();
  return json.finish();
}

Result<std::string> exif_json_of(std::string_view photo_id, Result<api::Exif> reply) {
  constexpr int kHiddenCode = 2;  // flickr-api.md section 2: getExif 2 = permission denied
  if (reply.ok()) return render_exif_json(photo_id, *reply);
  const Error& error = reply.error();
  if (error.code == Errc::permission && error.has_flickr_code && error.flickr_code == kHiddenCode)
    return render_exif_hidden(photo_id);
  return std::move(reply).error();
}

}  // namespace flickrfs::model
