// Refresher (see refresher.hpp): the snapshot rebuilt from MetaStore. Fetching listings
// lives in catalog_fill.cpp and catalog_refresh.cpp, the background loop in the latter.
#include "fs/sync/refresher.hpp"

#include "fs/log.hpp"
#include "fs/memory_policy.hpp"
#include "fs/sync/cache_feed.hpp"

namespace flickrfs::fs {

Refresher::Refresher(api::FlickrClient* client, cache::MetaStore& meta, Connectivity& connectivity,
                     SnapshotStore& snapshots, CatalogOptions options)
    : m_client(client),
      m_meta(meta),
      m_connectivity(connectivity),
      m_snapshots(snapshots),
      m_options(std::move(options)),
      m_favorites(client, meta, connectivity, m_options.user) {}

Refresher::~Refresher() {
  stop();
}

model::TreeOptions tree_options(const CatalogOptions& catalog) {
  model::TreeOptions options{catalog.sizes, model::kPhotosPerPage};
  options.exif = catalog.exif;
  return options;
}

bool Refresher::online() const {
  return m_client != nullptr && !m_connectivity.offline();
}

Refresher::Stats Refresher::stats() const {
  return {m_last_check.load(), m_refreshes.load(), m_refresh_failures.load(), m_rebuilds.load(),
          m_rebuild_ms.load()};
}

std::shared_ptr<CacheFeed> Refresher::photo_feed(std::vector<std::string> ids,
                                                 ChangedIds changed) const {
  return std::make_shared<CacheFeed>(
      m_meta, std::move(ids), tree_options(m_options),
      [this](const cache::CachedPhoto& cached) {
        return video_sizes_missing(cached) && m_sizes_failed.count(cached.photo.id) == 0;
      },
      std::move(changed));
}

Refresher::ChangedIds Refresher::take_changed() {
  auto written = m_meta.take_written_photos();
  auto failed = std::exchange(m_failed_unbuilt, {});
  if (!written) return nullptr;
  written->insert(failed.begin(), failed.end());
  return std::make_shared<const cache::WrittenPhotos::Ids>(std::move(*written));
}

namespace {

// Until dismissed, tells MetaStore that the ids taken for a build are lost (the build was not
// published): the next build then reads every photo.
class ForgetUnlessPublished {
 public:
  explicit ForgetUnlessPublished(cache::MetaStore& meta) : m_meta(meta) {}
  ForgetUnlessPublished(const ForgetUnlessPublished&) = delete;
  ForgetUnlessPublished& operator=(const ForgetUnlessPublished&) = delete;
  ~ForgetUnlessPublished() {
    if (!m_published) m_meta.forget_written();
  }
  void published() { m_published = true; }

