// See schema.hpp.
#include "cache/schema.hpp"

#include <charconv>
#include <map>
#include <set>
#include <vector>

#include "cache/record_codec.hpp"

namespace flickrfs::cache {

namespace {

constexpr std::string_view kVersionKey = "version";

Result<Databases> open_databases(lmdb::Env& env) {
  Databases d;
  struct Named {
    lmdb::Dbi* dbi;
    const char* name;
  };
  const Named all[] = {
      {&d.schema, "schema"},
      {&d.photos, "photos"},
      {&d.comments, "comments"},
      {&d.lists, "lists"},
      {&d.albums, "albums"},
      {&d.albums_of, "albums_of"},
      {&d.remote_sizes, "remote_sizes"},
      {&d.listings, "listings"},
      {&d.state, "state"},
      {&d.pins, "pins"},
      {&d.blobs, "blobs"},
      {&d.blob_stats, "blob_stats"},
  };
  for (const auto& named : all) {
    FLICKRFS_TRY(*named.dbi, env.open_db(named.name));
  }
  return d;
}

std::vector<lmdb::Dbi> every_database(const Databases& d) {
  return {d.schema,       d.photos,   d.comments, d.lists, d.albums, d.albums_of,
          d.remote_sizes, d.listings, d.state,    d.pins,  d.blobs,  d.blob_stats};
}

// Reads the stored version: nullopt when there is none, 0 when it is not a number.
Result<std::optional<std::uint64_t>> stored_version(lmdb::Env& env, const Databases& d) {
  FLICKRFS_TRY(auto txn, env.read());
  FLICKRFS_TRY(auto value, txn.get(d.schema, kVersionKey));
  if (!value) return std::optional<std::uint64_t>{};
  std::uint64_t version = 0;
  if (!parse_decimal(*value, version)) version = 0;
  return std::optional<std::uint64_t>{version};
}

Result<bool> is_empty(lmdb::Env& env, const Databases& d) {
  FLICKRFS_TRY(auto txn, env.read());
  for (lmdb::Dbi db : every_database(d)) {
    FLICKRFS_TRY(auto n, txn.count(db));
    if (n != 0) return false;
  }
  return true;
}

// v1 -> v2: build the reverse index photo -> albums from the "album:<id>" lists.
Result<void> migrate_1_to_2(lmdb::WriteTxn& txn, const Databases& d) {
  std::map<std::string, std::set<std::string>> reverse;
  {
    FLICKRFS_TRY(auto cursor, lmdb::Cursor::open(txn, d.lists));
    FLICKRFS_TRY(auto entry, cursor.seek("album:"));
    while (entry && entry->key.starts_with("album:")) {
      std::string album_id(entry->key.substr(6));
      FLICKRFS_TRY(auto ids, decode_ids(entry->value));
      for (auto& id : ids)
        reverse[id].insert(album_id);
      FLICKRFS_TRY(entry, cursor.next());
    }
  }
  FLICKRFS_CHECK(txn.clear(d.albums_of));
  for (const auto& [photo_id, album_ids] : reverse) {
    std::vector<std::string> list(album_ids.begin(), album_ids.end());
    FLICKRFS_CHECK(txn.put(d.albums_of, photo_id, encode_ids(list)));
  }
  return success();
}

// v2 -> v3: the inode table and its counter go (inode numbers are hashes of tree keys).
Result<void> migrate_2_to_3(lmdb::WriteTxn& txn, const Databases& d, lmdb::Dbi inodes) {
  FLICKRFS_CHECK(txn.drop(inodes));
  FLICKRFS_CHECK(txn.del(d.schema, "next_inode"));  // absent in a cache that never used it
  return success();
}

Result<void> rebuild(lmdb::WriteTxn& txn, const Databases& d) {
  for (lmdb::Dbi db : every_database(d))
    FLICKRFS_CHECK(txn.clear(db));
  return txn.put(d.schema, kVersionKey, decimal(kSchemaVersion));
}

}  // namespace

std::string decimal(std::uint64_t value) {
  return std::to_string(value);
}

bool parse_decimal(std::string_view text, std::uint64_t& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

Result<void> write_schema_version(lmdb::Env& env, std::uint32_t version) {
  FLICKRFS_TRY(auto dbs, open_databases(env));
  return env.update(
      [&](lmdb::WriteTxn& txn) { return txn.put(dbs.schema, kVersionKey, decimal(version)); });
}

Result<SchemaOpen> open_schema(lmdb::Env& env) {
  FLICKRFS_TRY(auto dbs, open_databases(env));
  FLICKRFS_TRY(auto version, stored_version(env, dbs));
  SchemaOpen out{dbs, version ? static_cast<std::uint32_t>(*version) : 0,
                 SchemaOpen::Action::current};
  if (version && *version == kSchemaVersion) return out;

  if (!version) {
    FLICKRFS_TRY(bool empty, is_empty(env, dbs));
    out.action = empty ? SchemaOpen::Action::created : SchemaOpen::Action::rebuilt;
  } else if (*version == 1 || *version == 2) {
    out.action = SchemaOpen::Action::migrated;
  } else {
    out.action = SchemaOpen::Action::rebuilt;  // newer, zero or garbage: never misread
  }
  // A database is opened in a transaction of its own, so the one a migration drops is
  // opened (created, if an older file lacks it) before the migration's transaction.
  lmdb::Dbi legacy_inodes = 0;
  if (out.action == SchemaOpen::Action::migrated) {
    FLICKRFS_TRY(legacy_inodes, env.open_db("inodes"));
  }
  auto body = [&](lmdb::WriteTxn& txn) -> Result<void> {
    // Another process may have done it between our read and this write txn.
    FLICKRFS_TRY(auto now, txn.get(dbs.schema, kVersionKey));
    if (now && *now == decimal(kSchemaVersion)) return success();
    if (out.action != SchemaOpen::Action::migrated) return rebuild(txn, dbs);
    if (out.found_version < 2) FLICKRFS_CHECK(migrate_1_to_2(txn, dbs));
    FLICKRFS_CHECK(migrate_2_to_3(txn, dbs, legacy_inodes));
    return txn.put(dbs.schema, kVersionKey, decimal(kSchemaVersion));
  };
  FLICKRFS_CHECK(env.update(body));
  return out;
}

}  // namespace flickrfs::cache
