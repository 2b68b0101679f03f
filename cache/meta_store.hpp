#pragma once
// MetaStore: everything flickrfs knows about one Flickr user, in CACHE/<nsid>/meta.lmdb.
//
// Photos (every field info.json needs), the photostream order (oldest upload first), albums
// in album order with their photo ids, the reverse index photo -> albums, comments, size
// ladders, exact remote byte sizes and ETags (kept forever), stable inode numbers, listing
// generations and fetch times, pins, and a small key/value for sync state. Records are
// compact versioned binary (cache/record_codec.hpp); the schema version lives under the key
// "version" of the "schema" database (cache/schema.hpp). An older schema is migrated, an
// unknown one (newer, missing, or undecodable) is rebuilt empty: never misread.
//
// A listing only changes through a successful replace_* call, and replace_* never deletes a
// photo record: a failed refresh (network error, offline) simply does not call it, so the
// cache never forgets a photo because a listing call failed. A photo no longer in any
// listing keeps its record; the tree is built from the listings, so it is not shown.
//
// Thread contract: thread-safe. Any number of threads may call any method at once; LMDB runs
// one write txn at a time, and every read-merge-write happens inside one. Reads never see a
// half-applied replace_* (one write txn each); upsert_photos commits every 500 photos, which
// loses nothing because upserts only add. No method blocks on the network.
// The small writes many threads make at once (remote sizes, comments, EXIF) share
// transactions through a GroupCommit: one fsync for all the probes that finished together.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/types.hpp"
#include "base/result.hpp"
#include "cache/group_commit.hpp"
#include "cache/lmdb.hpp"
#include "cache/page.hpp"
#include "cache/schema.hpp"
#include "cache/written_photos.hpp"

namespace flickrfs::cache {

// Names of listings whose generation and fetch time are tracked.
struct ListingId {
  static ListingId photostream() { return {"stream"}; }
  static ListingId albums() { return {"albums"}; }
  static ListingId album(std::string_view album_id) { return {"album:" + std::string(album_id)}; }
  std::string key;
};

struct ListingState {
  std::uint64_t generation = 0;  // 0: never fetched; bumps on every successful replace_*
  std::int64_t fetched_at = 0;   // unix seconds of the last successful replace_*
  std::uint64_t count = 0;       // entries in the listing
};

// How much of a photo the cache holds.
struct CachedPhoto {
  api::Photo photo;
  bool has_detail = false;              // getInfo fields (rotation, can_download) are real
  std::int64_t detail_last_update = 0;  // photo.last_update when getInfo was stored
  bool has_full_sizes = false;          // photo.sizes is a getSizes ladder, not url_* extras
};

// Whether an upsert comes from a list call (keeps stored detail fields and a stored
// getSizes ladder for the same secret) or from getInfo (detail fields are authoritative).
enum class PhotoSource : std::uint8_t { list, info };

// Exact size of one remote image, learnt from a HEAD, a Range probe or a download.
struct RemoteSize {
  std::uint64_t bytes = 0;
  std::string etag;
};

struct RemoteSizeEntry {
  std::string photo_id;
  std::string label;
  std::string secret;
  RemoteSize size;
};

// What `flickrfs cache pin` keeps.
struct Pin {
  enum class Kind : std::uint8_t { album, page };
  Kind kind = Kind::album;
  std::string album_id;    // kind == album
  std::uint32_t page = 0;  // kind == page, 1-based, 500 photos per page
  std::int64_t pinned_at = 0;
  [[nodiscard]] std::string key() const;  // "album:<id>" / "page:<n>"
};

struct MetaCounts {
  std::uint64_t photos = 0;
  std::uint64_t albums = 0;
  std::uint64_t photostream = 0;  // ids in the photostream order
  std::uint64_t remote_sizes = 0;
  std::uint32_t schema_version = 0;
  std::uint64_t map_bytes = 0;   // current LMDB map size
  std::uint64_t file_bytes = 0;  // meta.lmdb on disk
};

class MetaStore {
 public:
  // Opens the stores of CACHE/<nsid>/meta.lmdb through `env` (see open_user_env), checks the
  // schema version and migrates or rebuilds it (blob records included: one schema per env).
  [[nodiscard]] static Result<std::unique_ptr<MetaStore>> open(std::shared_ptr<lmdb::Env> env);
  MetaStore(const MetaStore&) = delete;
  MetaStore& operator=(const MetaStore&) = delete;
  ~MetaStore();

