#pragma once
// Catalog: the data layer behind the mount (model::CatalogView) and, without FUSE, behind
// the mirror command and `flickrfs cache`. A facade that owns and wires one service per
// concern and answers the ops by dispatching to them:
//
// - SnapshotStore (snapshot_store.hpp): the current Tree snapshot, the change listener (the
//   mount turns every swap into kernel invalidations, fs/invalidator.hpp), the waiters;
// - Refresher (refresher.hpp): the stored listings kept in step with Flickr, the snapshot
//   rebuilt from them, the one background thread (fill, refresh, poll, health check);
// - SizeService (size_service.hpp): exact byte sizes, stored or probed;
// - SidecarService (sidecar_service.hpp): info.json and exif.json, their comments and EXIF;
// - StatWalkAhead (stat_walk_ahead.hpp): which sizes a stat walk will want next.
//
// open() serves image bytes from the BlobStore (single flight, streaming while
// downloading) and the sidecars as rendered strings.
//
// Thread contract: thread-safe; CatalogView methods may be called from any number of
// threads. Lock order: no lock of its own (each service states its own).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "api/flickr_client.hpp"
#include "cache/blob_store.hpp"
#include "cache/meta_store.hpp"
#include "fs/model/catalog_view.hpp"
#include "fs/model/tree.hpp"
#include "fs/sync/connectivity.hpp"
#include "fs/sync/refresher.hpp"
#include "fs/sync/sidecar_service.hpp"
#include "fs/sync/size_service.hpp"
#include "fs/sync/snapshot_store.hpp"
#include "fs/sync/stat_walk_ahead.hpp"

namespace flickrfs::fs {

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
  [[nodiscard]] std::shared_ptr<const model::Tree> await_subdir(
      const model::Node& dir, std::string_view name, std::chrono::milliseconds bound) override;
  void note_listing(const model::Tree& tree, const model::Node& dir) override;
  void note_attr_wanted(const model::Tree& tree, const model::Node& file) override;
  [[nodiscard]] bool provisional_size(const model::Tree& tree, const model::Node& node) override;
  [[nodiscard]] std::string status_lines() override;
  [[nodiscard]] Result<void> delete_photo(const std::string& photo_id) override;

  // ---- for the mirror and tests --------------------------------------------------------
  // The exact size of a photo's file (probing if needed, waiting at most `bound`).
  [[nodiscard]] Result<std::uint64_t> image_size(const model::PhotoRecord& record,
                                                 const model::PhotoFile& file,
                                                 std::chrono::milliseconds bound);
  // The <stem>.exif.json bytes of a photo (--exif), as the mount serves them: from MetaStore,
  // else one getExif call (waiting at most `bound`), stored forever.
  [[nodiscard]] Result<std::string> exif_json(const model::PhotoCoreRef& photo,
                                              std::chrono::milliseconds bound);
  // The info.json bytes of a photo, as the mount serves them.
  [[nodiscard]] Result<std::string> info_json(const model::Tree& tree, std::uint32_t photo_index,
                                              std::chrono::milliseconds bound);
  [[nodiscard]] static cache::BlobKey blob_key(const model::PhotoRecord& record,
                                               const model::PhotoFile& file);

 private:
  [[nodiscard]] bool online() const;

  api::FlickrClient* m_client;
  cache::BlobStore& m_blobs;
  Connectivity& m_connectivity;
  // The queue the services' tasks run on, when the caller gave none; destroyed after them
  // (each service waits for its running tasks; queued ones hold only shared state).
  std::unique_ptr<api::WorkQueue> m_own_queue;
  const CatalogOptions m_options;  // work_queue is never null here
  // Declared in dependency order: each service is built after, and stopped and destroyed
  // before, the ones it uses.
  SnapshotStore m_snapshots;
  SizeService m_sizes;
  Refresher m_refresher;
  SidecarService m_sidecars;
  StatWalkAhead m_stat_walk;
};

}  // namespace flickrfs::fs
