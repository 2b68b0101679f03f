#pragma once
// Catalog: the data layer behind the mount (model::CatalogView) and, without FUSE, behind
// the mirror command. It owns the current Tree snapshot and keeps it in step with Flickr:
//
// - load_from_cache(): the snapshot from MetaStore alone (instant, offline-safe); the
//   mount comes up with it, and start()'s thread fills in what is missing (a first mount:
//   photostream, video streams, albums; catalog_fill.cpp) while await_listing() lets a
//   FUSE op wait, bounded, for the directory it needs;
// - refresh_all(): a full listing (people.getPhotos with extras, every page; the album list;
//   each album whose date_update or count changed, the collection tree), written to
//   MetaStore, then a rebuild;
// - background (start()): listings older than --dir-cache-time are re-checked when used
//   (a cheap first-page check, a full walk only when something was added or removed);
//   flickr.photos.recentlyUpdated every --poll-interval; a health check while offline.
//   A failed refresh never removes anything (the cache keeps serving).
// - sizes: exact byte sizes from MetaStore / the blob store, else HEAD/Range probes
//   (SizeResolver), stored forever in MetaStore; the comments info.json shows are fetched
//   once per last_update, in parallel with the walk-ahead probes (sidecar_comments.cpp);
// - open(): image bytes from the BlobStore (single flight, streaming while downloading),
//   info.json rendered by model::render_info_json, <stem>.exif.json (--exif) from one
//   flickr.photos.getExif per photo, fetched when first needed and kept forever
//   (sidecar_exif.cpp).
//
// Every rebuild that changes the tree calls the change listener with the old and new
// snapshots (the mount turns that into kernel invalidations, fs/invalidator.hpp).
//
// Thread contract: thread-safe. CatalogView methods may be called from any number of
// threads; refreshes are serialized on m_refresh_mutex; the snapshot is swapped in the
// SnapshotStore. Lock order: m_refresh_mutex, then m_loop_mutex or the SnapshotStore's.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "api/flickr_client.hpp"
#include "cache/blob_store.hpp"
#include "cache/meta_store.hpp"
#include "fs/model/catalog_view.hpp"
#include "fs/model/tree.hpp"
#include "fs/sync/connectivity.hpp"
#include "fs/sync/sidecar_service.hpp"
#include "fs/sync/size_service.hpp"
#include "fs/sync/snapshot_store.hpp"
#include "fs/sync/stat_walk_ahead.hpp"

namespace flickrfs::fs {

class CacheFeed;

struct CatalogOptions {
  std::string user = "me";  // "me" or an NSID (already resolved)
  std::vector<std::string> sizes = {"best"};
  std::chrono::seconds dir_cache_time{60};
  std::chrono::seconds poll_interval{300};
  unsigned probe_threads = 16;
  std::chrono::seconds health_interval{3};
  bool exif = false;  // --exif: <stem>.exif.json files (sidecar_exif.cpp)
};

struct RefreshReport {
  std::size_t photos = 0;
  std::size_t albums = 0;
  bool complete = false;  // every listing was read in full
};

class Catalog final : public model::CatalogView {
 public:
  using ChangeListener = SnapshotStore::ChangeListener;

  // `client` may be null (offline mount); the others must outlive the catalog.
  Catalog(api::FlickrClient* client, cache::MetaStore& meta, cache::BlobStore& blobs,
          Connectivity& connectivity, CatalogOptions options);
  ~Catalog() override;
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  [[nodiscard]] Result<void> load_from_cache();
  [[nodiscard]] Result<RefreshReport> refresh_all();
  // Background refresher, poller and health check. stop() (or the destructor) joins them.
  void start();
  void stop();
  void set_change_listener(ChangeListener listener);
  // True once a listing has been loaded or fetched.
  [[nodiscard]] bool has_listing() const;
  // The account changed from here (an upload, a delete): re-check the listing now, not
  // after --dir-cache-time. Returns at once; the background loop does the work.
  void request_refresh();
  // A photo's file was replaced from here: its new secret is read now (recentlyUpdated), on
  // the caller's thread, so its files show the new bytes once this returns.
  void note_replaced(const std::string& photo_id);

  // ---- model::CatalogView ----------------------------------------------------------------
  [[nodiscard]] std::shared_ptr<const model::Tree> tree() const override;
  [[nodiscard]] std::optional<std::uint64_t> known_size(const model::Tree& tree,
                                                        const model::Node& node) override;
  [[nodiscard]] Result<std::uint64_t> resolve_size(const model::Tree& tree, const model::Node& node,
                                                   std::chrono::milliseconds bound) override;
  [[nodiscard]] Result<std::unique_ptr<model::OpenFile>> open(const model::Tree& tree,
                                                              const model::Node& node) override;
  [[nodiscard]] std::shared_ptr<const model::Tree> await_listing(
      const model::Node& dir, std::chrono::milliseconds bound) override;
  void note_listing(const model::Tree& tree, const model::Node& dir) override;
  void note_attr_wanted(const model::Tree& tree, const model::Node& file) override;
  [[nodiscard]] bool provisional_size(const model::Tree& tree, const model::Node& node) override;
  [[nodiscard]] std::string status_lines() override;
  // catalog_write.cpp
  [[nodiscard]] Result<void> delete_photo(const std::string& photo_id) override;