  // ---- photos --------------------------------------------------------------------------
  // Inserts or updates photos, in write txns of 500 photos (a failure keeps the txns committed
  // before it; each txn is whole). With PhotoSource::list the stored detail
  // fields (rotation, can_download) and a stored getSizes ladder for the same secret are
  // kept, and an empty incoming size list keeps the stored one.
  [[nodiscard]] Result<void> upsert_photos(std::span<const api::Photo> photos, PhotoSource source);
  [[nodiscard]] Result<std::optional<CachedPhoto>> photo(std::string_view photo_id) const;
  // Several photos in one read txn; a missing id gives nullopt at its position.
  [[nodiscard]] Result<std::vector<std::optional<CachedPhoto>>> photos(
      std::span<const std::string> photo_ids) const;
  // Stores a getSizes ladder for `photo_id` (fetched for `secret`); a later secret change
  // (replaced photo) makes it stale and it is dropped by the next list upsert.
  [[nodiscard]] Result<void> put_sizes(std::string_view photo_id, std::string_view secret,
                                       std::span<const api::Size> sizes);
  // Several ladders in one write txn (a page's videos: one fsync, not one each); a photo
  // no longer stored is skipped.
  struct SizesEntry {
    std::string photo_id;
    std::string secret;
    std::vector<api::Size> sizes;
  };
  [[nodiscard]] Result<void> put_sizes_many(std::span<const SizesEntry> entries);
  [[nodiscard]] Result<void> put_comments(std::string_view photo_id,
                                          std::span<const api::Comment> comments);
  [[nodiscard]] Result<std::optional<std::vector<api::Comment>>> comments(
      std::string_view photo_id) const;
  // Comments stored together with the photo's last_update at fetch time (a new comment bumps
  // last_update): comments_as_of() gives them only while that is still the photo's value.
  // The mount writes them; the mirror of a mount reads them instead of calling Flickr again.
  [[nodiscard]] Result<void> put_comments_as_of(std::string_view photo_id,
                                                std::span<const api::Comment> comments,
                                                std::int64_t last_update);
  [[nodiscard]] Result<std::optional<std::vector<api::Comment>>> comments_as_of(
      std::string_view photo_id, std::int64_t last_update) const;
  // Whether comments are stored for that last_update, without decoding them.
  [[nodiscard]] Result<bool> comments_current(std::string_view photo_id,
                                              std::int64_t last_update) const;

  // A photo's <stem>.exif.json as rendered from flickr.photos.getExif (model/exif_json.hpp),
  // under the state key "exif:<id>": EXIF never changes, so it is fetched once and kept
  // forever (a remount, an offline mount and the mirror read it from here).
  [[nodiscard]] Result<void> put_exif_json(std::string_view photo_id, std::string_view text);
  [[nodiscard]] Result<std::optional<std::string>> exif_json(std::string_view photo_id) const;

  // ---- photostream -----------------------------------------------------------------------
  // Replaces the photostream order (oldest upload first) and bumps its generation.
  [[nodiscard]] Result<void> replace_photostream(std::span<const std::string> photo_ids,
                                                 std::int64_t fetched_at);
  [[nodiscard]] Result<std::vector<std::string>> photostream() const;

  // ---- albums ----------------------------------------------------------------------------
  [[nodiscard]] Result<void> replace_albums(std::span<const api::Photoset> albums,
                                            std::int64_t fetched_at);
  [[nodiscard]] Result<std::vector<api::Photoset>> albums() const;  // album order
  [[nodiscard]] Result<std::optional<api::Photoset>> album(std::string_view album_id) const;
  // Replaces one album's photo ids (album order) and updates the reverse index.
  [[nodiscard]] Result<void> replace_album_photos(std::string_view album_id,
                                                  std::span<const std::string> photo_ids,
                                                  std::int64_t fetched_at);
  [[nodiscard]] Result<std::optional<std::vector<std::string>>> album_photos(
      std::string_view album_id) const;
  // Albums containing `photo_id`, in album order (for info.json "sets").
  [[nodiscard]] Result<std::vector<api::PhotosetRef>> albums_of(std::string_view photo_id) const;

  // ---- exact remote sizes (forever) --------------------------------------------------------
  [[nodiscard]] Result<void> put_remote_size(std::string_view photo_id, std::string_view label,
                                             std::string_view secret, const RemoteSize& size);
  // Many in one write txn (a batch of HEAD probes).
  [[nodiscard]] Result<void> put_remote_sizes(std::span<const RemoteSizeEntry> sizes);
  [[nodiscard]] Result<std::optional<RemoteSize>> remote_size(std::string_view photo_id,
                                                              std::string_view label,
                                                              std::string_view secret) const;

