#pragma once
// SidecarService: the files a snapshot shows beside a photo's images. <stem>.info.json is
// rendered from MetaStore (model::render_info_json) with the photo's albums, its comments
// (one flickr.photos.comments.getList per last_update, sidecar_comments.cpp) and the best
// file's size (SizeService); <stem>.exif.json (--exif) is one flickr.photos.getExif per
// photo, stored forever (sidecar_exif.cpp). A rendering that can no longer change within
// its snapshot has its size memoized there (Tree::remember_info_size).
//
// Thread contract: thread-safe; fetches run on the two resolvers' threads, single flight per
// photo. Lock order: no lock of its own (the resolvers' mutexes are leaves).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/flickr_client.hpp"
#include "cache/meta_store.hpp"
#include "fs/model/tree.hpp"
#include "fs/sync/connectivity.hpp"
#include "fs/sync/size_resolver.hpp"
#include "fs/sync/size_service.hpp"

namespace flickrfs::fs {

class SidecarService {
 public:
  // A snapshot whose album list is complete, waiting at most the bound for the fill.
  using AwaitAlbums = std::function<std::shared_ptr<const model::Tree>(std::chrono::milliseconds)>;

  // `client` may be null (offline mount); the others must outlive the service.
  SidecarService(api::FlickrClient* client, cache::MetaStore& meta, Connectivity& connectivity,
                 SizeService& sizes, api::WorkQueue& queue, AwaitAlbums await_albums, bool exif);

  // True for the node kinds this service renders (info.json, exif.json).
  [[nodiscard]] static bool serves(model::NodeKind kind) noexcept;
  // model::CatalogView's size contract for those kinds.
  [[nodiscard]] std::optional<std::uint64_t> known_size(const model::Tree& tree,
                                                        const model::Node& node);
  [[nodiscard]] Result<std::uint64_t> resolve_size(const model::Tree& tree, const model::Node& node,
                                                   std::chrono::milliseconds bound);
  [[nodiscard]] bool provisional_size(const model::Tree& tree, const model::Node& node) const;
  // The file's bytes, as the mount serves them.
  [[nodiscard]] Result<std::string> render(const model::Tree& tree, const model::Node& node,
                                           std::chrono::milliseconds bound);
  // The info.json bytes of a photo.
  [[nodiscard]] Result<std::string> info_json(const model::Tree& tree, std::uint32_t photo_index,
                                              std::chrono::milliseconds bound);
  // The <stem>.exif.json bytes of a photo: from MetaStore, else one getExif call (waiting at
  // most `bound`), stored forever.
  [[nodiscard]] Result<std::string> exif_json(const model::PhotoCoreRef& photo,
                                              std::chrono::milliseconds bound);
  // Walk-ahead: queues the fetches a stat of this photo's sidecars will need, on spare
  // budget only (with the API bucket empty, the foreground fetches what it needs).
  void prefetch(const model::PhotoCoreRef& photo);

 private:
  // Comments (sidecar_comments.cpp). comments_of() without a bound never touches the
  // network (and fails unless fresh comments are stored).
  [[nodiscard]] Result<std::vector<api::Comment>> comments_of(
      const model::PhotoCoreRef& photo, std::optional<std::chrono::milliseconds> network_bound);
  [[nodiscard]] bool comments_fresh(const model::PhotoCoreRef& photo) const;
  // The fetches store what they found before they return (no write left for the resolver to
  // keep): their callers read it back from MetaStore next.
  [[nodiscard]] Result<SizeResolver::Found> fetch_comments(const model::PhotoCoreRef& photo);
  void prefetch_comments(const model::PhotoCoreRef& photo);
  // EXIF (sidecar_exif.cpp). One getExif call; stores the rendering and returns its size.
  [[nodiscard]] Result<SizeResolver::Found> fetch_exif(const model::PhotoCoreRef& photo);
  [[nodiscard]] std::optional<std::uint64_t> stored_exif_size(
      const model::PhotoCoreRef& photo) const;
  void prefetch_exif(const model::PhotoCoreRef& photo);
  // info.json (sidecar_service.cpp).
  [[nodiscard]] Result<std::string> render_info_json(const model::Tree& tree,
                                                     std::uint32_t photo_index,
                                                     std::chrono::milliseconds bound);
  // Memoizes the size of a rendered info.json in its snapshot once nothing it shows can
  // change any more within that snapshot.
  void remember_if_final(const model::Tree& tree, std::uint32_t photo_index,
                         const std::string& text);
  // The photo as MetaStore holds it: the snapshot keeps only model::PhotoCore.
  [[nodiscard]] Result<api::Photo> stored_photo(const model::PhotoCoreRef& core) const;
  [[nodiscard]] std::optional<std::string> render_known(const model::Tree& tree,
                                                        std::uint32_t photo_index);
  [[nodiscard]] bool online() const;

  api::FlickrClient* m_client;
  cache::MetaStore& m_meta;
  Connectivity& m_connectivity;
  SizeService& m_sizes;
  const AwaitAlbums m_await_albums;
  const bool m_exif;
  // comments.getList calls, single flight per photo (a SizeResolver whose "size" is the
  // number of comments stored).
  static constexpr unsigned kCommentCalls = 8;
  SizeResolver m_comment_fetcher;
  // getExif calls, single flight per photo (the "size" is the stored file's).
  static constexpr unsigned kExifCalls = 4;
  SizeResolver m_exif_fetcher;
};

}  // namespace flickrfs::fs
