// Refresher (see refresher.hpp): the background fill of what a first mount does not know yet.
//
// The mount comes up at once with whatever the cache holds; the background thread then
// fetches, in this order, the photostream walk, the streams of videos (page by page: a page
// counts as listed once its videos' names are final), the album list and each album's
// members, rebuilding the snapshot as parts arrive (the change listener turns each rebuild
// into kernel invalidations). On a first mount the album side's replies are asked ahead,
// beside the photostream walk (fill_missing). A FUSE op that needs a directory not listed
// yet waits in await_listing(), bounded, and the directory it waits for is fetched first.
//
// Thread contract: await_listing() from any thread (waits in SnapshotStore::wait_until,
// never calls the network); fetch_album_replies() on a thread of its own, calling only the
// (thread-safe) client and MetaStore::upsert_photos; everything else on the background thread
// under m_refresh_mutex.
#include <algorithm>
#include <atomic>
#include <ctime>
#include <future>
#include <optional>
#include <thread>
#include <unordered_map>

#include "fs/log.hpp"
#include "fs/memory_policy.hpp"
#include "fs/model/inode.hpp"
#include "fs/sync/parallel_for.hpp"
#include "fs/sync/refresher.hpp"
#include "fs/sync/video_streams.hpp"

namespace flickrfs::fs {

namespace {

std::int64_t unix_now() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

// Runs call(i) for every i in [0, count) on up to kParallelCalls threads (this one
// included, the others the catalog's work queue) and returns the results in order. The client is
// thread-safe and every call takes its token from the shared rate limiter, so parallel calls stay
// within the budget; they only overlap the round trips a first mount would otherwise pay one after
// another.
constexpr unsigned kParallelCalls = 8;

template <class T, class Call>
std::vector<T> parallel_calls(api::WorkQueue& queue, std::size_t count, const T& not_attempted,
                              Call call) {
  std::vector<T> out(count, not_attempted);
  static const std::atomic<bool> kNeverStop{false};  // every call is attempted
  parallel_for(queue, count, kParallelCalls, kNeverStop, [&](std::size_t i) { out[i] = call(i); });
  return out;
}

}  // namespace

bool Refresher::video_sizes_missing(const cache::CachedPhoto& cached) {
  const api::Photo& photo = cached.photo;
  return photo.media == api::Media::video && !cached.has_full_sizes && !has_video_stream(photo);
}

std::shared_ptr<const model::Tree> Refresher::await_listing(const model::Node& dir,
                                                            std::chrono::milliseconds bound) {
  const model::Ino ino = dir.ino;
  return await_fill(
      ino,
      [ino](const model::Tree& snapshot) {
        const auto node = snapshot.node(ino);
        return !node || snapshot.listed(*node);
      },
      bound);
}

std::shared_ptr<const model::Tree> Refresher::await_subdir(const model::Node& dir,
                                                           std::string_view name,
                                                           std::chrono::milliseconds bound) {
  const model::Ino ino = dir.ino;
  return await_fill(
      ino,
      [ino, name = std::string(name)](const model::Tree& snapshot) {
        const auto node = snapshot.node(ino);
        if (!node || snapshot.listed(*node)) return true;
        const auto entry = snapshot.lookup(ino, name);
        return entry && model::is_directory(entry->kind);
      },
      bound);
}

std::shared_ptr<const model::Tree> Refresher::await_albums(std::chrono::milliseconds bound) {
  return await_fill(
      std::nullopt, [](const model::Tree& snapshot) { return snapshot.albums_complete(); }, bound);
}

std::shared_ptr<const model::Tree> Refresher::await_fill(
    std::optional<model::Ino> wanted_dir, const std::function<bool(const model::Tree&)>& done,
    std::chrono::milliseconds bound) {
  auto snapshot = tree();
  if (done(*snapshot) || !online()) return snapshot;
  m_requests.want_fill(wanted_dir);
  const std::uint64_t attempts = m_fill_attempts.load();
  // A fill attempt that ends without the listing (failed) releases the waiter too: it
  // answers with what is cached rather than wait out the bound.
  return m_snapshots.wait_until(
      [&](const model::Tree& current) {
        return done(current) || !online() || m_stopping.load() ||
               m_fill_attempts.load() != attempts;
      },
      bound);
}

// Rebuilds when what just arrived is what someone waits for (`wanted_now`), else at most
// every few seconds, so a long fill shows its progress without rebuilding (and diffing) a
// 100,000-photo snapshot for every page of it: such a rebuild costs about a second, and a
// waiter for something else (info.json waits for every album) gains nothing from it. The
// period, counted from the end of the last rebuild, grows with that rebuild's cost (its
// diff for the kernel included: a minute or two at 1,000,000 photos on a loaded machine),
// so the fill spends at most a third of its time rebuilding; counted from its start, a
// 1,000,000-photo fill rebuilt after every page.
Result<void> Refresher::publish_progress(std::int64_t& last_publish, bool wanted_now,
                                         const std::function<Result<void>()>& publish) {
  const std::int64_t period = std::max<std::int64_t>(5, 2 * m_rebuild_ms.load() / 1000);
  if (!wanted_now && unix_now() - last_publish < period) return success();
  auto rebuilt = publish ? publish() : rebuild();
  last_publish = unix_now();
  return rebuilt;
}

// getSizes for a page's videos, a few at once (each call takes its token from the client's
// shared RateLimiter): a page waits for about one round trip, not one per video.
std::vector<Result<std::vector<api::Size>>> Refresher::fetch_sizes_parallel(
    const std::vector<const model::PhotoCore*>& videos) {
  return parallel_calls<Result<std::vector<api::Size>>>(
      *m_options.work_queue, videos.size(), make_error(Errc::interrupted, "getSizes not attempted"),
      [&](std::size_t i) { return m_client->sizes(videos[i]->id); });
}

Result<void> Refresher::fetch_video_sizes_of(const std::vector<model::PhotoCore>& cores) {
  std::vector<const model::PhotoCore*> videos;
  for (const auto& core : cores)
    videos.push_back(&core);
  auto ladders = fetch_sizes_parallel(videos);
  std::vector<cache::MetaStore::SizesEntry> fetched;
  for (std::size_t v = 0; v < videos.size(); ++v) {
    const model::PhotoCore& photo = *videos[v];
    auto& sizes = ladders[v];
    if (!sizes.ok()) {
      m_connectivity.report(sizes.error());
      if (is_temporary(sizes.error())) {
        FLICKRFS_CHECK(m_meta.put_sizes_many(fetched));  // what did arrive is kept
        return std::move(sizes).error();
      }
      log::warning("getSizes of video %s failed: %s (serving the poster)", photo.id.c_str(),
                   sizes.error().describe().c_str());
      m_sizes_failed.insert(photo.id);
      m_failed_unbuilt.insert(photo.id);
      continue;
    }
    fetched.push_back({photo.id, photo.secret, std::move(*sizes)});
  }
  FLICKRFS_CHECK(m_meta.put_sizes_many(fetched));
  // Each video's record is read and written at random: see memory_policy.hpp.
  (void)memory_policy::bound_mapped_pages(*m_meta.env());
  return success();
}

Result<std::vector<model::PhotoCore>> Refresher::videos_missing_sizes(
    std::span<const std::string> ids) const {
  std::vector<model::PhotoCore> out;
  for (const auto& id : ids) {
    FLICKRFS_TRY(auto cached, m_meta.photo(id));
    if (!cached || !video_sizes_missing(*cached) || m_sizes_failed.count(id) != 0) continue;
    out.push_back(model::core_of(std::move(cached->photo)));
  }
  return out;
}

Result<void> Refresher::fill_video_sizes() {
  // No snapshot is held across publish_progress(): a rebuild then keeps only the current
  // snapshot and the one it builds (two, not three, at 1,000,000 photos).
  std::vector<std::uint32_t> pages;
  {
    const auto snapshot = tree();
    for (std::uint32_t page = 1; page <= snapshot->page_count(); ++page) {
      const auto node = snapshot->node(snapshot->page_ino(page));
      if (node && !snapshot->listed(*node)) pages.push_back(page);
    }
  }
  // Each page whose streams arrive is a chunk the next rebuild allocates while the snapshot it
  // replaces still holds the old one. A fast fill (budget lifted) of 1,000,000 photos got every
  // stream within one publish period, and its one rebuild of all 2,000 pages took the heap
  // from 356 to 701 MB: the fill's peak. So a rebuild comes after at most kPagesPerPublish.
  constexpr std::size_t kPagesPerPublish = 200;
  std::size_t unpublished = 0;
  const auto publish = [&]() -> Result<void> {
    unpublished = 0;
    return rebuild();
  };
  std::int64_t last_publish = unix_now();
  while (!pages.empty() && !m_stopping.load()) {
    std::vector<model::PhotoCore> cores;  // copies: the snapshot is not kept
    bool page_wanted = false;
    {
      const auto snapshot = tree();
      auto next = std::find_if(pages.begin(), pages.end(),
                               [&](std::uint32_t p) { return wanted(snapshot->page_ino(p)); });
      page_wanted = next != pages.end();
      if (next == pages.end()) next = pages.begin();
      const auto [begin, end] = snapshot->page_range(*next);
      pages.erase(next);
      for (std::size_t i = begin; i < end; ++i) {
        const auto record = snapshot->photo(static_cast<std::uint32_t>(i));
        if (record.sizes_pending) cores.push_back(record.photo.copy());
      }
    }
    FLICKRFS_CHECK(fetch_video_sizes_of(cores));
    ++unpublished;
    FLICKRFS_CHECK(
        publish_progress(last_publish, page_wanted || unpublished >= kPagesPerPublish, publish));
  }
  return rebuild();
}

Refresher::AlbumReplies Refresher::fetch_album_replies() const {
  AlbumReplies replies;
  replies.sets = m_client->photosets(m_options.user);
  replies.collections = m_client->collections_tree(m_options.user);
  if (!replies.sets->ok()) return replies;
  const auto& sets = **replies.sets;
  auto members = parallel_calls<Result<std::vector<std::string>>>(
      *m_options.work_queue, sets.size(), make_error(Errc::interrupted, "album walk not attempted"),
      [&](std::size_t i) { return fetch_album_members(sets[i].id); });
  for (std::size_t i = 0; i < sets.size(); ++i)
    replies.members.emplace(sets[i].id, std::move(members[i]));
  return replies;
}

// Each page is stored as it arrives: eight album walks side by side, each holding its
// album's photos whole until its end, were the largest part of a first fill's peak (124 MB
// of 100,000 photos in 20 albums, heaptrack).
Result<std::vector<std::string>> Refresher::fetch_album_members(const std::string& album_id) const {
  FLICKRFS_TRY(const api::KeyWalk walk,
               m_client->all_photoset_keys(album_id, "",
                                           [&](api::PhotoPage& page) { return store_page(page); }));
  std::vector<std::string> ids;
  ids.reserve(walk.photos.size());
  for (const auto& photo : walk.photos)
    ids.push_back(photo.id);
  return ids;
}

Result<std::vector<std::string>> Refresher::fetch_album_list(AlbumReplies* ahead) {
  auto sets = ahead != nullptr && ahead->sets ? std::move(*ahead->sets)
                                              : m_client->photosets(m_options.user);
  if (!sets.ok()) {
    m_connectivity.report(sets.error());
    return std::move(sets).error();
  }
  FLICKRFS_TRY(const auto before, m_meta.albums());
  FLICKRFS_CHECK(m_meta.replace_albums(*sets, unix_now()));
  FLICKRFS_CHECK(fetch_collections(ahead));  // collections/ refreshes with the album list
  FLICKRFS_CHECK(m_favorites.fetch());       // and favorites/
  std::unordered_map<std::string_view, const api::Photoset*> old_by_id;
  for (const auto& set : before)
    old_by_id.emplace(set.id, &set);
  std::vector<std::string> stale;  // albums whose members must be (re)fetched
  for (const auto& set : *sets) {
    const auto found = old_by_id.find(set.id);
    const api::Photoset* old = found == old_by_id.end() ? nullptr : found->second;
    FLICKRFS_TRY(const auto members, m_meta.album_photos(set.id));
    const bool unchanged = old != nullptr && members && old->date_update == set.date_update &&
                           old->photos == set.photos && old->videos == set.videos;
    if (!unchanged) stale.push_back(set.id);
  }
  return stale;
}

Result<void> Refresher::walk_albums(std::vector<std::string> album_ids, bool& complete,
                                    AlbumReplies* ahead) {
  // Concurrent lookups of distinct albums in `ahead` (no insertion): safe without a lock.
  const auto members_of = [&](const std::string& id) -> Result<std::vector<std::string>> {
    if (ahead != nullptr) {
      const auto found = ahead->members.find(id);
      if (found != ahead->members.end()) return std::move(found->second);
    }
    return fetch_album_members(id);
  };
  std::int64_t last_publish = unix_now();
  while (!album_ids.empty() && !m_stopping.load()) {
    // Albums someone is waiting for first, then in order; kParallelCalls walks at a time
    // (info.json waits for every album, so a first `ls -l` pays these round trips).
    bool batch_wanted = false;
    {  // not held across publish_progress() (see fill_video_sizes)
      const auto snapshot = tree();
      const auto is_wanted = [&](const std::string& id) {
        const auto index = snapshot->album_index(id);
        return index && wanted(snapshot->album(*index).ino);
      };
      std::stable_partition(album_ids.begin(), album_ids.end(), is_wanted);
      batch_wanted = is_wanted(album_ids.front());
    }
    const auto batch_end = album_ids.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(
                                                   kParallelCalls, album_ids.size()));
    const std::vector<std::string> batch(album_ids.begin(), batch_end);
    album_ids.erase(album_ids.begin(), batch_end);
    auto members = parallel_calls<Result<std::vector<std::string>>>(
        *m_options.work_queue, batch.size(),
        make_error(Errc::interrupted, "album walk not attempted"),
        [&](std::size_t i) { return members_of(batch[i]); });
    std::optional<Error> retry_later;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const std::string& id = batch[i];
      const auto& ids = members[i];
      if (!ids.ok()) {
        m_connectivity.report(ids.error());
        log::warning("album %s: %s", id.c_str(), ids.error().describe().c_str());
        complete = false;
        if (is_temporary(ids.error())) {
          if (!retry_later) retry_later = ids.error();
          continue;
        }
        m_albums_failed.insert(id);  // shown empty until a later refresh succeeds
        continue;
      }
      FLICKRFS_CHECK(m_meta.replace_album_photos(id, *ids, unix_now()));
      m_albums_failed.erase(id);
    }
    FLICKRFS_CHECK(publish_progress(last_publish, batch_wanted));
    if (retry_later) return std::move(*retry_later);
  }
  return success();
}

