#pragma once
// Parsers for the per-photo calls: photos.getSizes, photos.getInfo, photos.comments.getList,
// photos.getExif (flickr-api.md sections 5, 7-10).
// - getSizes: widths/heights as string or number or "" (video rows), media photo/video; the
//   suffix is taken from the source URL's file name, else from the label; smallest first,
//   videos after photos.
// - getInfo: title/description/comments as _content, dates{posted,taken,takengranularity,
//   takenunknown,lastupdate}, owner{nsid,username,path_alias}, visibility, usage.candownload,
//   tags.tag[] (machine tags split out), location -> geo, video.ready, originalsecret/format.
// - comments: not paginated; a photo without comments has no "comment" array.
// - getExif: photo.{id,camera,exif[]}; raw/clean as _content wrappers; clean optional;
//   tagspaceid a number (or a numeric string).
//
// Thread contract: free functions; thread-safe.

#include <string_view>
#include <vector>

#include "api/types.hpp"
#include "base/result.hpp"

namespace flickrfs::api::parse {

[[nodiscard]] Result<std::vector<Size>> photo_sizes(std::string_view body);
[[nodiscard]] Result<Photo> photo_info(std::string_view body);
[[nodiscard]] Result<std::vector<Comment>> photo_comments(std::string_view body);
[[nodiscard]] Result<Exif> photo_exif(std::string_view body);

}  // namespace flickrfs::api::parse
