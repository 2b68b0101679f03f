#pragma once
// The LMDB schema of CACHE/<nsid>/meta.lmdb: which named databases exist, their key layout,
// the version key, and the migrations between versions. cache/README.md has the table.
//
// Opening checks "schema"/"version": the current version is used as is; an older version
// with a migration is migrated in one write txn; anything else (a newer version, a missing
// version on a non-empty file, garbage) is rebuilt: every database is emptied and the
// version written, in one txn. A cache is never read with the wrong layout.
//
// Thread contract: open_schema() runs once per Env at store open, before concurrent use.

#include <cstdint>
#include <string>

#include "base/result.hpp"
#include "cache/lmdb.hpp"

namespace flickrfs::cache {

// History:
//   1: initial layout, without the "albums_of" reverse index.
//   2: adds "albums_of" (photo id -> album ids), rebuilt from the album lists.
//   3: drops "inodes" and the "next_inode" counter: inode numbers are hashes of tree keys
//      (fs/model/inode.hpp) and were never read back from the cache.
inline constexpr std::uint32_t kSchemaVersion = 3;

struct Databases {
  lmdb::Dbi schema = 0;        // "version" -> decimal
  lmdb::Dbi photos = 0;        // photo id -> photo record (record_codec)
  lmdb::Dbi comments = 0;      // photo id -> comments record
  lmdb::Dbi lists = 0;         // "stream" | "albums" | "album:<id>" -> id list
  lmdb::Dbi albums = 0;        // album id -> photoset record
  lmdb::Dbi albums_of = 0;     // photo id -> id list of the albums containing it
  lmdb::Dbi remote_sizes = 0;  // photo id \0 label \0 secret -> varint bytes, etag
  lmdb::Dbi listings = 0;      // listing key -> varint generation, fetched_at, count
  lmdb::Dbi state = 0;         // sync state key -> value
  lmdb::Dbi pins = 0;          // pin key -> pin record
  lmdb::Dbi blobs = 0;         // BlobKey::record_key() -> blob record (blob_store)
  lmdb::Dbi blob_stats = 0;    // "hits" | "misses" -> varint
};

struct SchemaOpen {
  Databases dbs;
  std::uint32_t found_version = 0;  // 0: new or unreadable
  enum class Action : std::uint8_t { created, current, migrated, rebuilt } action;
};

// Opens every database and brings the schema to kSchemaVersion.
[[nodiscard]] Result<SchemaOpen> open_schema(lmdb::Env& env);

// For tests of the upgrade path: writes `version` as the stored schema version.
[[nodiscard]] Result<void> write_schema_version(lmdb::Env& env, std::uint32_t version);

// Small helpers for decimal values stored under the schema database.
[[nodiscard]] std::string decimal(std::uint64_t value);
[[nodiscard]] bool parse_decimal(std::string_view text, std::uint64_t& out);

}  // namespace flickrfs::cache