Result<void> Refresher::fill_missing() {
  std::lock_guard lock(m_refresh_mutex);
  const auto listed = [&](model::Ino ino) {
    const auto snapshot = tree();
    const auto node = snapshot->node(ino);
    return node && snapshot->listed(*node);
  };
  // A first mount: info.json waits for the photostream and for every album (it names the
  // photo's albums), and neither side needs the other's replies, so the album side's round
  // trips are asked on a second thread while the photostream is walked. That thread stores
  // each album's photo records as they arrive (MetaStore takes writes from any thread; both
  // sides write the same PhotoSource::list records) and keeps only member ids, so the fill
  // never holds every album's records at once (at 100,000 photos in 20 albums that was the
  // largest part of its peak). The album list, memberships and rebuilds stay on this thread,
  // after the photostream's. (A refresh asks only for the albums that changed, which it
  // learns from the album list: it stays sequential.)
  std::future<AlbumReplies> album_replies;
  if (!listed(model::kSetsIno)) {
    album_replies = std::async(std::launch::async, [this] { return fetch_album_replies(); });
  }
  if (!listed(model::kPhotostreamIno)) {
    m_last_check = unix_now();
    FLICKRFS_CHECK(fetch_photostream());
    FLICKRFS_CHECK(rebuild());
  }
  FLICKRFS_CHECK(fill_video_sizes());
  std::vector<std::string> albums;
  std::optional<AlbumReplies> ahead;
  if (album_replies.valid()) {
    ahead = album_replies.get();
    FLICKRFS_TRY(albums, fetch_album_list(&*ahead));
    FLICKRFS_CHECK(rebuild());
  } else {
    if (!listed(model::kCollectionsIno)) {  // a cache from before collections/ existed
      FLICKRFS_CHECK(fetch_collections());
      FLICKRFS_CHECK(rebuild());
    }
    if (!listed(model::kFavoritesIno)) {  // or before favorites/
      FLICKRFS_CHECK(m_favorites.fetch());
      FLICKRFS_CHECK(rebuild());
    }
    for (const auto& album : tree()->albums()) {
      if (!album.listed) albums.push_back(album.set.id);
    }
  }
  bool complete = true;
  FLICKRFS_CHECK(walk_albums(std::move(albums), complete, ahead ? &*ahead : nullptr));
  FLICKRFS_CHECK(rebuild());
  m_requests.clear_wanted_dirs();
  ++m_refreshes;
  return success();
}

// One background turn of the fill; after a failure the next try waits a few seconds.
// Each attempt's end releases the waiters (fill_attempts), whatever it achieved.
void Refresher::fill_if_incomplete() {
  constexpr std::int64_t kRetryAfter = 5;
  if (tree()->complete()) return;
  if (unix_now() - m_last_fill_failure < kRetryAfter) return;
  auto filled = fill_missing();
  if (!filled.ok()) {
    ++m_refresh_failures;
    m_last_fill_failure = unix_now();
    log::info("background listing: %s", filled.error().describe().c_str());
  }
  ++m_fill_attempts;
  m_snapshots.wake_waiters();
}

}  // namespace flickrfs::fs
