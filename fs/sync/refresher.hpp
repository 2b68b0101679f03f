#pragma once
// Refresher: keeps the stored listings in step with Flickr and rebuilds the snapshot from
// them (SnapshotStore::publish).
//
// - load_from_cache(): the snapshot from MetaStore alone (instant, offline-safe); the mount
//   comes up with it, and start()'s thread fills in what is missing (a first mount:
//   photostream, video streams, albums; catalog_fill.cpp) while await_listing() lets a
//   FUSE op wait, bounded, for the directory it needs;
// - refresh_all(): a full listing (people.getPhotos with extras, every page; the album list;
//   each album whose date_update or count changed, the collection tree, catalog_collections.cpp),
//   written to MetaStore, then a rebuild;
// - the background thread (start()): listings older than --dir-cache-time are re-checked
//   when used (a cheap first-page check, a full walk only when something was added or
//   removed); flickr.photos.recentlyUpdated every --poll-interval; a health check while
//   offline (catalog_refresh.cpp). A failed refresh never removes anything (the cache keeps
//   serving);
// - what a --writable mount changes (catalog_write.cpp).
//
// Thread contract: thread-safe. Writers of the stored listings (the background thread, and
// refresh_all(), load_from_cache(), delete_photo(), note_replaced() on their caller's
// thread) are serialized on m_refresh_mutex; await_*() wait in the SnapshotStore and never
// call the network. Lock order: m_refresh_mutex, then RefreshRequests' or SnapshotStore's
// mutex (each a leaf).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "api/flickr_client.hpp"
#include "api/work_queue.hpp"
#include "cache/meta_store.hpp"
#include "fs/model/tree.hpp"
#include "fs/sync/connectivity.hpp"
#include "fs/sync/favorites_sync.hpp"
#include "fs/sync/refresh_requests.hpp"
#include "fs/sync/snapshot_store.hpp"

namespace flickrfs::fs {

class CacheFeed;

struct CatalogOptions {
  std::string user = "me";  // "me" or an NSID (already resolved)
  std::vector<std::string> sizes = {"best"};
  std::chrono::seconds dir_cache_time{60};
  std::chrono::seconds poll_interval{300};
  unsigned probe_threads = 16;  // walk-ahead size probes at once
  // The mount's work queue; null: Catalog makes one of its own (CLI commands, tests).
  api::WorkQueue* work_queue = nullptr;
  std::chrono::seconds health_interval{3};
  bool exif = false;  // --exif: <stem>.exif.json files (sidecar_exif.cpp)
};

// The snapshot options of every rebuild.
[[nodiscard]] model::TreeOptions tree_options(const CatalogOptions& options);

struct RefreshReport {
  std::size_t photos = 0;
  std::size_t albums = 0;
  bool complete = false;  // every listing was read in full
};

class Refresher {
 public:
  // For status.
  struct Stats {
    std::int64_t last_check = 0;  // unix seconds of the last listing check, 0: never
    std::uint64_t refreshes = 0;
    std::uint64_t refresh_failures = 0;
    std::uint64_t rebuilds = 0;        // snapshots built
    std::int64_t last_rebuild_ms = 0;  // the last rebuild and its diff, wall time
  };

  // `client` may be null (offline mount); the others must outlive the refresher.
  Refresher(api::FlickrClient* client, cache::MetaStore& meta, Connectivity& connectivity,
            SnapshotStore& snapshots, CatalogOptions options);
  ~Refresher();
  Refresher(const Refresher&) = delete;
  Refresher& operator=(const Refresher&) = delete;

  [[nodiscard]] Result<void> load_from_cache();
  [[nodiscard]] Result<RefreshReport> refresh_all();
  // The background thread. stop() (or the destructor) joins it.
  void start();
  void stop();
  // A listing was used: re-checked by the thread once older than --dir-cache-time.
  void note_listing();
  // The account changed from here: the thread re-checks the listing now.
  void request_refresh();
  // catalog_write.cpp
  [[nodiscard]] Result<void> delete_photo(const std::string& photo_id);
  void note_replaced(const std::string& photo_id);
  // A snapshot in which `dir` is listed / every album is, waiting at most `bound` for the
  // background fill (catalog_fill.cpp).
  [[nodiscard]] std::shared_ptr<const model::Tree> await_listing(const model::Node& dir,
                                                                 std::chrono::milliseconds bound);
  // ... or one in which `dir` holds a directory named `name` (CatalogView::await_subdir).
  [[nodiscard]] std::shared_ptr<const model::Tree> await_subdir(const model::Node& dir,
                                                                std::string_view name,
                                                                std::chrono::milliseconds bound);
  [[nodiscard]] std::shared_ptr<const model::Tree> await_albums(std::chrono::milliseconds bound);
  [[nodiscard]] Stats stats() const;

