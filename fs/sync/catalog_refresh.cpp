// Refresher (see refresher.hpp): listings from Flickr into MetaStore, and the background loop
// (stale-listing checks, recentlyUpdated polling, health check while offline).
#include <algorithm>
#include <ctime>
#include <unordered_set>

#include "fs/log.hpp"
#include "fs/memory_policy.hpp"
#include "fs/sync/first_pages.hpp"
#include "fs/sync/refresher.hpp"
#include "fs/sync/video_streams.hpp"

namespace flickrfs::fs {

namespace {

std::int64_t unix_now() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

// `Item`: api::Photo or api::PhotoKey.
template <class Item>
std::vector<std::string> ids_oldest_first(std::vector<Item>& photos) {
  std::sort(photos.begin(), photos.end(), [](const Item& a, const Item& b) {
    return model::upload_before(a.date_upload, a.id, b.date_upload, b.id);
  });
  std::vector<std::string> ids;
  ids.reserve(photos.size());
  for (const auto& photo : photos)
    ids.push_back(photo.id);
  return ids;
}

}  // namespace

Result<void> Refresher::fetch_video_sizes(std::span<const api::Photo> photos) {
  return fetch_video_streams(*m_client, m_meta, m_connectivity, photos,
                             OnTemporaryFailure::skip_video);
}

Result<void> Refresher::store_page(const api::PhotoPage& page) const {
  if (m_stopping.load()) return make_error(Errc::interrupted, "unmounting");
  FLICKRFS_CHECK(m_meta.upsert_photos(page.photos, cache::PhotoSource::list));
  // Each upsert maps the LMDB pages it reads, and they stay in the RSS until handed back:
  // a first walk of 1,000,000 photos (both walks store about 5 KB a photo) had 450 MB of
  // them resident between two snapshots, most of its peak.
  (void)memory_policy::bound_mapped_pages(*m_meta.env());
  return success();
}

Result<void> Refresher::fetch_photostream() {
  // Each page is stored as it arrives and the walk keeps only the keys the order needs:
  // holding the whole walk until its end made a first fill of 100,000 photos peak at over
  // 600 MB. Video streams come after, page by page (fill_video_sizes): the listing is usable
  // first. An unmount ends the walk at the next page rather than after all of them.
  // A first walk (nothing listed yet) reads the oldest pages first and publishes the mount's
  // pages as they become final (first_pages.hpp): page-0001 lists after three calls instead
  // of after the whole walk (200 calls at 100,000 photos), the rest fills in meanwhile.
  FLICKRFS_TRY(const auto before, m_meta.listing_state(cache::ListingId::photostream()));
  const bool first_walk = before.generation == 0;
  FirstPages first_pages(tree_options(m_options).page_size);
  std::size_t published = 0;  // photos in the last snapshot of first pages
  std::int64_t last_publish = 0;
  // Until page-0001 is out, each page publishes at once (what was read is sorted: a few
  // pages' worth); an account whose upload dates tie across pages falls back to the period.
  int eager_tries = 8;
  const auto publish_final_pages = [&]() -> Result<void> {
    auto ids = first_pages.final_ids();
    if (ids.size() <= published) return success();
    // A page lists once its videos' names are final, which takes their streams (one
    // getSizes a video): fetched here for the first pages shown, so page-0001 lists at once.
    // Later pages' videos wait for the walk's end (fill_video_sizes), as all of them did:
    // at 5 % videos, fetching each page's streams as it came took the walk's share of a
    // default budget by 70,000 photos. A failure leaves those pages to the fill too.
    if (published == 0) {
      FLICKRFS_TRY(const auto videos, videos_missing_sizes(ids));
      if (auto fetched = fetch_video_sizes_of(videos); !fetched.ok()) {
        log::info("streams of the first page's videos: %s", fetched.error().describe().c_str());
      }
    }
    published = ids.size();
    return publish_first_pages(std::move(ids));
  };
  auto walk = m_client->all_photo_keys(
      m_options.user,
      [&](api::PhotoPage& page) -> Result<void> {
        FLICKRFS_CHECK(store_page(page));
        if (!first_walk) return success();
        first_pages.add(page);
        const bool eager = published == 0 && eager_tries-- > 0;
        return publish_progress(last_publish, eager, publish_final_pages);
      },
      first_walk ? api::PageOrder::last_first : api::PageOrder::first_to_last);
  if (!walk.ok()) {
    m_connectivity.report(walk.error());
    return std::move(walk).error();
  }
  const auto ids = ids_oldest_first(walk->photos);
  // An incomplete walk that lost photos must not shrink the cached listing (a network
  // error means "unknown", never "deleted"); a complete one is the truth.
  if (!walk->complete && ids.size() < before.count) {
    return make_error(Errc::unavailable, "photostream listing incomplete; keeping the cache");
  }
  return m_meta.replace_photostream(ids, unix_now());
}

// True when page 1 (newest uploads) tells the whole change: nothing new and the total
// unchanged, or only new uploads (the total grew by exactly the photos of page 1 not known
// yet, each newer than every known one), which go at the end of the stored order. Then the
// full walk (one call per 500 photos: 2,000 at 1,000,000 photos) is skipped and page 1's
// metadata is merged. Anything else (a deletion, a changed upload date) walks everything.
Result<bool> Refresher::photostream_unchanged() {
  auto page = m_client->photos_page(m_options.user, 1);
  if (!page.ok()) {
    m_connectivity.report(page.error());
    return std::move(page).error();
  }
  FLICKRFS_TRY(const auto state, m_meta.listing_state(cache::ListingId::photostream()));
  if (page->pages <= 1 && static_cast<std::int64_t>(page->photos.size()) == page->total) {
    // The whole photostream fits in this page: it is the full listing already.
    FLICKRFS_CHECK(m_meta.upsert_photos(page->photos, cache::PhotoSource::list));
    FLICKRFS_CHECK(fetch_video_sizes(page->photos));
    const auto ids = ids_oldest_first(page->photos);
    FLICKRFS_CHECK(m_meta.replace_photostream(ids, unix_now()));
    return true;
  }
  if (state.generation == 0) return false;
  std::vector<api::Photo> added;
  {
    const auto snapshot = tree();
    for (const auto& photo : page->photos) {
      if (!snapshot->photo_index(photo.id)) added.push_back(photo);
    }
  }
  if (static_cast<std::uint64_t>(page->total) != state.count + added.size()) return false;
  if (added.empty()) {
    FLICKRFS_CHECK(m_meta.upsert_photos(page->photos, cache::PhotoSource::list));
    return true;
  }
  FLICKRFS_TRY(auto ids, m_meta.photostream());
  if (ids.size() != state.count) return false;
  if (!ids.empty()) {
    FLICKRFS_TRY(const auto newest, m_meta.photo(ids.back()));
    if (!newest) return false;
    const auto older = [&](const api::Photo& p) {
      return p.date_upload < newest->photo.date_upload;
    };
    if (std::any_of(added.begin(), added.end(), older)) return false;
  }
  FLICKRFS_CHECK(m_meta.upsert_photos(page->photos, cache::PhotoSource::list));
  FLICKRFS_CHECK(fetch_video_sizes(added));
  for (auto& id : ids_oldest_first(added))
    ids.push_back(std::move(id));
  FLICKRFS_CHECK(m_meta.replace_photostream(ids, unix_now()));
  log::info("listing check: %zu new upload(s), appended without a full walk", added.size());
  return true;
}

Result<void> Refresher::fetch_albums(bool& complete) {
  FLICKRFS_TRY(auto stale, fetch_album_list());
  return walk_albums(std::move(stale), complete);
}

Result<RefreshReport> Refresher::refresh_all() {
  std::lock_guard lock(m_refresh_mutex);
  if (!online()) return make_error(Errc::offline, "offline: listing not refreshed");
  m_last_check = unix_now();
  RefreshReport report;
  report.complete = true;
  auto stream = fetch_photostream();
  if (!stream.ok()) {
    ++m_refresh_failures;
    return std::move(stream).error();
  }
  FLICKRFS_CHECK(rebuild());  // the photostream is usable before albums and video streams
  auto albums = fetch_albums(report.complete);
  if (!albums.ok()) {
    ++m_refresh_failures;
    report.complete = false;
    log::warning("album list not refreshed: %s", albums.error().describe().c_str());
  }
  FLICKRFS_CHECK(rebuild());
  auto videos = fill_video_sizes();
  if (!videos.ok()) {
    report.complete = false;
    log::warning("video streams not fetched: %s", videos.error().describe().c_str());
  }
  ++m_refreshes;
  const auto snapshot = tree();
  report.photos = snapshot->photo_count();
  report.albums = snapshot->album_count();
  return report;
}

void Refresher::refresh_if_stale() {
  if (!online() || unix_now() - m_last_check.load() < m_options.dir_cache_time.count()) return;
  m_last_check = unix_now();
  auto unchanged = [&]() -> Result<bool> {
    std::lock_guard lock(m_refresh_mutex);
    FLICKRFS_TRY(const bool same, photostream_unchanged());
    if (!same) return false;
    bool complete = true;
    FLICKRFS_CHECK(fetch_albums(complete));
    FLICKRFS_CHECK(rebuild_if_changed());
    ++m_refreshes;
    return true;
  }();
  if (unchanged.ok() && *unchanged) return;
  if (!unchanged.ok()) {
    ++m_refresh_failures;
    log::info("listing check failed: %s", unchanged.error().describe().c_str());
    return;
  }
  auto full = refresh_all();
  if (!full.ok()) log::info("listing refresh failed: %s", full.error().describe().c_str());
}

// Metadata changes (retitle, replace, new comment) without a full listing.
Result<void> Refresher::poll_recently_updated() {
  const std::int64_t since = m_last_poll.exchange(unix_now()) - 60;  // clock skew margin
  std::vector<api::Photo> changed;
  for (int page = 1;; ++page) {
    auto reply = m_client->recently_updated(since, page);
    if (!reply.ok()) {
      m_connectivity.report(reply.error());
      return std::move(reply).error();
    }
    for (auto& photo : reply->photos)
      changed.push_back(std::move(photo));
    if (page >= reply->pages || reply->photos.empty()) break;
  }
  if (changed.empty()) return success();
  const auto snapshot = tree();
  const bool unknown = std::any_of(changed.begin(), changed.end(), [&](const api::Photo& p) {
    return !snapshot->photo_index(p.id);
  });
  std::lock_guard lock(m_refresh_mutex);
  FLICKRFS_CHECK(m_meta.upsert_photos(changed, cache::PhotoSource::list));
  FLICKRFS_CHECK(fetch_video_sizes(changed));
  if (unknown) m_last_check = 0;  // a new upload: the next loop turn re-lists
  return rebuild_if_changed();
}

void Refresher::check_health() {
  if (m_client == nullptr || m_connectivity.forced_offline()) return;
  // Reachable is not enough: while Flickr answers 5xx or "service unavailable" the mount
  // stays degraded (serving the cache) instead of flapping online and failing every call.
  auto pinged = m_client->ping(std::chrono::milliseconds(2000));
  if (pinged.ok()) {
    log::warning("Flickr answers normally again: online");
    m_connectivity.set_online();
  } else if (pinged.error().code == Errc::network) {
    m_connectivity.set_offline(pinged.error().describe());
  } else {
    m_connectivity.set_degraded(pinged.error().describe());
  }
}

void Refresher::note_listing() {
  if (unix_now() - m_last_check.load() < m_options.dir_cache_time.count()) return;
  m_requests.want_refresh();
}

void Refresher::request_refresh() {
  m_last_check = 0;  // stale now, whatever --dir-cache-time says
  m_requests.want_refresh_now();
}

void Refresher::start() {
  if (m_last_poll.load() == 0) m_last_poll = unix_now();
  if (m_last_check.load() == 0) m_last_check = unix_now();
  m_thread = std::thread([this] { background_loop(); });
}

void Refresher::stop() {
  m_requests.stop();
  m_stopping = true;
  m_snapshots.wake_waiters();  // releases await_listing()
  if (m_thread.joinable()) m_thread.join();
}

void Refresher::background_loop() {
  constexpr std::int64_t kReleaseSeconds = memory_policy::kReleasePeriod.count();
  std::int64_t last_health = 0;
  std::int64_t last_release = unix_now();
  bool wanted = false;
  while (m_requests.begin_turn(wanted)) {
    const std::int64_t now = unix_now();
    if (m_connectivity.offline()) {
      if (now - last_health >= m_options.health_interval.count()) {
        last_health = now;
        check_health();
      }
    } else {
      fill_if_incomplete();  // a first mount: what the cache does not hold yet
      if (wanted || m_last_check.load() == 0) refresh_if_stale();
      // recentlyUpdated reports the token owner's photos only: another user's public
      // photos are kept fresh by the listing checks alone.
      if (m_options.user == "me" && now - m_last_poll.load() >= m_options.poll_interval.count()) {
        auto polled = poll_recently_updated();
        if (!polled.ok()) log::info("recentlyUpdated: %s", polled.error().describe().c_str());
      }
    }
    if (now - last_release >= kReleaseSeconds) {
      last_release = now;
      memory_policy::release_free_memory(*m_meta.env());
    }
    if (!m_requests.wait(std::chrono::seconds(1))) break;
  }
}

}  // namespace flickrfs::fs
