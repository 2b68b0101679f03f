// SidecarService (see sidecar_service.hpp): the comments each info.json carries (DESIGN section 3).
//
// A photo with comments costs one flickr.photos.comments.getList, once per last_update (a
// new comment bumps it); the reply is stored in MetaStore, so a later mount, or an offline
// one, renders the same bytes. Fetches go through m_comment_fetcher: single flight per
// (photo, last_update), at most kCommentCalls at once, each call taking its token from the
// client's shared RateLimiter. The walk-ahead of Catalog::note_attr_wanted() queues the comments of
// the photos it probes, so `ls -l` of a page resolves info.json sizes in parallel bursts
// beside the image probes instead of one round trip per photo.
#include "fs/sync/sidecar_service.hpp"

namespace flickrfs::fs {

namespace {

std::string comments_fetch_key(const model::PhotoCoreRef& photo) {
  return std::string(photo.id) + "@" + std::to_string(photo.last_update);
}

}  // namespace

bool SidecarService::comments_fresh(const model::PhotoCoreRef& photo) const {
  if (photo.count_comments == 0) return true;
  const auto current = m_meta.comments_current(photo.id, photo.last_update);
  return current.ok() && *current;
}

Result<SizeResolver::Found> SidecarService::fetch_comments(const model::PhotoCoreRef& photo) {
  if (!online())
    return make_error(Errc::offline, "offline: comments of " + std::string(photo.id) + " unknown");
  auto comments = m_client->comments(std::string(photo.id));
  if (!comments.ok()) {
    m_connectivity.report(comments.error());
    return std::move(comments).error();
  }
  FLICKRFS_CHECK(m_meta.put_comments_as_of(photo.id, *comments, photo.last_update));
  return SizeResolver::Found{comments->size(), {}};
}

void SidecarService::prefetch_comments(const model::PhotoCoreRef& photo) {
  if (!online() || comments_fresh(photo)) return;
  // Walk-ahead only spends spare budget: with the API bucket empty, the foreground fetches
  // what it needs when it needs it.
  if (m_client->rate_limiter().api_wait_time().count() > 0) return;
  m_comment_fetcher.prefetch(comments_fetch_key(photo), [this, photo_copy = photo.copy()] {
    return fetch_comments(photo_copy);
  });
}

Result<std::vector<api::Comment>> SidecarService::comments_of(
    const model::PhotoCoreRef& photo, std::optional<std::chrono::milliseconds> network_bound) {
  if (photo.count_comments == 0) return std::vector<api::Comment>{};
  FLICKRFS_TRY(auto fresh, m_meta.comments_as_of(photo.id, photo.last_update));
  if (fresh) return std::move(*fresh);
  if (!network_bound || !online()) {
    // Stale comments beat none when offline; a photo never fetched has nothing to show.
    FLICKRFS_TRY(auto stored, m_meta.comments(photo.id));
    if (stored && !network_bound) return make_error(Errc::offline, "comments not fresh");
    if (stored) return std::move(*stored);
    return make_error(Errc::offline,
                      "offline: comments of photo " + std::string(photo.id) + " unknown");
  }
  // Joins a walk-ahead fetch of the same photo when one is queued or running.
  FLICKRFS_CHECK(m_comment_fetcher.resolve(
      comments_fetch_key(photo),
      [this, photo_copy = photo.copy()] { return fetch_comments(photo_copy); }, *network_bound));
  FLICKRFS_TRY(auto stored, m_meta.comments(photo.id));
  if (!stored)
    return make_error(Errc::unavailable, "comments of photo " + std::string(photo.id) + " lost");
  return std::move(*stored);
}

}  // namespace flickrfs::fs