 private:
  [[nodiscard]] std::shared_ptr<const model::Tree> tree() const { return m_snapshots.tree(); }
  [[nodiscard]] Result<void> rebuild();
  // A snapshot of `ids` (whole pages, oldest upload first) while a first walk still runs
  // (first_pages.hpp): those pages are listed, the rest of the tree still waits.
  [[nodiscard]] Result<void> publish_first_pages(std::vector<std::string> ids);
  // Makes `next` current (the listener diffs it) and records what the build cost;
  // `photos_read`: how many of its photos came from the cache, not from shared pages.
  void publish(std::shared_ptr<const model::Tree> next, bool has_listing,
               std::chrono::steady_clock::time_point started, std::size_t photos_read);
  // rebuild() unless nothing a snapshot is built from changed since the last one: a listing
  // check that found nothing new then costs its calls and no rebuild (at 100,000 photos a
  // rebuild is seconds of CPU and a second tree in memory, every --dir-cache-time).
  [[nodiscard]] Result<void> rebuild_if_changed();
  // What a snapshot is built from, in short: MetaStore's tree revision and the failures only
  // the refresher and FavoritesSync remember.
  struct BuildInputs {
    std::uint64_t tree_revision = 0;
    std::unordered_set<std::string> albums_failed;
    bool collections_failed = false;
    bool favorites_failed = false;
    bool operator==(const BuildInputs&) const = default;
  };
  [[nodiscard]] BuildInputs build_inputs() const;
  // What the snapshot is built from: albums and flags read now, photos from `feed` during
  // the build (cache_feed.hpp).
  [[nodiscard]] Result<model::CatalogInput> read_cache(std::shared_ptr<CacheFeed> feed) const;
  using ChangedIds = std::shared_ptr<const cache::WrittenPhotos::Ids>;
  // `changed`: what take_changed() returned for this build (null: read every photo).
  [[nodiscard]] std::shared_ptr<CacheFeed> photo_feed(std::vector<std::string> ids,
                                                      ChangedIds changed) const;
  // The photos whose part of a snapshot may have changed since the current one was built:
  // records MetaStore wrote, videos given up on (their page stops waiting). Null: any. A
  // build that is not published must call m_meta.forget_written() (a guard in refresher.cpp).
  [[nodiscard]] ChangedIds take_changed();
  // A listing page as a key walk hands it over: stored at once (an unmount ends the walk).
  [[nodiscard]] Result<void> store_page(const api::PhotoPage& page) const;
  [[nodiscard]] Result<void> fetch_photostream();
  [[nodiscard]] Result<bool> photostream_unchanged();
  [[nodiscard]] Result<void> fetch_albums(bool& complete);
  [[nodiscard]] Result<void> fetch_video_sizes(std::span<const api::Photo> photos);
  // The background fill (catalog_fill.cpp).
  [[nodiscard]] static bool video_sizes_missing(const cache::CachedPhoto& cached);
  // The album side's replies, asked ahead on a second thread while a first fill walks the
  // photostream (catalog_fill.cpp): the album list, the collection tree and every album's
  // members. fetch_album_replies() only calls the client; the functions below take a reply
  // from `ahead` where there is one and ask Flickr for the rest, on the refresh thread.
  struct AlbumReplies {
    std::optional<Result<std::vector<api::Photoset>>> sets;
    std::optional<Result<std::vector<api::Collection>>> collections;
    // Member ids by album id; their photos are stored page by page as they arrive, so a
    // first fill does not hold album photo records until the walks end.
    std::unordered_map<std::string, Result<std::vector<std::string>>> members;
  };
  [[nodiscard]] AlbumReplies fetch_album_replies() const;
  [[nodiscard]] Result<std::vector<std::string>> fetch_album_list(AlbumReplies* ahead = nullptr);
  // collections/ (catalog_collections.cpp): one getTree call, stored in MetaStore.
  [[nodiscard]] Result<void> fetch_collections(AlbumReplies* ahead = nullptr);
  [[nodiscard]] Result<std::optional<std::vector<api::Collection>>> stored_collections() const;
  [[nodiscard]] static std::string encode_collections(
      const std::vector<api::Collection>& collections);
  [[nodiscard]] static std::optional<std::vector<api::Collection>> decode_collections(
      std::string_view text);
  [[nodiscard]] Result<void> walk_albums(std::vector<std::string> album_ids, bool& complete,
                                         AlbumReplies* ahead = nullptr);
  // One album's walk: its photos stored in MetaStore, its member ids returned.
  [[nodiscard]] Result<std::vector<std::string>> fetch_album_members(
      const std::string& album_id) const;
  [[nodiscard]] std::vector<Result<std::vector<api::Size>>> fetch_sizes_parallel(
      const std::vector<const model::PhotoCore*>& videos);
  [[nodiscard]] Result<void> fill_video_sizes();
  // getSizes for `cores` (videos), stored; a transient failure ends it with that error after
  // storing what arrived, any other marks the video failed (it keeps its poster).
  [[nodiscard]] Result<void> fetch_video_sizes_of(const std::vector<model::PhotoCore>& cores);
  // The videos among `ids` whose streams are neither stored nor failed.
  [[nodiscard]] Result<std::vector<model::PhotoCore>> videos_missing_sizes(
      std::span<const std::string> ids) const;
  [[nodiscard]] Result<void> fill_missing();
  // `publish` builds the snapshot instead of rebuild() (a first walk's pages).
  [[nodiscard]] Result<void> publish_progress(
      std::int64_t& last_publish, bool wanted_now,
      const std::function<Result<void>()>& publish = nullptr);
  [[nodiscard]] bool wanted(model::Ino ino) const { return m_requests.wanted(ino); }
  void fill_if_incomplete();
  [[nodiscard]] Result<void> poll_recently_updated();
  void refresh_if_stale();
  void background_loop();
  void check_health();
  // Waits, at most `bound`, until `done` holds for the snapshot, asking the background fill
  // for `wanted_dir` first; returns early when offline, stopping, or a fill attempt ends.
  [[nodiscard]] std::shared_ptr<const model::Tree> await_fill(
      std::optional<model::Ino> wanted_dir, const std::function<bool(const model::Tree&)>& done,
      std::chrono::milliseconds bound);
  [[nodiscard]] bool online() const;

