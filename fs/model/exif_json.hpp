#pragma once
// <stem>.exif.json of a photo (issue 22, `mount --exif`): what flickr.photos.getExif says,
// as deterministic, pretty, UTF-8 JSON (json_writer.hpp), so the same reply always gives the
// same bytes and the mount can report the exact size of what a read returns.
//
// Fields, in this order: id, hidden_by_owner (false), camera (null when Flickr names none),
// exif [{tagspace, tagspaceid, tag, label, raw, clean (null when Flickr sends none)}] in
// Flickr's order. A photo whose owner hides EXIF (getExif error code 2) has only
// {id, hidden_by_owner: true}: a fact about the photo, not a failure.
//
// Thread contract: pure functions; safe from any thread.

#include <string>
#include <string_view>

#include "api/types.hpp"
#include "base/result.hpp"

namespace flickrfs::model {

inline constexpr std::string_view kExifExt = ".exif.json";

[[nodiscard]] std::string render_exif_json(std::string_view photo_id, const api::Exif& exif);
[[nodiscard]] std::string render_exif_hidden(std::string_view photo_id);
// The file for getExif's reply: the rendering, the hidden form for Flickr's code 2, and the
// error itself for anything else (not a fact about the photo: never to be stored).
[[nodiscard]] Result<std::string> exif_json_of(std::string_view photo_id, Result<api::Exif> reply);

}  // namespace flickrfs::model
