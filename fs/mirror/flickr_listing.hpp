#pragma once
// Everything the mirror needs to know about an account, from listing calls only:
// people.getPhotos (or getPublicPhotos) pages with every extra, favorites.getList pages,
// photosets.getList, one photosets.getPhotos walk per album, one collections.getTree, and
// photos.comments.getList only for photos whose count_comments is above zero; with --exif,
// photos.getExif once per photo the last run (or the mount's cache) does not hold. No per-photo
// getInfo/getSizes: the list extras carry the size ladder (flickr-api.md section 6,
// flickrmirrorer's API profile).
//
// Latency first: every walk reads page 1 and then all other pages at the same time; once
// the photostream is known, albums, comments and video getSizes are listed together. The client's
// rate limiter and retry policy apply to each call.
//
// Thread contract: list_flickr_catalog runs on the caller's thread and owns its helpers.

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/flickr_client.hpp"
#include "api/types.hpp"
#include "base/result.hpp"
#include "fs/mirror/comment_cache.hpp"

namespace flickrfs::mirror {

struct CatalogAlbum {
  api::Photoset set;
  std::vector<std::string> photo_ids;  // album order
};

struct FlickrCatalog {
  std::vector<api::Photo> photos;
  std::vector<api::Photo> favorites;         // favorites.getList order (favorites/)
  std::vector<CatalogAlbum> albums;          // photosets.getList order
  std::vector<api::Collection> collections;  // collections.getTree
  std::unordered_map<std::string, std::vector<api::Comment>> comments;  // by photo id
  std::unordered_map<std::string, std::string> comment_errors;          // photo id -> why
  // False when a walk came back short of its reported total (--delete then refuses).
  bool complete = true;
  std::string incomplete_reason;
  std::size_t listing_calls = 0;  // pages requested (photostream + albums + getList)
  std::size_t comment_calls = 0;
  std::size_t comments_from_cache = 0;
  std::size_t comments_from_mount = 0;
  std::size_t video_size_calls = 0;
  // --exif: exif.json bytes (model/exif_json.hpp) by photo id, and why a photo has none.
  std::unordered_map<std::string, std::string> exif;
  std::unordered_map<std::string, std::string> exif_errors;
  std::size_t exif_calls = 0;
  std::size_t exif_from_cache = 0;
  std::size_t exif_from_mount = 0;
};

struct ListingOptions {
  std::string user = "me";
  unsigned jobs = 8;
  bool comments = true;  // false with --only images: info.json is not written
  // Comments of the last run: a photo with the same last_update and count_comments is not
  // asked again. list_flickr_catalog refreshes it with what it fetched.
  CommentCache* comment_cache = nullptr;
  // SRC on a mount: the comments its cache holds for a photo's current last_update, if any
  // (asked for photos the last run's cache does not cover, before calling Flickr).
  std::function<std::optional<std::vector<api::Comment>>(const api::Photo&)> mount_comments;
  // Video stream ladders of the last run (getSizes once per video and secret); refreshed.
  VideoSizeCache* video_sizes = nullptr;
  // --exif: each photo's exif.json; from `exif_cache` (the last run's, refreshed), else from
  // `mount_exif` (SRC on a mount: what its cache holds), else one getExif.
  bool exif = false;
  ExifCache* exif_cache = nullptr;
  std::function<std::optional<std::string>(const api::Photo&)> mount_exif;
};

// Errors of the photostream walk, the album list or an album walk fail the whole listing
// (a partial album list must not look like deleted albums); a failed comments call only
// marks that photo (comment_errors).
[[nodiscard]] Result<FlickrCatalog> list_flickr_catalog(api::FlickrClient& client,
                                                        const ListingOptions& options,
                                                        const std::atomic<bool>& interrupt);

}  // namespace flickrfs::mirror
