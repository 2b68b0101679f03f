#pragma once
// The comments of each photo as the last run fetched them, in
// DEST/.flickrfs-mirror/comments.tsv, keyed by photo id with the photo's last_update and
// count_comments. Flickr bumps last_update when a comment is added, edited or deleted, so a
// photo whose two values are unchanged needs no photos.comments.getList call: a rerun with
// nothing changed makes only the listing calls.
//
// Thread contract: load/save on one thread; lookups are const.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/types.hpp"
#include "base/result.hpp"

namespace flickrfs::mirror {

struct CachedComments {
  std::int64_t last_update = 0;
  std::int64_t count = 0;
  std::vector<api::Comment> comments;
};

using CommentCache = std::unordered_map<std::string, CachedComments>;

// Videos: list calls give only poster sizes; the mount asks photos.getSizes once per video
// for the streams, and so does the mirror, remembering the ladder per (id, secret) in
// DEST/.flickrfs-mirror/video_sizes.tsv.
struct CachedSizes {
  std::string secret;
  std::vector<api::Size> sizes;
};
using VideoSizeCache = std::unordered_map<std::string, CachedSizes>;

// --exif: each photo's exif.json as the last run rendered it (getExif once per photo: EXIF
// never changes), in DEST/.flickrfs-mirror/exif.tsv.
using ExifCache = std::unordered_map<std::string, std::string>;  // photo id -> file bytes

// A missing or damaged file is an empty cache (it only saves calls).
[[nodiscard]] CommentCache load_comment_cache(const std::string& dest);
[[nodiscard]] Result<void> save_comment_cache(const std::string& dest, const CommentCache& cache);
[[nodiscard]] VideoSizeCache load_video_size_cache(const std::string& dest);
[[nodiscard]] Result<void> save_video_size_cache(const std::string& dest,
                                                 const VideoSizeCache& cache);
[[nodiscard]] ExifCache load_exif_cache(const std::string& dest);
[[nodiscard]] Result<void> save_exif_cache(const std::string& dest, const ExifCache& cache);

}  // namespace flickrfs::mirror
