// See video_streams.hpp.
#include "fs/sync/video_streams.hpp"

#include <algorithm>

#include "fs/log.hpp"

namespace flickrfs::fs {

bool has_video_stream(const api::Photo& photo) {
  return std::any_of(photo.sizes.begin(), photo.sizes.end(),
                     [](const api::Size& s) { return s.media == api::Media::video; });
}

Result<void> fetch_video_streams(api::FlickrClient& client, cache::MetaStore& meta,
                                 Connectivity& connectivity, std::span<const api::Photo> photos,
                                 OnTemporaryFailure on_temporary) {
  for (const auto& photo : photos) {
    if (photo.media != api::Media::video || has_video_stream(photo)) continue;
    FLICKRFS_TRY(const auto cached, meta.photo(photo.id));
    if (cached && cached->has_full_sizes) continue;
    auto sizes = client.sizes(photo.id);
    if (!sizes.ok()) {
      connectivity.report(sizes.error());
      if (on_temporary == OnTemporaryFailure::stop && is_temporary(sizes.error())) {
        return std::move(sizes).error();
      }
      log::warning("getSizes of video %s failed: %s (serving the poster)", photo.id.c_str(),
                   sizes.error().describe().c_str());
      continue;
    }
    FLICKRFS_CHECK(meta.put_sizes(photo.id, photo.secret, *sizes));
  }
  return success();
}

}  // namespace flickrfs::fs