 private:
  cache::MetaStore& m_meta;
  bool m_published = false;
};

}  // namespace

Result<model::CatalogInput> Refresher::read_cache(std::shared_ptr<CacheFeed> feed) const {
  // The photos come from `feed` while the tree is built (cache_feed.hpp), not as a list.
  model::CatalogInput input;
  input.feed = std::move(feed);
  FLICKRFS_TRY(const auto stream, m_meta.listing_state(cache::ListingId::photostream()));
  FLICKRFS_TRY(const auto album_list, m_meta.listing_state(cache::ListingId::albums()));
  input.photostream_listed = stream.generation > 0;
  input.albums_listed = album_list.generation > 0;
  FLICKRFS_TRY(auto collections, stored_collections());
  input.collections_listed = collections.has_value() || m_collections_failed;
  if (collections) input.collections = std::move(*collections);
  FLICKRFS_CHECK(m_favorites.read_into(input));
  FLICKRFS_TRY(auto albums, m_meta.albums());
  for (auto& set : albums) {
    FLICKRFS_TRY(auto members, m_meta.album_photos(set.id));
    model::AlbumInput album;
    album.members_listed = members.has_value() || m_albums_failed.count(set.id) != 0;
    album.set = std::move(set);
    if (members) album.photo_ids = std::move(*members);
    input.albums.push_back(std::move(album));
  }
  return input;
}

Result<void> Refresher::rebuild() {
  // Unmounting: nobody reads a new snapshot, and at 100,000 photos each rebuild a fill step
  // ends with costs a second or more of the unmount's wait.
  if (m_stopping.load()) return make_error(Errc::interrupted, "unmounting");
  const auto started = std::chrono::steady_clock::now();
  // Read before the cache: a write committed meanwhile makes the next check rebuild again.
  BuildInputs inputs = build_inputs();
  const ChangedIds changed = take_changed();
  ForgetUnlessPublished forget(m_meta);
  const model::TreeOptions options = tree_options(m_options);
  FLICKRFS_TRY(auto ids, m_meta.photostream());
  auto feed = photo_feed(std::move(ids), changed);
  FLICKRFS_TRY(auto input, read_cache(feed));
  FLICKRFS_TRY(const auto state, m_meta.listing_state(cache::ListingId::photostream()));
  // The pages that come out the same share the current snapshot's (model/photo_chunk.hpp).
  auto current = tree();
  auto next = model::Tree::build(std::move(input), options, current.get());
  if (feed->out_of_order()) {
    // A stored upload date no longer matches the stored order (changed since the walk):
    // read the dates, sort, build again. Rare, and still one photo batch at a time.
    next.reset();
    log::info("photostream order changed in the cache; sorting it again");
    FLICKRFS_TRY(auto unsorted, m_meta.photostream());
    FLICKRFS_TRY(auto sorted, CacheFeed::sorted_ids(m_meta, std::move(unsorted)));
    feed = photo_feed(std::move(sorted), changed);
    FLICKRFS_TRY(input, read_cache(feed));
    next = model::Tree::build(std::move(input), options, current.get());
    if (feed->out_of_order()) {
      return make_error(Errc::unavailable, "photostream changed while the snapshot was built");
    }
  }
  if (feed->error()) return *feed->error();
  const std::size_t read = feed->photos_read();
  feed.reset();
  current.reset();  // publish() drops what is then the old snapshot's last reference
  m_built = std::move(inputs);
  publish(std::move(next), state.generation > 0, started, read);
  forget.published();
  return success();
}

Result<void> Refresher::publish_first_pages(std::vector<std::string> ids) {
  if (m_stopping.load()) return make_error(Errc::interrupted, "unmounting");
  const auto started = std::chrono::steady_clock::now();
  const ChangedIds changed = take_changed();
  ForgetUnlessPublished forget(m_meta);
  auto feed = photo_feed(std::move(ids), changed);
  FLICKRFS_TRY(auto input, read_cache(feed));
  // Only the pages are final: the photostream's other pages, the views and the albums (whose
  // members may lie in pages not read yet) still wait for the walk's end.
  input.photostream_listed = false;
  for (auto& album : input.albums)
    album.members_listed = false;
  auto next = model::Tree::build(std::move(input), tree_options(m_options), tree().get());
  // An upload date changed since its page was read: the walk's end sorts it out.
  if (feed->out_of_order()) return success();
  if (feed->error()) return *feed->error();
  const std::size_t read = feed->photos_read();
  feed.reset();
  publish(std::move(next), false, started, read);
  forget.published();
  return success();
}

void Refresher::publish(std::shared_ptr<const model::Tree> next, bool has_listing,
                        std::chrono::steady_clock::time_point started, std::size_t photos_read) {
  ++m_rebuilds;
  log::info("snapshot of %zu photos: %zu read from the cache, %zu of %zu pages shared",
            next->record_count(), photos_read, next->shared_pages(),
            next->page_count() + (next->favorite_count() != 0 ? 1 : 0));
  auto before = m_snapshots.publish(std::move(next), has_listing);
  // The cost includes the listener's diff, as long as the build itself at 1,000,000 photos.
  m_rebuild_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count();
  before.reset();  // usually the last reference to the old snapshot
  memory_policy::release_free_memory(*m_meta.env());
}

Refresher::BuildInputs Refresher::build_inputs() const {
  return {m_meta.tree_revision(), m_albums_failed, m_collections_failed, m_favorites.failed()};
}

Result<void> Refresher::rebuild_if_changed() {
  if (m_built == build_inputs()) return success();
  return rebuild();
}

Result<void> Refresher::load_from_cache() {
  std::lock_guard lock(m_refresh_mutex);
  return rebuild();
}

}  // namespace flickrfs::fs