  api::FlickrClient* m_client;
  cache::MetaStore& m_meta;
  Connectivity& m_connectivity;
  SnapshotStore& m_snapshots;
  const CatalogOptions m_options;
  FavoritesSync m_favorites;  // favorites/ (favorites_sync.hpp)
  RefreshRequests m_requests;

  std::mutex m_refresh_mutex;  // serializes listing writers and rebuilds; guards the group below
  std::unordered_set<std::string> m_sizes_failed;    // videos whose getSizes failed for good
  std::unordered_set<std::string> m_failed_unbuilt;  // m_sizes_failed since take_changed()
  std::unordered_set<std::string> m_albums_failed;   // albums whose walk failed for good
  bool m_collections_failed = false;   // getTree failed for good: collections/ shows empty
  std::optional<BuildInputs> m_built;  // what the current snapshot was built from

  std::atomic<bool> m_stopping{false};
  std::atomic<std::uint64_t> m_fill_attempts{0};
  std::atomic<std::int64_t> m_last_fill_failure{0};
  std::atomic<std::int64_t> m_last_check{0};  // unix seconds of the last listing check
  std::atomic<std::int64_t> m_last_poll{0};
  std::atomic<std::uint64_t> m_refreshes{0};
  std::atomic<std::uint64_t> m_refresh_failures{0};
  std::atomic<std::int64_t> m_rebuild_ms{0};  // the last rebuild and its diff, wall time
  std::atomic<std::uint64_t> m_rebuilds{0};   // snapshots built (status)
  std::thread m_thread;
};

}  // namespace flickrfs::fs
