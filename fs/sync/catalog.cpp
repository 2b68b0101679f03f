// Catalog (see catalog.hpp): snapshot, sizes, open files, status. The listing refresh and
// the background loop live in catalog_refresh.cpp.
#include "fs/sync/catalog.hpp"

#include <malloc.h>

#include <algorithm>
#include <sstream>

#include "fs/log.hpp"
#include "fs/model/dates.hpp"
#include "fs/model/info_json.hpp"
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
      m_comment_fetcher(kCommentThreads),
      m_exif_fetcher(kExifThreads),
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
  if (node.kind == model::NodeKind::exif_file)
    return stored_exif_size(tree.photo(node.index).photo);
  if (node.kind == model::NodeKind::sidecar) {
    if (const auto memo = tree.info_size(node.index)) return memo;
    const auto text = render_known(tree, node.index);
    if (!text) return std::nullopt;
    remember_if_final(tree, node.index, *text);
    return text->size();
  }
  if (const auto memo = tree.file_size(node)) return memo;
  const auto size = stored_size(tree.photo(node.index), tree.file(node));
  if (size) tree.remember_file_size(node, *size);
  return size;
}

Result<std::uint64_t> Catalog::resolve_size(const model::Tree& tree, const model::Node& node,
                                            std::chrono::milliseconds bound) {
  if (model::Tree::is_generated(node.kind)) return tree.generated_text(node).size();
  if (node.kind == model::NodeKind::exif_file) {
    FLICKRFS_TRY(const std::string text, exif_json(tree.photo(node.index).photo, bound));
    return text.size();
  }
  if (node.kind == model::NodeKind::sidecar) {
    if (const auto memo = tree.info_size(node.index)) return *memo;
    FLICKRFS_TRY(const std::string text, info_json(tree, node.index, bound));
    remember_if_final(tree, node.index, text);
    return text.size();
  }
  if (const auto memo = tree.file_size(node)) return *memo;
  FLICKRFS_TRY(const std::uint64_t size,
               image_size(tree.photo(node.index), tree.file(node), bound));
  tree.remember_file_size(node, size);
  return size;
}

void Catalog::note_attr_wanted(const model::Tree& tree, const model::Node& file) {
  // Walk-ahead: whoever stats one photo of a page (ls -l, cp -r, rsync, du) stats the next
  // ones too; probes (image sizes, the comments info.json needs, the EXIF exif.json is)
  // run ahead of it in
  // the order it walks (stat_walk_ahead.hpp).
  const bool exif = file.kind == model::NodeKind::exif_file;
  if (!online() || !(model::is_photo_file(file.kind) || exif)) return;
  const auto snapshot = this->tree();
  if (snapshot.get() != &tree) return;  // a rebuild came in between: the next stat decides
  std::vector<std::uint32_t> ahead;
  {
    std::lock_guard lock(m_walk_mutex);
    const std::uint8_t part = file.kind == model::NodeKind::sidecar ? 1 : exif ? 2 : 0;
    ahead = m_stat_walk.on_stat(snapshot, file.index, part);
  }
  for (const std::uint32_t index : ahead) {
    const auto& record = tree.photo(index);
    prefetch_comments(record.photo);                  // for info.json's size (catalog_comments.cpp)
    if (m_options.exif) prefetch_exif(record.photo);  // the walk stats exif.json too
    m_sizes.prefetch(record);
  }
}

// ---- info.json -----------------------------------------------------------------------------

bool Catalog::provisional_size(const model::Tree& tree, const model::Node& node) {
  // remember_if_final() memoizes exactly the final renderings; any other one (no image size
  // yet, comments or albums still missing) will change.
  return node.kind == model::NodeKind::sidecar && !tree.info_size(node.index);
}

void Catalog::remember_if_final(const model::Tree& tree, std::uint32_t photo_index,
                                const std::string& text) {
  // Final: every album listed ("sets"), the comments as of this last_update (not the stale
  // ones an offline render falls back to) and the best file's size (not "bytes": null).
  const auto& record = tree.photo(photo_index);
  if (!tree.albums_complete() || !comments_fresh(record.photo)) return;
  if (!record.files.empty() && !stored_size(record, record.files[0])) return;
  tree.remember_info_size(photo_index, text.size());
}

Result<api::Photo> Catalog::stored_photo(const model::PhotoCore& core) const {
  FLICKRFS_TRY(auto cached, m_meta.photo(core.id));
  if (!cached) return make_error(Errc::unavailable, "photo " + core.id + " is not in the cache");
  return std::move(cached->photo);
}

std::optional<std::string> Catalog::render_known(const model::Tree& tree,
                                                 std::uint32_t photo_index) {
  // "sets" is not final while albums are still being fetched: no size to cache yet.
  if (!tree.albums_complete() && online()) return std::nullopt;
  const auto& record = tree.photo(photo_index);
  std::optional<std::uint64_t> bytes;
  std::optional<model::FileChoice> image;
  if (!record.files.empty()) {
    bytes = stored_size(record, record.files[0]);
    if (!bytes) return std::nullopt;
    image = record.files[0].choice.to_choice();
  }
  auto comments = comments_of(record.photo, std::nullopt);
  if (!comments.ok()) return std::nullopt;
  auto photo = stored_photo(record.photo);
  if (!photo.ok()) return std::nullopt;
  const auto sets = tree.sets_of(photo_index);
  return model::render_info_json({*photo, sets, *comments, image, bytes});
}

Result<std::string> Catalog::info_json(const model::Tree& tree, std::uint32_t photo_index,
                                       std::chrono::milliseconds bound) {
  if (!tree.albums_complete() && online()) {
    // A first mount still fetching albums: wait (bounded) so "sets" is complete.
    const auto current = await_albums(bound);
    const auto index = current->photo_index(tree.photo(photo_index).photo.id);
    if (current->albums_complete() && index) return render_info_json(*current, *index, bound);
  }
  return render_info_json(tree, photo_index, bound);
}

Result<std::string> Catalog::render_info_json(const model::Tree& tree, std::uint32_t photo_index,
                                              std::chrono::milliseconds bound) {
  const auto& record = tree.photo(photo_index);
  std::optional<std::uint64_t> bytes;
  std::optional<model::FileChoice> image;
  if (!record.files.empty()) {
    image = record.files[0].choice.to_choice();
    auto size = image_size(record, record.files[0], bound);
    // Offline and never probed: the file says "bytes": null rather than fail entirely.
    if (size.ok()) {
      bytes = *size;
    } else if (size.error().code != Errc::offline) {
      return std::move(size).error();
    }
  }
  FLICKRFS_TRY(const auto comments, comments_of(record.photo, bound));
  FLICKRFS_TRY(const auto photo, stored_photo(record.photo));
  const auto sets = tree.sets_of(photo_index);
  return model::render_info_json({photo, sets, comments, image, bytes});
}

// ---- open ----------------------------------------------------------------------------------

Result<std::unique_ptr<model::OpenFile>> Catalog::open(const model::Tree& tree,
                                                       const model::Node& node) {
  constexpr std::chrono::seconds kOpenBound{20};
  if (model::Tree::is_generated(node.kind)) {
    return std::unique_ptr<model::OpenFile>(new StringFile(tree.generated_text(node)));
  }
  if (node.kind == model::NodeKind::sidecar) {
    FLICKRFS_TRY(std::string text, info_json(tree, node.index, kOpenBound));
    return std::unique_ptr<model::OpenFile>(new StringFile(std::move(text)));
  }
  if (node.kind == model::NodeKind::exif_file) {
    FLICKRFS_TRY(std::string text, exif_json(tree.photo(node.index).photo, kOpenBound));
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
