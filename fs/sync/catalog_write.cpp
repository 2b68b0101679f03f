// Refresher (see refresher.hpp): what a --writable mount changes on Flickr and then here: a
// deleted photo leaves the listings, a replaced one gets its new secret (and so new files).
#include <algorithm>
#include <ctime>

#include "fs/log.hpp"
#include "fs/sync/refresher.hpp"

namespace flickrfs::fs {

Result<void> Refresher::delete_photo(const std::string& photo_id) {
  if (!online()) return make_error(Errc::offline, "offline: photo " + photo_id + " not deleted");
  // Held across the call: a listing fetched meanwhile would still show the photo and, written
  // after our removal, bring it back. Refreshes wait for the delete instead.
  std::lock_guard lock(m_refresh_mutex);
  auto deleted = m_client->delete_photo(photo_id);
  if (!deleted.ok()) {
    m_connectivity.report(deleted.error());
    return std::move(deleted).error();
  }
  // Flickr confirmed: only now does anything change here.
  log::info("photo %s deleted on Flickr", photo_id.c_str());
  FLICKRFS_TRY(auto ids, m_meta.photostream());
  FLICKRFS_TRY(const auto stream, m_meta.listing_state(cache::ListingId::photostream()));
  std::erase(ids, photo_id);
  FLICKRFS_CHECK(m_meta.replace_photostream(ids, stream.fetched_at));
  FLICKRFS_TRY(const auto albums, m_meta.albums_of(photo_id));
  for (const auto& album : albums) {
    FLICKRFS_TRY(auto members, m_meta.album_photos(album.id));
    if (!members) continue;
    std::erase(*members, photo_id);
    FLICKRFS_TRY(const auto state, m_meta.listing_state(cache::ListingId::album(album.id)));
    FLICKRFS_CHECK(m_meta.replace_album_photos(album.id, *members, state.fetched_at));
  }
  return rebuild();
}

void Refresher::note_replaced(const std::string& photo_id) {
  // The replaced photo's last_update moved: recentlyUpdated brings its new secret and URLs.
  auto polled = poll_recently_updated();
  if (!polled.ok()) {
    log::info("after replacing photo %s: recentlyUpdated: %s", photo_id.c_str(),
              polled.error().describe().c_str());
  }
}

}  // namespace flickrfs::fs
