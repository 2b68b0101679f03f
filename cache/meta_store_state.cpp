// MetaStore, second part: exact remote sizes, sync state, counts, and opening
// a user's environment. See meta_store.hpp.
#include <sys/stat.h>

#include "cache/cache_dir.hpp"
#include "cache/meta_store.hpp"
#include "cache/record_codec.hpp"

namespace flickrfs::cache {

namespace {

std::string remote_size_key(std::string_view id, std::string_view label, std::string_view secret) {
  std::string key(id);
  key += '\0';
  key += label;
  key += '\0';
  key += secret;
  return key;
}

}  // namespace

// ---- remote sizes ----------------------------------------------------------------------------

Result<void> MetaStore::put_remote_size(std::string_view photo_id, std::string_view label,
                                        std::string_view secret, const RemoteSize& size) {
  RemoteSizeEntry entry{std::string(photo_id), std::string(label), std::string(secret), size};
  return put_remote_sizes({&entry, 1});
}

Result<void> MetaStore::put_remote_sizes(std::span<const RemoteSizeEntry> sizes) {
  return m_small_writes.update([&](lmdb::WriteTxn& txn) -> Result<void> {
    for (const auto& entry : sizes) {
      RecordWriter out;
      out.varint(entry.size.bytes);
      out.str(entry.size.etag);
      FLICKRFS_CHECK(txn.put(m_dbs.remote_sizes,
                             remote_size_key(entry.photo_id, entry.label, entry.secret),
                             out.take()));
    }
    return success();
  });
}

Result<std::optional<RemoteSize>> MetaStore::remote_size(std::string_view photo_id,
                                                         std::string_view label,
                                                         std::string_view secret) const {
  FLICKRFS_TRY(auto txn, m_env->read());
  FLICKRFS_TRY(auto value, txn.get(m_dbs.remote_sizes, remote_size_key(photo_id, label, secret)));
  if (!value) return std::optional<RemoteSize>{};
  RecordReader in(*value);
  RemoteSize size{in.varint(), in.str()};
  if (!in.ok()) return std::optional<RemoteSize>{};
  return std::optional<RemoteSize>{std::move(size)};
}

// ---- sync state --------------------------------------------------------------------------------

Result<void> MetaStore::put_state(std::string_view key, std::string_view value) {
  // favorites/ and collections/ are built from their state records.
  return update_tree([&](lmdb::WriteTxn& txn, bool& changed) -> Result<void> {
    FLICKRFS_TRY(changed, txn.put_if_changed(m_dbs.state, key, value));
    return success();
  });
}

Result<std::optional<std::string>> MetaStore::state(std::string_view key) const {
  FLICKRFS_TRY(auto txn, m_env->read());
  FLICKRFS_TRY(auto value, txn.get(m_dbs.state, key));
  if (!value) return std::optional<std::string>{};
  return std::optional<std::string>{std::string(*value)};
}

// ---- counts
// --------------------------------------------------------------------------------------

Result<MetaCounts> MetaStore::counts() const {
  MetaCounts counts;
  {
    FLICKRFS_TRY(auto txn, m_env->read());
    FLICKRFS_TRY(counts.photos, txn.count(m_dbs.photos));
    FLICKRFS_TRY(counts.albums, txn.count(m_dbs.albums));
    FLICKRFS_TRY(counts.remote_sizes, txn.count(m_dbs.remote_sizes));
    FLICKRFS_TRY(auto version, txn.get(m_dbs.schema, "version"));
    std::uint64_t parsed = 0;
    if (version && parse_decimal(*version, parsed)) {
      counts.schema_version = static_cast<std::uint32_t>(parsed);
    }
  }
  FLICKRFS_TRY(auto stream, listing_state(ListingId::photostream()));
  counts.photostream = stream.count;
  counts.map_bytes = m_env->map_size();
  struct stat st {};
  if (::stat(m_env->path().c_str(), &st) == 0) counts.file_bytes = std::uint64_t(st.st_size);
  return counts;
}

Result<void> MetaStore::clear_metadata() {
  return update_tree([&](lmdb::WriteTxn& txn, bool& changed) -> Result<void> {
    for (lmdb::Dbi db : {m_dbs.photos, m_dbs.comments, m_dbs.lists, m_dbs.albums, m_dbs.albums_of,
                         m_dbs.remote_sizes, m_dbs.listings, m_dbs.state}) {
      FLICKRFS_CHECK(txn.clear(db));
    }
    m_written.note_all();
    changed = true;
    return success();
  });
}

// ---- opening
// -------------------------------------------------------------------------------------

std::string user_dir(const std::string& cache_dir, std::string_view nsid) {
  return cache_dir + "/" + encode_path_component(nsid);
}

Result<std::shared_ptr<lmdb::Env>> open_user_env(const std::string& cache_dir,
                                                 std::string_view nsid) {
  if (nsid.empty()) return make_error(Errc::invalid_argument, "empty user id for the cache");
  FLICKRFS_CHECK(ensure_private_dir(cache_dir));
  std::string dir = user_dir(cache_dir, nsid);
  FLICKRFS_CHECK(ensure_private_dir(dir));
  return lmdb::Env::open(dir + "/meta.lmdb");
}

}  // namespace flickrfs::cache
