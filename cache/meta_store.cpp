// See meta_store.hpp. Every public method is one LMDB transaction (cache/lmdb.hpp rules).
#include "cache/meta_store.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "cache/record_codec.hpp"

namespace flickrfs::cache {

namespace {

constexpr std::string_view kStreamList = "stream";
constexpr std::string_view kAlbumsList = "albums";

std::string album_list_key(std::string_view album_id) {
  return "album:" + std::string(album_id);
}

Result<std::vector<std::string>> read_ids(const lmdb::ReadTxn& txn, lmdb::Dbi db,
                                          std::string_view key) {
  FLICKRFS_TRY(auto value, txn.get(db, key));
  if (!value) return std::vector<std::string>{};
  return decode_ids(*value);
}

Result<std::optional<PhotoRecord>> read_photo(const lmdb::ReadTxn& txn, lmdb::Dbi db,
                                              std::string_view id) {
  FLICKRFS_TRY(auto value, txn.get(db, id));
  if (!value) return std::optional<PhotoRecord>{};
  auto record = decode_photo(*value);
  if (!record) return std::optional<PhotoRecord>{};  // undecodable: treated as not cached
  return std::optional<PhotoRecord>{std::move(record).value()};
}

// The writes of update_tree() bodies: `changed` is set when one wrote or deleted.
Result<void> put_changed(lmdb::WriteTxn& txn, lmdb::Dbi db, std::string_view key,
                         std::string_view value, bool& changed) {
  FLICKRFS_TRY(const bool wrote, txn.put_if_changed(db, key, value));
  changed = changed || wrote;
  return success();
}

Result<void> del_changed(lmdb::WriteTxn& txn, lmdb::Dbi db, std::string_view key, bool& changed) {
  FLICKRFS_TRY(const bool deleted, txn.del(db, key));
  changed = changed || deleted;
  return success();
}

CachedPhoto to_cached(PhotoRecord record) {
  return CachedPhoto{std::move(record.photo), record.has_detail, record.detail_last_update,
                     record.has_full_sizes};
}

// Merges an incoming photo with what is stored, per PhotoSource (see the header).
PhotoRecord merge_photo(const api::Photo& incoming, const std::optional<PhotoRecord>& stored,
                        PhotoSource source) {
  PhotoRecord out{incoming, source == PhotoSource::info, 0, false};
  if (source == PhotoSource::info) out.detail_last_update = incoming.last_update;
  if (!stored) return out;
  const bool same_secret = stored->photo.secret == incoming.secret;
  if (source == PhotoSource::list && stored->has_detail) {
    out.photo.rotation = stored->photo.rotation;
    out.photo.can_download = stored->photo.can_download;
    out.has_detail = true;
    out.detail_last_update = stored->detail_last_update;
  }
  if (same_secret && (stored->has_full_sizes || incoming.sizes.empty())) {
    out.photo.sizes = stored->photo.sizes;
    out.has_full_sizes = stored->has_full_sizes;
  }
  return out;
}

std::string encode_listing(const ListingState& s) {
  RecordWriter out;
  out.varint(s.generation);
  out.svarint(s.fetched_at);
  out.varint(s.count);
  return out.take();
}

ListingState decode_listing(std::string_view bytes) {
  RecordReader in(bytes);
  ListingState s{in.varint(), in.svarint(), in.varint()};
  return in.ok() ? s : ListingState{};
}

std::string encode_pin(const Pin& pin) {
  RecordWriter out;
  out.u8(static_cast<std::uint8_t>(pin.kind));
  out.str(pin.album_id);
  out.varint(pin.page);
  out.svarint(pin.pinned_at);
  return out.take();
}

std::optional<Pin> decode_pin(std::string_view bytes) {
  RecordReader in(bytes);
  Pin pin;
  pin.kind = in.u8() == 1 ? Pin::Kind::page : Pin::Kind::album;
  pin.album_id = in.str();
  pin.page = static_cast<std::uint32_t>(in.varint());
  pin.pinned_at = in.svarint();
  if (!in.ok()) return std::nullopt;
  return pin;
}

std::vector<std::string> page_slice(const std::vector<std::string>& ids, std::uint32_t page) {
  if (page == 0) return {};
  std::size_t begin = std::size_t{page - 1} * kPhotosPerPage;
  if (begin >= ids.size()) return {};
  std::size_t end = std::min(ids.size(), begin + kPhotosPerPage);
  return {ids.begin() + static_cast<std::ptrdiff_t>(begin),
          ids.begin() + static_cast<std::ptrdiff_t>(end)};
}

}  // namespace

std::string Pin::key() const {
  return kind == Kind::album ? "album:" + album_id : "page:" + std::to_string(page);
}

MetaStore::MetaStore(std::shared_ptr<lmdb::Env> env, SchemaOpen schema)
    : m_env(std::move(env)), m_dbs(schema.dbs), m_open_action(schema.action) {}

MetaStore::~MetaStore() = default;

Result<void> MetaStore::update_tree(const TreeWrite& write) {
  bool changed = false;
  FLICKRFS_CHECK(m_env->update([&](lmdb::WriteTxn& txn) {
    changed = false;  // a run after MDB_MAP_FULL starts over
    return write(txn, changed);
  }));
  // After the commit: a reader that sees the new revision sees the data too.
  if (changed) m_tree_revision.fetch_add(1, std::memory_order_acq_rel);
  return success();
}

Result<std::unique_ptr<MetaStore>> MetaStore::open(std::shared_ptr<lmdb::Env> env) {
  FLICKRFS_TRY(auto schema, open_schema(*env));
  return std::unique_ptr<MetaStore>(new MetaStore(std::move(env), schema));
}

// ---- photos ------------------------------------------------------------------------------

Result<void> MetaStore::upsert_photos(std::span<const api::Photo> photos, PhotoSource source) {
  // LMDB keeps a write txn's dirty pages in malloc'd memory and, after the commit, keeps those
  // pages for reuse for the life of the environment: one txn over a 100,000-photo walk would
  // pin about 140 MB. Upserts are additive, so txns of one listing page each lose nothing.
  constexpr std::size_t kPhotosPerTxn = 500;
  for (std::size_t begin = 0; begin < photos.size(); begin += kPhotosPerTxn) {
    const auto chunk = photos.subspan(begin, std::min(kPhotosPerTxn, photos.size() - begin));
    const auto store_chunk = [&](lmdb::WriteTxn& txn, bool& changed) -> Result<void> {
      for (const auto& photo : chunk) {
        if (photo.id.empty()) continue;  // nothing to key it by
        FLICKRFS_TRY(auto stored, read_photo(txn, m_dbs.photos, photo.id));
        FLICKRFS_CHECK(put_photo_if_changed(
            txn, photo.id, encode_photo(merge_photo(photo, stored, source)), changed));
      }
      return success();
    };
    FLICKRFS_CHECK(update_tree(store_chunk));
  }
  return success();
}

Result<std::optional<CachedPhoto>> MetaStore::photo(std::string_view photo_id) const {
  FLICKRFS_TRY(auto txn, m_env->read());
  FLICKRFS_TRY(auto record, read_photo(txn, m_dbs.photos, photo_id));
  if (!record) return std::optional<CachedPhoto>{};
  return std::optional<CachedPhoto>{to_cached(std::move(*record))};
}

Result<std::vector<std::optional<CachedPhoto>>> MetaStore::photos(
    std::span<const std::string> photo_ids) const {
  FLICKRFS_TRY(auto txn, m_env->read());
  std::vector<std::optional<CachedPhoto>> out;
  out.reserve(photo_ids.size());
  for (const auto& id : photo_ids) {
    FLICKRFS_TRY(auto record, read_photo(txn, m_dbs.photos, id));
    out.push_back(record ? std::optional<CachedPhoto>{to_cached(std::move(*record))}
                         : std::nullopt);
  }
  return out;
}

Result<void> MetaStore::put_photo_if_changed(lmdb::WriteTxn& txn, std::string_view photo_id,
                                             std::string_view record, bool& changed) {
  FLICKRFS_TRY(const bool wrote, txn.put_if_changed(m_dbs.photos, photo_id, record));
  if (!wrote) return success();
  m_written.note(photo_id);  // before the commit: see written_photos.hpp
  changed = true;
  return success();
}

namespace {

// The stored record of `photo_id` with `sizes` as its full ladder, encoded; nullopt when the
// stored photo's secret is not `secret` (the photo changed meanwhile). Errc::not_found when
// the photo is not cached (LMDB's own errors never use that code).
Result<std::optional<std::string>> record_with_sizes(const lmdb::WriteTxn& txn, lmdb::Dbi photos,
                                                     std::string_view photo_id,
                                                     std::string_view secret,
                                                     std::span<const api::Size> sizes) {
  FLICKRFS_TRY(auto stored, read_photo(txn, photos, photo_id));
  if (!stored) {
    return make_error(Errc::not_found, "photo " + std::string(photo_id) + " is not cached");
  }
  if (stored->photo.secret != secret) return std::optional<std::string>{};
  stored->photo.sizes.assign(sizes.begin(), sizes.end());
  stored->has_full_sizes = true;
  return std::optional<std::string>{encode_photo(*stored)};
}

}  // namespace

Result<void> MetaStore::put_sizes(std::string_view photo_id, std::string_view secret,
                                  std::span<const api::Size> sizes) {
  return update_tree([&](lmdb::WriteTxn& txn, bool& changed) -> Result<void> {
    FLICKRFS_TRY(auto record, record_with_sizes(txn, m_dbs.photos, photo_id, secret, sizes));
    if (!record) return success();
    return put_photo_if_changed(txn, photo_id, *record, changed);
  });
}

Result<void> MetaStore::put_sizes_many(std::span<const SizesEntry> entries) {
  if (entries.empty()) return success();
  return update_tree([&](lmdb::WriteTxn& txn, bool& changed) -> Result<void> {
    for (const auto& entry : entries) {
      auto record = record_with_sizes(txn, m_dbs.photos, entry.photo_id, entry.secret, entry.sizes);
      if (!record.ok()) {
        if (record.error().code == Errc::not_found) continue;  // one uncached photo: skipped
        return std::move(record).error();
      }
      if (!record.value()) continue;
      FLICKRFS_CHECK(put_photo_if_changed(txn, entry.photo_id, *record.value(), changed));
    }
    return success();
  });
}

Result<void> MetaStore::put_comments(std::string_view photo_id,
                                     std::span<const api::Comment> comments) {
  return m_env->update([&](lmdb::WriteTxn& txn) {
    return txn.put(m_dbs.comments, photo_id, encode_comments(comments));
  });
}

Result<std::optional<std::vector<api::Comment>>> MetaStore::comments(
    std::string_view photo_id) const {
  FLICKRFS_TRY(auto txn, m_env->read());
  FLICKRFS_TRY(auto value, txn.get(m_dbs.comments, photo_id));
  if (!value) return std::optional<std::vector<api::Comment>>{};
  auto decoded = decode_comments(*value);
  if (!decoded) return std::optional<std::vector<api::Comment>>{};
  return std::optional<std::vector<api::Comment>>{std::move(decoded).value()};
}

namespace {
std::string comments_state_key(std::string_view photo_id) {
  return "comments_at:" + std::string(photo_id);
}
}  // namespace

Result<void> MetaStore::put_comments_as_of(std::string_view photo_id,
                                           std::span<const api::Comment> comments,
                                           std::int64_t last_update) {
  // One transaction: comments never appear fresh for a last_update they do not belong to.
  return m_small_writes.update([&](lmdb::WriteTxn& txn) -> Result<void> {
    FLICKRFS_CHECK(txn.put(m_dbs.comments, photo_id, encode_comments(comments)));
    return txn.put(m_dbs.state, comments_state_key(photo_id), std::to_string(last_update));
  });
}

Result<bool> MetaStore::comments_current(std::string_view photo_id,
                                         std::int64_t last_update) const {
  FLICKRFS_TRY(const auto fetched_at, state(comments_state_key(photo_id)));
  return fetched_at && *fetched_at == std::to_string(last_update);
}

Result<std::optional<std::vector<api::Comment>>> MetaStore::comments_as_of(
    std::string_view photo_id, std::int64_t last_update) const {
  FLICKRFS_TRY(const bool current, comments_current(photo_id, last_update));
  if (!current) return std::optional<std::vector<api::Comment>>{};
  return comments(photo_id);
}

namespace {
std::string exif_state_key(std::string_view photo_id) {
  return "exif:" + std::string(photo_id);
}
}  // namespace

Result<void> MetaStore::put_exif_json(std::string_view photo_id, std::string_view text) {
  const std::string key = exif_state_key(photo_id);
  return m_small_writes.update(
      [&](lmdb::WriteTxn& txn) { return txn.put(m_dbs.state, key, text); });
}

Result<std::optional<std::string>> MetaStore::exif_json(std::string_view photo_id) const {
  return state(exif_state_key(photo_id));
}

// ---- listings ------------------------------------------------------------------------------

Result<void> MetaStore::bump_listing(lmdb::WriteTxn& txn, const ListingId& listing,
                                     std::uint64_t count, std::int64_t fetched_at, bool& changed) {
  FLICKRFS_TRY(auto value, txn.get(m_dbs.listings, listing.key));
  ListingState state = value ? decode_listing(*value) : ListingState{};
  changed = changed || state.generation == 0;  // a tree shows it as listed from now on
  state.generation += 1;
  state.fetched_at = fetched_at;
  state.count = count;
  return txn.put(m_dbs.listings, listing.key, encode_listing(state));
}

Result<ListingState> MetaStore::listing_state(const ListingId& listing) const {
  FLICKRFS_TRY(auto txn, m_env->read());
  FLICKRFS_TRY(auto value, txn.get(m_dbs.listings, listing.key));
  return value ? decode_listing(*value) : ListingState{};
}

Result<void> MetaStore::replace_photostream(std::span<const std::string> photo_ids,
                                            std::int64_t fetched_at) {
  return update_tree([&](lmdb::WriteTxn& txn, bool& changed) -> Result<void> {
    FLICKRFS_CHECK(put_changed(txn, m_dbs.lists, kStreamList, encode_ids(photo_ids), changed));
    return bump_listing(txn, ListingId::photostream(), photo_ids.size(), fetched_at, changed);
  });
}

Result<std::vector<std::string>> MetaStore::photostream() const {
  FLICKRFS_TRY(auto txn, m_env->read());
  return read_ids(txn, m_dbs.lists, kStreamList);
}

// ---- albums ------------------------------------------------------------------------------

Result<void> MetaStore::update_album_index(lmdb::WriteTxn& txn, std::string_view album_id,
                                           std::span<const std::string> old_ids,
                                           std::span<const std::string> new_ids) {
  std::set<std::string> before(old_ids.begin(), old_ids.end());
  std::set<std::string> after(new_ids.begin(), new_ids.end());
  auto edit = [&](const std::string& photo_id, bool add) -> Result<void> {
    FLICKRFS_TRY(auto albums, read_ids(txn, m_dbs.albums_of, photo_id));
    std::erase(albums, std::string(album_id));
    if (add) albums.emplace_back(album_id);
    if (albums.empty()) {
      FLICKRFS_CHECK(txn.del(m_dbs.albums_of, photo_id));
      return success();
    }
    return txn.put(m_dbs.albums_of, photo_id, encode_ids(albums));
  };
  for (const auto& id : before) {
    if (!after.contains(id)) FLICKRFS_CHECK(edit(id, false));
  }
  for (const auto& id : after) {
    if (!before.contains(id)) FLICKRFS_CHECK(edit(id, true));
  }
  return success();
}

Result<void> MetaStore::replace_albums(std::span<const api::Photoset> albums,
                                       std::int64_t fetched_at) {
  return update_tree([&](lmdb::WriteTxn& txn, bool& changed) -> Result<void> {
    FLICKRFS_TRY(auto old_order, read_ids(txn, m_dbs.lists, kAlbumsList));
    std::vector<std::string> order;
    for (const auto& set : albums) {
      order.push_back(set.id);
      FLICKRFS_CHECK(put_changed(txn, m_dbs.albums, set.id, encode_photoset(set), changed));
    }
    std::unordered_set<std::string> kept(order.begin(), order.end());
    for (const auto& gone : old_order) {  // deleted on Flickr: drop its list and index
      if (kept.contains(gone)) continue;
      FLICKRFS_TRY(auto ids, read_ids(txn, m_dbs.lists, album_list_key(gone)));
      FLICKRFS_CHECK(update_album_index(txn, gone, ids, {}));
      FLICKRFS_CHECK(del_changed(txn, m_dbs.lists, album_list_key(gone), changed));
      FLICKRFS_CHECK(del_changed(txn, m_dbs.albums, gone, changed));
    }
    FLICKRFS_CHECK(put_changed(txn, m_dbs.lists, kAlbumsList, encode_ids(order), changed));
    return bump_listing(txn, ListingId::albums(), order.size(), fetched_at, changed);
  });
}

Result<std::vector<api::Photoset>> MetaStore::albums() const {
  FLICKRFS_TRY(auto txn, m_env->read());
  FLICKRFS_TRY(auto order, read_ids(txn, m_dbs.lists, kAlbumsList));
  std::vector<api::Photoset> out;
  for (const auto& id : order) {
    FLICKRFS_TRY(auto value, txn.get(m_dbs.albums, id));
    if (!value) continue;
    auto set = decode_photoset(*value);
    if (set) out.push_back(std::move(set).value());
  }
  return out;
}

Result<std::optional<api::Photoset>> MetaStore::album(std::string_view album_id) const {
  FLICKRFS_TRY(auto txn, m_env->read());
  FLICKRFS_TRY(auto value, txn.get(m_dbs.albums, album_id));
  if (!value) return std::optional<api::Photoset>{};
  auto set = decode_photoset(*value);
  if (!set) return std::optional<api::Photoset>{};
  return std::optional<api::Photoset>{std::move(set).value()};
}

Result<void> MetaStore::replace_album_photos(std::string_view album_id,
                                             std::span<const std::string> photo_ids,
                                             std::int64_t fetched_at) {
  return update_tree([&](lmdb::WriteTxn& txn, bool& changed) -> Result<void> {
    FLICKRFS_TRY(auto old_ids, read_ids(txn, m_dbs.lists, album_list_key(album_id)));
    FLICKRFS_CHECK(update_album_index(txn, album_id, old_ids, photo_ids));
    // The album's list: written whenever its membership changed, and when it first exists
    // (an album listed empty).
    FLICKRFS_CHECK(
        put_changed(txn, m_dbs.lists, album_list_key(album_id), encode_ids(photo_ids), changed));
    return bump_listing(txn, ListingId::album(album_id), photo_ids.size(), fetched_at, changed);
  });
}

Result<std::optional<std::vector<std::string>>> MetaStore::album_photos(
    std::string_view album_id) const {
  FLICKRFS_TRY(auto txn, m_env->read());
  FLICKRFS_TRY(auto value, txn.get(m_dbs.lists, album_list_key(album_id)));
  if (!value) return std::optional<std::vector<std::string>>{};
  FLICKRFS_TRY(auto ids, decode_ids(*value));
  return std::optional<std::vector<std::string>>{std::move(ids)};
}

Result<std::vector<api::PhotosetRef>> MetaStore::albums_of(std::string_view photo_id) const {
  FLICKRFS_TRY(auto txn, m_env->read());
  FLICKRFS_TRY(auto member_of, read_ids(txn, m_dbs.albums_of, photo_id));
  std::unordered_set<std::string> member(member_of.begin(), member_of.end());
  FLICKRFS_TRY(auto order, read_ids(txn, m_dbs.lists, kAlbumsList));
  std::vector<api::PhotosetRef> out;
  for (const auto& id : order) {
    if (!member.contains(id)) continue;
    FLICKRFS_TRY(auto value, txn.get(m_dbs.albums, id));
    auto set = value ? decode_photoset(*value) : Result<api::Photoset>(api::Photoset{});
    out.push_back({id, set ? set->title : std::string()});
  }
  return out;
}

// ---- pins --------------------------------------------------------------------------------

Result<void> MetaStore::add_pin(const Pin& pin) {
  return m_env->update(
      [&](lmdb::WriteTxn& txn) { return txn.put(m_dbs.pins, pin.key(), encode_pin(pin)); });
}

Result<bool> MetaStore::remove_pin(const Pin& pin) {
  bool removed = false;
  auto body = [&](lmdb::WriteTxn& txn) -> Result<void> {
    FLICKRFS_TRY(removed, txn.del(m_dbs.pins, pin.key()));
    return success();
  };
  FLICKRFS_CHECK(m_env->update(body));
  return removed;
}

Result<std::vector<Pin>> MetaStore::pins() const {
  FLICKRFS_TRY(auto txn, m_env->read());
  FLICKRFS_TRY(auto cursor, lmdb::Cursor::open(txn, m_dbs.pins));
  std::vector<Pin> out;
  FLICKRFS_TRY(auto entry, cursor.first());
  while (entry) {
    if (auto pin = decode_pin(entry->value)) out.push_back(std::move(*pin));
    FLICKRFS_TRY(entry, cursor.next());
  }
  return out;
}

Result<std::vector<std::string>> MetaStore::pinned_photo_ids() const {
  FLICKRFS_TRY(auto pins, this->pins());
  FLICKRFS_TRY(auto txn, m_env->read());
  std::vector<std::string> out;
  std::optional<std::vector<std::string>> stream;  // read once, only if a page is pinned
  for (const auto& pin : pins) {
    if (pin.kind == Pin::Kind::album) {
      FLICKRFS_TRY(auto ids, read_ids(txn, m_dbs.lists, album_list_key(pin.album_id)));
      out.insert(out.end(), ids.begin(), ids.end());
      continue;
    }
    if (!stream) {
      FLICKRFS_TRY(auto ids, read_ids(txn, m_dbs.lists, kStreamList));
      stream = std::move(ids);
    }
    auto page = page_slice(*stream, pin.page);
    out.insert(out.end(), page.begin(), page.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace flickrfs::cache