  // ---- listings, sync state, pins, stats ---------------------------------------------------
  [[nodiscard]] Result<ListingState> listing_state(const ListingId& listing) const;
  [[nodiscard]] Result<void> put_state(std::string_view key, std::string_view value);
  [[nodiscard]] Result<std::optional<std::string>> state(std::string_view key) const;

  [[nodiscard]] Result<void> add_pin(const Pin& pin);
  [[nodiscard]] Result<bool> remove_pin(const Pin& pin);
  [[nodiscard]] Result<std::vector<Pin>> pins() const;
  // Photo ids covered by the pins, resolved against the current listings.
  [[nodiscard]] Result<std::vector<std::string>> pinned_photo_ids() const;

  [[nodiscard]] Result<MetaCounts> counts() const;
  // `flickrfs cache clear`: forgets every photo, listing, size, comment and sync state in one
  // txn; keeps inode numbers (stable across mounts), pins and blob records (BlobStore::clear
  // removes those with their files).
  [[nodiscard]] Result<void> clear_metadata();
  // Counts the committed writes that changed what a Tree is built from: photo records, the
  // photostream and album lists, album records and membership, sync state (favorites,
  // collections), a listing becoming listed, clear_metadata(). Those writes skip values
  // already stored, so a refresh that found nothing new leaves it unchanged, and the catalog
  // keeps its snapshot instead of rebuilding it (fs/sync/refresher.hpp). Not persistent.
  [[nodiscard]] std::uint64_t tree_revision() const noexcept {
    return m_tree_revision.load(std::memory_order_acquire);
  }
  // The ids of photo records written since the last call, or nullopt for "any" (see
  // written_photos.hpp). The caller that cannot use what it took calls forget_written().
  [[nodiscard]] std::optional<WrittenPhotos::Ids> take_written_photos() { return m_written.take(); }
  void forget_written() { m_written.note_all(); }
  [[nodiscard]] const std::shared_ptr<lmdb::Env>& env() const { return m_env; }
  [[nodiscard]] const Databases& databases() const { return m_dbs; }
  // What open() did with the schema (created, current, migrated, rebuilt).
  [[nodiscard]] SchemaOpen::Action open_action() const { return m_open_action; }

 private:
  MetaStore(std::shared_ptr<lmdb::Env> env, SchemaOpen schema);
  [[nodiscard]] Result<void> update_album_index(lmdb::WriteTxn& txn, std::string_view album_id,
                                                std::span<const std::string> old_ids,
                                                std::span<const std::string> new_ids);
  // `changed` is set when the listing becomes listed (its first generation).
  [[nodiscard]] Result<void> bump_listing(lmdb::WriteTxn& txn, const ListingId& listing,
                                          std::uint64_t count, std::int64_t fetched_at,
                                          bool& changed);
  // Runs `write` in one write txn (Env::update, which may run it again after growing the
  // map) and bumps the tree revision when the committed run set `changed`.
  using TreeWrite = std::function<Result<void>(lmdb::WriteTxn& txn, bool& changed)>;
  [[nodiscard]] Result<void> update_tree(const TreeWrite& write);
  // The one way a TreeWrite stores a photo record (encoded): skipped when the bytes are
  // already stored; a write sets `changed` and notes the id in m_written, so every photo
  // write reaches both the tree revision and the rebuild's list of pages to read again.
  [[nodiscard]] Result<void> put_photo_if_changed(lmdb::WriteTxn& txn, std::string_view photo_id,
                                                  std::string_view record, bool& changed);

  std::shared_ptr<lmdb::Env> m_env;
  lmdb::GroupCommit m_small_writes{m_env};  // after m_env
  Databases m_dbs;
  SchemaOpen::Action m_open_action;
  std::atomic<std::uint64_t> m_tree_revision{0};
  WrittenPhotos m_written;
};

// Opens (creating with mode 0700) CACHE/<nsid>/ and its meta.lmdb environment; both stores
// of one user share the returned Env (LMDB: never open one env twice in a process).
[[nodiscard]] Result<std::shared_ptr<lmdb::Env>> open_user_env(const std::string& cache_dir,
                                                               std::string_view nsid);
// CACHE/<nsid> with the nsid made safe as one path component.
[[nodiscard]] std::string user_dir(const std::string& cache_dir, std::string_view nsid);

}  // namespace flickrfs::cache
