// SidecarService (see sidecar_service.hpp): sizes and renderings of info.json and
// exif.json. Comments live in sidecar_comments.cpp, EXIF in sidecar_exif.cpp.
#include "fs/sync/sidecar_service.hpp"

#include "fs/model/info_json.hpp"

namespace flickrfs::fs {

SidecarService::SidecarService(api::FlickrClient* client, cache::MetaStore& meta,
                               Connectivity& connectivity, SizeService& sizes,
                               api::WorkQueue& queue, AwaitAlbums await_albums, bool exif)
    : m_client(client),
      m_meta(meta),
      m_connectivity(connectivity),
      m_sizes(sizes),
      m_await_albums(std::move(await_albums)),
      m_exif(exif),
      m_comment_fetcher(queue, kCommentCalls),
      m_exif_fetcher(queue, kExifCalls) {}

bool SidecarService::online() const {
  return m_client != nullptr && !m_connectivity.offline();
}

bool SidecarService::serves(model::NodeKind kind) noexcept {
  return kind == model::NodeKind::sidecar || kind == model::NodeKind::exif_file;
}

std::optional<std::uint64_t> SidecarService::known_size(const model::Tree& tree,
                                                        const model::Node& node) {
  if (node.kind == model::NodeKind::exif_file)
    return stored_exif_size(tree.photo(node.index).photo);
  if (const auto memo = tree.info_size(node.index)) return memo;
  const auto text = render_known(tree, node.index);
  if (!text) return std::nullopt;
  remember_if_final(tree, node.index, *text);
  return text->size();
}

Result<std::uint64_t> SidecarService::resolve_size(const model::Tree& tree, const model::Node& node,
                                                   std::chrono::milliseconds bound) {
  if (node.kind == model::NodeKind::exif_file) {
    FLICKRFS_TRY(const std::string text, exif_json(tree.photo(node.index).photo, bound));
    return text.size();
  }
  if (const auto memo = tree.info_size(node.index)) return *memo;
  FLICKRFS_TRY(const std::string text, info_json(tree, node.index, bound));
  remember_if_final(tree, node.index, text);
  return text.size();
}

bool SidecarService::provisional_size(const model::Tree& tree, const model::Node& node) const {
  // remember_if_final() memoizes exactly the final renderings; any other one (no image size
  // yet, comments or albums still missing) will change.
  return node.kind == model::NodeKind::sidecar && !tree.info_size(node.index);
}

Result<std::string> SidecarService::render(const model::Tree& tree, const model::Node& node,
                                           std::chrono::milliseconds bound) {
  if (node.kind == model::NodeKind::exif_file)
    return exif_json(tree.photo(node.index).photo, bound);
  return info_json(tree, node.index, bound);
}

void SidecarService::prefetch(const model::PhotoCoreRef& photo) {
  prefetch_comments(photo);          // for info.json's size (sidecar_comments.cpp)
  if (m_exif) prefetch_exif(photo);  // the walk stats exif.json too
}

void SidecarService::remember_if_final(const model::Tree& tree, std::uint32_t photo_index,
                                       const std::string& text) {
  // Final: every album listed ("sets"), the comments as of this last_update (not the stale
  // ones an offline render falls back to) and the best file's size (not "bytes": null).
  const auto record = tree.photo(photo_index);
  if (!tree.albums_complete() || !comments_fresh(record.photo)) return;
  if (!record.files.empty() && !m_sizes.stored_size(record, record.files[0])) return;
  tree.remember_info_size(photo_index, text.size());
}

Result<api::Photo> SidecarService::stored_photo(const model::PhotoCoreRef& core) const {
  FLICKRFS_TRY(auto cached, m_meta.photo(core.id));
  if (!cached)
    return make_error(Errc::unavailable, "photo " + std::string(core.id) + " is not in the cache");
  return std::move(cached->photo);
}

std::optional<std::string> SidecarService::render_known(const model::Tree& tree,
                                                        std::uint32_t photo_index) {
  // "sets" is not final while albums are still being fetched: no size to cache yet.
  if (!tree.albums_complete() && online()) return std::nullopt;
  const auto record = tree.photo(photo_index);
  std::optional<std::uint64_t> bytes;
  std::optional<model::FileChoice> image;
  if (!record.files.empty()) {
    bytes = m_sizes.stored_size(record, record.files[0]);
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

Result<std::string> SidecarService::info_json(const model::Tree& tree, std::uint32_t photo_index,
                                              std::chrono::milliseconds bound) {
  if (!tree.albums_complete() && online()) {
    // A first mount still fetching albums: wait (bounded) so "sets" is complete.
    const auto current = m_await_albums(bound);
    const auto index = current->photo_index(tree.photo(photo_index).photo.id);
    if (current->albums_complete() && index) return render_info_json(*current, *index, bound);
  }
  return render_info_json(tree, photo_index, bound);
}

Result<std::string> SidecarService::render_info_json(const model::Tree& tree,
                                                     std::uint32_t photo_index,
                                                     std::chrono::milliseconds bound) {
  const auto record = tree.photo(photo_index);
  std::optional<std::uint64_t> bytes;
  std::optional<model::FileChoice> image;
  if (!record.files.empty()) {
    image = record.files[0].choice.to_choice();
    auto size = m_sizes.image_size(record, record.files[0], bound);
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

}  // namespace flickrfs::fs
