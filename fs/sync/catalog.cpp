// Catalog (see catalog.hpp): snapshot, sizes, open files, status. The listing refresh and
// the background loop live in catalog_refresh.cpp.
#include "fs/sync/catalog.hpp"

#include <malloc.h>

#include <algorithm>
#include <sstream>

#include "fs/log.hpp"
#include "fs/model/dates.hpp"
#include "fs/sync/cache_feed.hpp"
#include "fs/sync/open_files.hpp"

namespace flickrfs::fs {

Catalog::Catalog(api::FlickrClient* client, cache::MetaStore& meta, cache::BlobStore& blobs,
                 Connectivity& connectivity, CatalogOptions options)
    : m_client(client),
      m_meta(meta),
      m_blobs(blobs),
      m_connectivity(connectivity),
      m_options(std::move(options)),
      m_sizes(client, meta, blobs, connectivity, m_options.probe_threads),
      m_sidecars(
          client, meta, connectivity, m_sizes,
          [this](std::chrono::milliseconds bound) { return await_albums(bound); }, m_options.exif),
      m_snapshots(model::Tree::build({}, tree_options())) {}

Catalog::~Catalog() {
  stop();
}

model::TreeOptions Catalog::tree_options() const {
  model::TreeOptions options{m_options.sizes, model::kPhotosPerPage};
  options.exif = m_options.exif;
  return options;
}

bool Catalog::online() const {
  return m_client != nullptr && !m_connectivity.offline();
}

std::shared_ptr<const model::Tree> Catalog::tree() const {
  return m_snapshots.tree();
}

bool Catalog::has_listing() const {
  return m_snapshots.has_listing();
}

void Catalog::set_change_listener(ChangeListener listener) {
  m_snapshots.set_change_listener(std::move(listener));
}

std::shared_ptr<CacheFeed> Catalog::photo_feed(std::vector<std::string> ids) const {
  return std::make_shared<CacheFeed>(
      m_meta, std::move(ids), tree_options(), [this](const cache::CachedPhoto& cached) {
        return video_sizes_missing(cached) && m_sizes_failed.count(cached.photo.id) == 0;
      });
}

Result<model::CatalogInput> Catalog::read_cache(std::shared_ptr<CacheFeed> feed) const {
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

Result<void> Catalog::rebuild() {
  // Unmounting: nobody reads a new snapshot, and at 100,000 photos each rebuild a fill step
  // ends with costs a second or more of the unmount's wait.
  if (m_stopping.load()) return make_error(Errc::interrupted, "unmounting");
  const auto started = std::chrono::steady_clock::now();
  const model::TreeOptions tree_options = this->tree_options();
  FLICKRFS_TRY(auto ids, m_meta.photostream());
  auto feed = photo_feed(std::move(ids));
  FLICKRFS_TRY(auto input, read_cache(feed));
  FLICKRFS_TRY(const auto state, m_meta.listing_state(cache::ListingId::photostream()));
  auto next = model::Tree::build(std::move(input), tree_options);
  if (feed->out_of_order()) {
    // A stored upload date no longer matches the stored order (changed since the walk):
    // read the dates, sort, build again. Rare, and still one photo batch at a time.
    next.reset();
    log::info("photostream order changed in the cache; sorting it again");
    FLICKRFS_TRY(auto unsorted, m_meta.photostream());
    FLICKRFS_TRY(auto sorted, CacheFeed::sorted_ids(m_meta, std::move(unsorted)));
    feed = photo_feed(std::move(sorted));
    FLICKRFS_TRY(input, read_cache(feed));
    next = model::Tree::build(std::move(input), tree_options);
    if (feed->out_of_order()) {
      return make_error(Errc::unavailable, "photostream changed while the snapshot was built");
    }
  }
  if (feed->error()) return *feed->error();
  feed.reset();
  ++m_rebuilds;
  auto before = m_snapshots.publish(std::move(next), state.generation > 0);
  // The cost includes the listener's diff, as long as the build itself at 1,000,000 photos.
  m_rebuild_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count();
  // The old snapshot is usually the last big thing freed here (hundreds of MB at 100,000
  // photos); glibc keeps freed pages in its arenas unless asked to hand them back.
  before.reset();
  ::malloc_trim(0);
  m_meta.env()->release_mapped_pages();  // read_cache() touched every photo's record
  return success();
}

Result<void> Catalog::load_from_cache() {
  std::lock_guard lock(m_refresh_mutex);
  return rebuild();
}

// ---- sizes ---------------------------------------------------------------------------------

cache::BlobKey Catalog::blob_key(const model::PhotoRecord& record, const model::PhotoFile& file) {
  return SizeService::blob_key(record, file);
}

std::optional<std::uint64_t> Catalog::stored_size(const model::PhotoRecord& record,
                                                  const model::PhotoFile& file) const {
  return m_sizes.stored_size(record, file);
}

Result<std::uint64_t> Catalog::image_size(const model::PhotoRecord& record,
                                          const model::PhotoFile& file,
                                          std::chrono::milliseconds bound) {
  return m_sizes.image_size(record, file, bound);
}

std::optional<std::uint64_t> Catalog::known_size(const model::Tree& tree, const model::Node& node) {
  if (model::Tree::is_generated(node.kind)) return tree.generated_text(node).size();
  if (SidecarService::serves(node.kind)) return m_sidecars.known_size(tree, node);
  if (const auto memo = tree.file_size(node)) return memo;
  const auto size = stored_size(tree.photo(node.index), tree.file(node));
  if (size) tree.remember_file_size(node, *size);
  return size;
}

Result<std::uint64_t> Catalog::resolve_size(const model::Tree& tree, const model::Node& node,
                                            std::chrono::milliseconds bound) {
  if (model::Tree::is_generated(node.kind)) return tree.generated_text(node).size();
  if (SidecarService::serves(node.kind)) return m_sidecars.resolve_size(tree, node, bound);
  if (const auto memo = tree.file_size(node)) return *memo;
  FLICKRFS_TRY(const std::uint64_t size,
               image_size(tree.photo(node.index), tree.file(node), bound));
  tree.remember_file_size(node, size);
  return size;
}

void Catalog::note_attr_wanted(const model::Tree& tree, const model::Node& file) {
  // Walk-ahead: whoever stats one photo of a page (ls -l, cp -r, rsync, du) stats the next
  // ones too; probes (image sizes, the comments info.json needs, the EXIF exif.json is) run
  // ahead of it in the order it walks (stat_walk_ahead.hpp).
  const bool exif = file.kind == model::NodeKind::exif_file;
  if (!online() || !(model::is_photo_file(file.kind) || exif)) return;
  const auto snapshot = this->tree();
  if (snapshot.get() != &tree) return;  // a rebuild came in between: the next stat decides
  const std::uint8_t part = file.kind == model::NodeKind::sidecar ? 1 : exif ? 2 : 0;
  const std::vector<std::uint32_t> ahead = m_stat_walk.on_stat(snapshot, file.index, part);
  for (const std::uint32_t index : ahead) {
    const auto& record = tree.photo(index);
    m_sidecars.prefetch(record.photo);
    m_sizes.prefetch(record);
  }
}

// ---- sidecars ----------------------------------------------------------------------------

bool Catalog::provisional_size(const model::Tree& tree, const model::Node& node) {
  return m_sidecars.provisional_size(tree, node);
}

Result<std::string> Catalog::info_json(const model::Tree& tree, std::uint32_t photo_index,
                                       std::chrono::milliseconds bound) {
  return m_sidecars.info_json(tree, photo_index, bound);
}

Result<std::string> Catalog::exif_json(const model::PhotoCore& photo,
                                       std::chrono::milliseconds bound) {
  return m_sidecars.exif_json(photo, bound);
}

// ---- open ----------------------------------------------------------------------------------

Result<std::unique_ptr<model::OpenFile>> Catalog::open(const model::Tree& tree,
                                                       const model::Node& node) {
  constexpr std::chrono::seconds kOpenBound{20};
  if (model::Tree::is_generated(node.kind)) {
    return std::unique_ptr<model::OpenFile>(new StringFile(tree.generated_text(node)));
  }
  if (SidecarService::serves(node.kind)) {
    FLICKRFS_TRY(std::string text, m_sidecars.render(tree, node, kOpenBound));
    return std::unique_ptr<model::OpenFile>(new StringFile(std::move(text)));
  }
  const auto& record = tree.photo(node.index);
  const auto& file = tree.file(node);
  const cache::BlobKey key = blob_key(record, file);
  // Cached bytes first: works offline and needs no size probe.
  FLICKRFS_TRY(auto cached, m_blobs.open_cached(key));
  if (cached) {
    FLICKRFS_TRY(const std::uint64_t size, cached->size());
    return std::unique_ptr<model::OpenFile>(new BlobFile(std::move(*cached), size));
  }
  FLICKRFS_TRY(const std::uint64_t size, image_size(record, file, kOpenBound));
  if (!online()) {
    return make_error(Errc::offline, "offline: " + std::string(file.name) + " is not cached");
  }
  auto reader = m_blobs.open(key, {std::string(file.choice.url), size});
  if (!reader.ok()) {
    m_connectivity.report(reader.error());
    return std::move(reader).error();
  }
  return std::unique_ptr<model::OpenFile>(new BlobFile(std::move(reader).value(), size));
}

// ---- status --------------------------------------------------------------------------------

std::string Catalog::status_lines() {
  const auto snapshot = tree();
  const auto blobs = m_blobs.stats();
  std::ostringstream out;
  out << "online=" << (online() ? "yes" : "no") << "\n";
  out << "state=" << to_string(m_connectivity.state()) << "\n";
  out << "state_reason=" << m_connectivity.reason() << "\n";
  out << "forced_offline=" << (m_connectivity.forced_offline() ? "yes" : "no") << "\n";
  out << "user=" << m_options.user << "\n";
  out << "photos=" << snapshot->photo_count() << "\n";
  out << "albums=" << snapshot->album_count() << "\n";
  out << "pages=" << snapshot->page_count() << "\n";
  out << "listing=" << (snapshot->complete() ? "complete" : "filling") << "\n";
  out << "api_calls_left=" << (m_client != nullptr ? m_client->calls_left() : 0) << "\n";
  if (m_client != nullptr) {
    const auto budget = m_client->budget_state();
    out << "api_calls_used=" << budget.used << "\n";
    out << "api_calls_limit=" << std::max<std::int64_t>(0, budget.limit) << "\n";
    out << "api_window_s=" << budget.window.count() << "\n";
    out << "api_next_call_ms="
        << std::chrono::duration_cast<std::chrono::milliseconds>(budget.next_in).count() << "\n";
  }
  out << "queue_size_probes=" << m_sizes.pending() << "\n";
  out << "size_probe_failures=" << m_sizes.probe_failures() << "\n";
  out << "queue_downloads=" << blobs.downloads_in_flight << "\n";
  out << "cache_blobs=" << blobs.blobs << "\n";
  out << "cache_bytes=" << blobs.bytes << "\n";
  out << "cache_hits=" << blobs.hits << "\n";
  out << "cache_misses=" << blobs.misses << "\n";
  const std::int64_t checked = m_last_check.load();
  out << "last_listing_check=" << (checked > 0 ? model::iso8601_utc(checked) : "never") << "\n";
  out << "refreshes=" << m_refreshes.load() << "\n";
  out << "refresh_failures=" << m_refresh_failures.load() << "\n";
  out << "rebuilds=" << m_rebuilds.load() << "\n";
  out << "last_rebuild_ms=" << m_rebuild_ms.load() << "\n";
  return out.str();
}

}  // namespace flickrfs::fs