  // ---- for the mirror and tests --------------------------------------------------------
  // The exact size of a photo's file (probing if needed, waiting at most `bound`).
  [[nodiscard]] Result<std::uint64_t> image_size(const model::PhotoRecord& record,
                                                 const model::PhotoFile& file,
                                                 std::chrono::milliseconds bound);
  // The <stem>.exif.json bytes of a photo (--exif), as the mount serves them: from MetaStore,
  // else one getExif call (waiting at most `bound`), stored forever.
  [[nodiscard]] Result<std::string> exif_json(const model::PhotoCore& photo,
                                              std::chrono::milliseconds bound);
  // The info.json bytes of a photo, as the mount serves them.
  [[nodiscard]] Result<std::string> info_json(const model::Tree& tree, std::uint32_t photo_index,
                                              std::chrono::milliseconds bound);
  [[nodiscard]] static cache::BlobKey blob_key(const model::PhotoRecord& record,
                                               const model::PhotoFile& file);

 private:
  [[nodiscard]] Result<void> rebuild();
  [[nodiscard]] model::TreeOptions tree_options() const;
  // What the snapshot is built from: albums and flags read now, photos from `feed` during
  // the build (cache_feed.hpp).
  [[nodiscard]] Result<model::CatalogInput> read_cache(std::shared_ptr<CacheFeed> feed) const;
  [[nodiscard]] std::shared_ptr<CacheFeed> photo_feed(std::vector<std::string> ids) const;
  [[nodiscard]] Result<void> fetch_photostream();
  [[nodiscard]] Result<bool> photostream_unchanged();
  [[nodiscard]] Result<void> fetch_albums(bool& complete);
  [[nodiscard]] Result<void> fetch_video_sizes(std::span<const api::Photo> photos);
  // The background fill (catalog_fill.cpp).
  [[nodiscard]] static bool video_sizes_missing(const cache::CachedPhoto& cached);
  [[nodiscard]] Result<std::vector<std::string>> fetch_album_list();
  // collections/ (catalog_collections.cpp): one getTree call, stored in MetaStore.
  [[nodiscard]] Result<void> fetch_collections();
  [[nodiscard]] Result<std::optional<std::vector<api::Collection>>> stored_collections() const;
  [[nodiscard]] static std::string encode_collections(
      const std::vector<api::Collection>& collections);
  [[nodiscard]] static std::optional<std::vector<api::Collection>> decode_collections(
      std::string_view text);
  [[nodiscard]] Result<void> walk_albums(std::vector<std::string> album_ids, bool& complete);
  [[nodiscard]] std::vector<Result<std::vector<api::Size>>> fetch_sizes_parallel(
      const std::vector<const model::PhotoCore*>& videos);
  [[nodiscard]] Result<void> fill_video_sizes();
  [[nodiscard]] Result<void> fill_missing();
  [[nodiscard]] Result<void> publish_progress(std::int64_t& last_publish, bool wanted_now);
  [[nodiscard]] bool wanted(model::Ino ino);
  void fill_if_incomplete();
  [[nodiscard]] Result<void> poll_recently_updated();
  void refresh_if_stale();
  void background_loop();
  void check_health();
  [[nodiscard]] std::shared_ptr<const model::Tree> await_albums(std::chrono::milliseconds bound);
  // Waits, at most `bound`, until `done` holds for the snapshot, asking the background fill
  // for `wanted_dir` first; returns early when offline, stopping, or a fill attempt ends.
  [[nodiscard]] std::shared_ptr<const model::Tree> await_fill(
      std::optional<model::Ino> wanted_dir, const std::function<bool(const model::Tree&)>& done,
      std::chrono::milliseconds bound);
  [[nodiscard]] bool online() const;
  [[nodiscard]] std::optional<std::uint64_t> stored_size(const model::PhotoRecord& record,
                                                         const model::PhotoFile& file) const;

  api::FlickrClient* m_client;
  cache::MetaStore& m_meta;
  cache::BlobStore& m_blobs;
  Connectivity& m_connectivity;
  const CatalogOptions m_options;
  SizeService m_sizes;
  SidecarService m_sidecars;
  SnapshotStore m_snapshots;

  std::mutex m_refresh_mutex;  // serializes refreshes and rebuilds; guards the two sets below
  std::unordered_set<std::string> m_sizes_failed;   // videos whose getSizes failed for good
  std::unordered_set<std::string> m_albums_failed;  // albums whose walk failed for good
  bool m_collections_failed = false;  // getTree failed for good: collections/ shows empty
  StatWalkAhead m_stat_walk;

  std::mutex m_loop_mutex;  // guards m_stop, m_wanted_refresh, m_wanted_fill, m_wanted_dirs
  std::condition_variable m_loop_wake;
  bool m_stop = false;
  bool m_wanted_refresh = false;
  bool m_wanted_fill = false;
  std::set<model::Ino> m_wanted_dirs;  // directories someone waits for: filled first
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
