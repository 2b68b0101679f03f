// Catalog (see catalog.hpp): dispatch to the services, open files, status.
#include "fs/sync/catalog.hpp"

#include <algorithm>
#include <sstream>

#include "fs/log.hpp"
#include "fs/model/dates.hpp"
#include "fs/sync/open_files.hpp"

namespace flickrfs::fs {

namespace {

// Workers of a catalog's own queue beyond its probes: listing fan-outs and sidecar calls.
constexpr unsigned kFanoutCalls = 8;

CatalogOptions with_queue(CatalogOptions options, api::WorkQueue* own) {
  if (options.work_queue == nullptr) options.work_queue = own;
  return options;
}

}  // namespace

Catalog::Catalog(api::FlickrClient* client, cache::MetaStore& meta, cache::BlobStore& blobs,
                 Connectivity& connectivity, CatalogOptions options)
    : m_client(client),
      m_blobs(blobs),
      m_connectivity(connectivity),
      m_own_queue(options.work_queue != nullptr
                      ? nullptr
                      : std::make_unique<api::WorkQueue>(options.probe_threads + kFanoutCalls)),
      m_options(with_queue(std::move(options), m_own_queue.get())),
      m_snapshots(model::Tree::build({}, tree_options(m_options))),
      m_sizes(client, meta, blobs, connectivity, *m_options.work_queue, m_options.probe_threads),
      m_refresher(client, meta, connectivity, m_snapshots, m_options),
      m_sidecars(
          client, meta, connectivity, m_sizes, *m_options.work_queue,
          [this](std::chrono::milliseconds bound) { return m_refresher.await_albums(bound); },
          m_options.exif) {}

Catalog::~Catalog() {
  stop();
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

// ---- listings ------------------------------------------------------------------------------

Result<void> Catalog::load_from_cache() {
  return m_refresher.load_from_cache();
}

Result<RefreshReport> Catalog::refresh_all() {
  return m_refresher.refresh_all();
}

void Catalog::start() {
  m_refresher.start();
}

void Catalog::stop() {
  m_refresher.stop();
}

void Catalog::request_refresh() {
  m_refresher.request_refresh();
}

void Catalog::note_replaced(const std::string& photo_id) {
  m_refresher.note_replaced(photo_id);
}

Result<void> Catalog::delete_photo(const std::string& photo_id) {
  return m_refresher.delete_photo(photo_id);
}

std::shared_ptr<const model::Tree> Catalog::await_listing(const model::Node& dir,
                                                          std::chrono::milliseconds bound) {
  return m_refresher.await_listing(dir, bound);
}

std::shared_ptr<const model::Tree> Catalog::await_subdir(const model::Node& dir,
                                                         std::string_view name,
                                                         std::chrono::milliseconds bound) {
  return m_refresher.await_subdir(dir, name, bound);
}

void Catalog::note_listing(const model::Tree& /*tree*/, const model::Node& /*dir*/) {
  m_refresher.note_listing();
}

// ---- sizes ---------------------------------------------------------------------------------

cache::BlobKey Catalog::blob_key(const model::PhotoRecord& record, const model::PhotoFile& file) {
  return SizeService::blob_key(record, file);
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
  const auto size = m_sizes.stored_size(tree.photo(node.index), tree.file(node));
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
    const auto record = tree.photo(index);
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

Result<std::string> Catalog::exif_json(const model::PhotoCoreRef& photo,
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
  const auto record = tree.photo(node.index);
  const auto file = tree.file(node);
  const cache::BlobKey key = blob_key(record, file);
  // Cached bytes first: works offline and needs no size probe.
  FLICKRFS_TRY(auto cached, m_blobs.open_cached(key));
  if (cached) {
    FLICKRFS_TRY(const std::uint64_t size, cached->size());
    return std::unique_ptr<model::OpenFile>(new BlobFile(std::move(*cached), size));
  }
  FLICKRFS_TRY(const std::uint64_t size, image_size(record, file, kOpenBound));
  if (!online()) {
    return make_error(Errc::offline, "offline: " + file.name() + " is not cached");
  }
  auto reader = m_blobs.open(key, {file.choice.url(), size});
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
  const auto refresher = m_refresher.stats();
  const std::int64_t checked = refresher.last_check;
  out << "last_listing_check=" << (checked > 0 ? model::iso8601_utc(checked) : "never") << "\n";
  out << "refreshes=" << refresher.refreshes << "\n";
  out << "refresh_failures=" << refresher.refresh_failures << "\n";
  out << "rebuilds=" << refresher.rebuilds << "\n";
  out << "last_rebuild_ms=" << refresher.last_rebuild_ms << "\n";
  return out.str();
}

}  // namespace flickrfs::fs
