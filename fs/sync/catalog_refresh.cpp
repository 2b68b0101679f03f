// Catalog (see catalog.hpp): listings from Flickr into MetaStore, and the background loop
// (stale-listing checks, recentlyUpdated polling, health check while offline).
#include <algorithm>
#include <ctime>
#include <unordered_set>

#include "fs/log.hpp"
#include "fs/sync/catalog.hpp"

namespace flickrfs::fs {

namespace {

std::int64_t unix_now() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

bool has_video_stream(const api::Photo& photo) {
  return std::any_of(photo.sizes.begin(), photo.sizes.end(),
                     [](const api::Size& s) { return s.media == api::Media::video; });
}

std::vector<std::string> ids_oldest_first(std::vector<api::Photo>& photos) {
  std::sort(photos.begin(), photos.end(), [](const api::Photo& a, const api::Photo& b) {
    if (a.date_upload != b.date_upload) return a.date_upload < b.date_upload;
    if (a.id.size() != b.id.size()) return a.id.size() < b.id.size();
    return a.id < b.id;
  });
  std::vector<std::string> ids;
  ids.reserve(photos.size());
  for (const auto& photo : photos)
    ids.push_back(photo.id);
  return ids;
}

}  // namespace

// Videos: list calls give only poster sizes; the streams need one getSizes per video, once
// (the ladder is stored for the photo's secret and kept by later list upserts).
Result<void> Catalog::fetch_video_sizes(std::span<const api::Photo> photos) {
  for (const auto& photo : photos) {
    if (photo.media != api::Media::video || has_video_stream(photo)) continue;
    FLICKRFS_TRY(const auto cached, m_meta.photo(photo.id));
    if (cached && cached->has_full_sizes) continue;
    auto sizes = m_client->sizes(photo.id);
    if (!sizes.ok()) {
      m_connectivity.report(sizes.error());
      log::warning("getSizes of video %s failed: %s", photo.id.c_str(),
                   sizes.error().describe().c_str());
      continue;  // the poster is served meanwhile
    }
    FLICKRFS_CHECK(m_meta.put_sizes(photo.id, photo.secret, *sizes));
  }
  return success();
}

Result<void> Catalog::fetch_photostream() {
  auto walk = m_client->all_photos(m_options.user);
  if (!walk.ok()) {
    m_connectivity.report(walk.error());
    return std::move(walk).error();
  }
  auto& photos = walk->photos;
  FLICKRFS_CHECK(m_meta.upsert_photos(photos, cache::PhotoSource::list));
  FLICKRFS_CHECK(fetch_video_sizes(photos));
  const auto ids = ids_oldest_first(photos);
  // An incomplete walk that lost photos must not shrink the cached listing (a network
  // error means "unknown", never "deleted"); a complete one is the truth.
  FLICKRFS_TRY(const auto state, m_meta.listing_state(cache::ListingId::photostream()));
  if (!walk->complete && ids.size() < state.count) {
    return make_error(Errc::unavailable, "photostream listing incomplete; keeping the cache");
  }
  return m_meta.replace_photostream(ids, unix_now());
}

// True when page 1 (newest uploads) shows nothing new and the total is unchanged: then the
// full walk is skipped and page 1's metadata is merged.
Result<bool> Catalog::photostream_unchanged() {
  auto page = m_client->photos_page(m_options.user, 1);
  if (!page.ok()) {
    m_connectivity.report(page.error());
    return std::move(page).error();
  }
  FLICKRFS_TRY(const auto state, m_meta.listing_state(cache::ListingId::photostream()));
  if (state.generation == 0 || static_cast<std::uint64_t>(page->total) != state.count) {
    return false;
  }
  const auto snapshot = tree();
  for (const auto& photo : page->photos) {
    if (!snapshot->photo_index(photo.id)) return false;
  }
  FLICKRFS_CHECK(m_meta.upsert_photos(page->photos, cache::PhotoSource::list));
  return true;
}

Result<void> Catalog::fetch_albums(bool& complete) {
  auto sets = m_client->photosets(m_options.user);
  if (!sets.ok()) {
    m_connectivity.report(sets.error());
    return std::move(sets).error();
  }
  FLICKRFS_TRY(const auto before, m_meta.albums());
  FLICKRFS_CHECK(m_meta.replace_albums(*sets, unix_now()));
  for (const auto& set : *sets) {
    const auto old = std::find_if(before.begin(), before.end(),
                                  [&](const api::Photoset& s) { return s.id == set.id; });
    FLICKRFS_TRY(const auto members, m_meta.album_photos(set.id));
    const bool unchanged = old != before.end() && members && old->date_update == set.date_update &&
                           old->photos == set.photos && old->videos == set.videos;
    if (unchanged) continue;
    auto walk = m_client->all_photoset_photos(set.id, "");
    if (!walk.ok()) {
      m_connectivity.report(walk.error());
      log::warning("album %s: %s", set.id.c_str(), walk.error().describe().c_str());
      complete = false;
      continue;
    }
    FLICKRFS_CHECK(m_meta.upsert_photos(walk->photos, cache::PhotoSource::list));
    std::vector<std::string> ids;
    for (const auto& photo : walk->photos)
      ids.push_back(photo.id);
    FLICKRFS_CHECK(m_meta.replace_album_photos(set.id, ids, unix_now()));
  }
  return success();
}

Result<RefreshReport> Catalog::refresh_all() {
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
  auto albums = fetch_albums(report.complete);
  if (!albums.ok()) {
    ++m_refresh_failures;
    report.complete = false;
    log::warning("album list not refreshed: %s", albums.error().describe().c_str());
  }
  FLICKRFS_CHECK(rebuild());
  ++m_refreshes;
  const auto snapshot = tree();
  report.photos = snapshot->photo_count();
  report.albums = snapshot->album_count();
  return report;
}

void Catalog::refresh_if_stale() {
  if (!online() || unix_now() - m_last_check.load() < m_options.dir_cache_time.count()) return;
  m_last_check = unix_now();
  auto unchanged = [&]() -> Result<bool> {
    std::lock_guard lock(m_refresh_mutex);
    FLICKRFS_TRY(const bool same, photostream_unchanged());
    if (!same) return false;
    bool complete = true;
    FLICKRFS_CHECK(fetch_albums(complete));
    FLICKRFS_CHECK(rebuild());
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
Result<void> Catalog::poll_recently_updated() {
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
  return rebuild();
}

void Catalog::check_health() {
  if (m_client == nullptr || m_connectivity.forced_offline()) return;
  api::http::Request request;
  request.url = m_client->rest_url();
  request.timeout = std::chrono::milliseconds(2000);
  if (m_client->http().request(request).ok()) {
    log::info("Flickr reachable again: online");
    m_connectivity.set_online();
  }
}

void Catalog::note_listing(const model::Tree& /*tree*/, const model::Node& dir) {
  if (dir.kind == model::NodeKind::photo_dir) return;  // fixed content
  if (unix_now() - m_last_check.load() < m_options.dir_cache_time.count()) return;
  {
    std::lock_guard lock(m_loop_mutex);
    m_wanted_refresh = true;
  }
  m_loop_wake.notify_all();
}

void Catalog::start() {
  if (m_last_poll.load() == 0) m_last_poll = unix_now();
  if (m_last_check.load() == 0) m_last_check = unix_now();
  m_thread = std::thread([this] { background_loop(); });
}

void Catalog::stop() {
  {
    std::lock_guard lock(m_loop_mutex);
    m_stop = true;
  }
  m_loop_wake.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

void Catalog::background_loop() {
  std::int64_t last_health = 0;
  std::unique_lock lock(m_loop_mutex);
  while (!m_stop) {
    m_loop_wake.wait_for(lock, std::chrono::seconds(1));
    if (m_stop) break;
    const bool wanted = std::exchange(m_wanted_refresh, false);
    lock.unlock();
    const std::int64_t now = unix_now();
    if (m_connectivity.offline()) {
      if (now - last_health >= m_options.health_interval.count()) {
        last_health = now;
        check_health();
      }
    } else {
      if (wanted || m_last_check.load() == 0) refresh_if_stale();
      if (now - m_last_poll.load() >= m_options.poll_interval.count()) {
        auto polled = poll_recently_updated();
        if (!polled.ok()) log::info("recentlyUpdated: %s", polled.error().describe().c_str());
      }
    }
    lock.lock();
  }
}

}  // namespace flickrfs::fs
