#pragma once
// A video's streams: Flickr's list calls give only a video's poster sizes, so each video
// needs one flickr.photos.getSizes for its streams, once. The ladder is stored in MetaStore
// for the photo's secret, and later list upserts keep it. Used by the photostream's and the
// favorites' listings (Refresher, FavoritesSync); the mirror's listing has its own cache.
//
// Thread contract: the caller's thread; the client and MetaStore are thread-safe.

#include <cstdint>
#include <span>

#include "api/flickr_client.hpp"
#include "api/types.hpp"
#include "base/result.hpp"
#include "cache/meta_store.hpp"
#include "fs/sync/connectivity.hpp"

namespace flickrfs::fs {

// True when `photo`'s ladder has a video stream row (not only the poster's sizes).
[[nodiscard]] bool has_video_stream(const api::Photo& photo);

// What a getSizes failure that may pass (is_temporary) does to the rest of the list.
enum class OnTemporaryFailure : std::uint8_t {
  skip_video,  // the video keeps its poster; the others are fetched
  stop,        // returned at once: the caller retries the whole step later
};

// Fetches and stores the streams of each video in `photos` that has none, listed or stored.
// Every failure is reported to `connectivity`; a failure not returned is logged and that
// video is served by its poster.
[[nodiscard]] Result<void> fetch_video_streams(api::FlickrClient& client, cache::MetaStore& meta,
                                               Connectivity& connectivity,
                                               std::span<const api::Photo> photos,
                                               OnTemporaryFailure on_temporary);

}  // namespace flickrfs::fs
