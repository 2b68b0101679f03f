#pragma once
// BlobStore: image bytes under CACHE/<nsid>/blobs/, one file per BlobKey (photo id, secret,
// size label), with one LMDB record per file in the user's meta.lmdb ("blobs" database).
//
// Write path: a download streams into "<name>.part" (pwrite, sha256 on the fly), is checked
// against the size the server announced, fsynced, renamed to "<name>", the directory is
// fsynced, and only then ONE write txn records {size, sha256, etag, stored_at, last_access}.
// A crash at any point leaves either a .part (removed at open), a final file without record
// (removed at open), or a complete file with its record. A record whose file is missing or
// has another size is dropped at open and never served; open() checks the size again with
// fstat, and `flickrfs cache verify` checks the sha256.
//
// Single flight: concurrent open() of the same key share one download. A BlobReader on an
// in-flight download reads the bytes already written and waits (condition variable) for the
// rest; a failed download wakes every waiter with the same error and leaves no final file.
//
// Offline (Options::offline or set_offline(true)): cached blobs are served; anything else
// fails at once with Errc::offline, no network call, no wait.
//
// Eviction (cache/eviction.hpp): after each stored download and on evict(), least recently
// used blobs go until the cache is within max_bytes and the filesystem has min_free_bytes
// free; open blobs (live BlobReader or download in flight) and blobs of pinned photos
// (MetaStore::pinned_photo_ids) are never evicted. Access times are kept in memory and
// written in one txn per eviction run / flush() / destruction, so a crash only loses recency.
//
// Full disk: ENOSPC / EDQUOT while writing gives Errc::no_space ("no space left for the
// cache in DIR ..."), after one eviction attempt; the .part is removed, nothing is recorded.
//
// Thread contract: thread-safe. open()/read()/evict()/verify() may run on any threads at
// once. Downloads run on the store's own pool of Options::download_jobs threads. BlobReader
// is used by one thread at a time (a FUSE file handle); several readers may share a blob.
// Lock order: BlobStore::m_mutex before Inflight::mutex; no LMDB txn is held while waiting.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "cache/downloader.hpp"
#include "cache/meta_store.hpp"

namespace flickrfs::cache {

struct BlobKey {
  std::string photo_id;
  std::string secret;
  std::string label;  // getSizes label, e.g. "Original", "Large 2048"

  // "<id>_<secret>_<label>" with every byte outside [A-Za-z0-9-] percent-encoded: one safe,
  // reversible path component.
  [[nodiscard]] std::string file_name() const;
  [[nodiscard]] static std::optional<BlobKey> from_file_name(std::string_view name);
  // LMDB key: id \0 secret \0 label.
  [[nodiscard]] std::string record_key() const;
  [[nodiscard]] static std::optional<BlobKey> from_record_key(std::string_view key);
  friend bool operator==(const BlobKey&, const BlobKey&) = default;
};

struct BlobRecord {
  std::uint64_t size = 0;
  std::array<std::uint8_t, 32> sha256{};
  std::string etag;
  std::int64_t stored_at = 0;    // unix seconds
  std::int64_t last_access = 0;  // unix seconds (as of the last flush)
};

// Where to get a blob that is not cached.
struct BlobSource {
  std::string url;
  // The exact size when the caller knows it (MetaStore::remote_size): a download of another
  // length fails with Errc::corrupt instead of being stored.
  std::optional<std::uint64_t> expected_size;
};

class BlobStore;
struct Inflight;

// An open blob. Move-only; while alive the blob cannot be evicted.
class BlobReader {
 public:
  BlobReader(BlobReader&&) noexcept;
  BlobReader& operator=(BlobReader&&) noexcept;
  BlobReader(const BlobReader&) = delete;
  BlobReader& operator=(const BlobReader&) = delete;
  ~BlobReader();

  // Reads up to out.size() bytes at `offset`, waiting while they are still downloading.
  // Returns the number of bytes read: less than out.size() only at the end of the blob, 0 at
  // or past the end. A failed download returns its error to every reader.
  [[nodiscard]] Result<std::size_t> read(std::uint64_t offset, std::span<char> out);
  // Total size: known for a stored blob and for a download started with its expected size;
  // otherwise waits until the download ends.
  [[nodiscard]] Result<std::uint64_t> size();
  // Waits until the whole blob is stored (or failed).
  [[nodiscard]] Result<void> wait();
  // Waits at most `timeout`: true once stored, false while still downloading (so a caller
  // that must stop promptly can give up waiting; the download itself goes on).
  [[nodiscard]] Result<bool> wait_for(std::chrono::milliseconds timeout);
  [[nodiscard]] bool from_cache() const { return m_hit; }
  [[nodiscard]] const BlobKey& key() const { return m_key; }

 private:
  friend class BlobStore;
  BlobReader(BlobStore* store, BlobKey key, std::shared_ptr<Inflight> state, bool hit);
  BlobStore* m_store = nullptr;
  BlobKey m_key;
  std::shared_ptr<Inflight> m_state;  // shared with the download and other readers
  bool m_hit = false;
};

struct ReconcileReport {
  std::uint64_t part_files_removed = 0;
  std::uint64_t orphan_files_removed = 0;  // files without a record
  std::uint64_t records_dropped = 0;       // records without a file or with another size
  std::uint64_t blobs = 0;                 // valid blobs after reconciling
  std::uint64_t bytes = 0;
};

struct VerifyReport {
  std::uint64_t checked = 0;
  std::vector<BlobKey> bad;         // missing file, size or sha256 mismatch, undecodable record
  std::uint64_t removed = 0;        // with Repair::yes: record and file gone
  std::vector<BlobKey> unrepaired;  // with Repair::yes: bad ones that could not be removed
};

struct EvictionReport {
  std::uint64_t evicted = 0;
  std::uint64_t freed_bytes = 0;
  bool satisfied = true;  // false when open/pinned blobs keep the cache over its limits
};

struct BlobStats {
  std::uint64_t blobs = 0;
  std::uint64_t bytes = 0;
  std::uint64_t hits = 0;    // opens served from the cache (persisted across runs)
  std::uint64_t misses = 0;  // opens that needed a download (persisted across runs)
  std::uint64_t downloads_in_flight = 0;
};

enum class Repair : std::uint8_t { no, yes };

class BlobStore {
 public:
  struct Options {
    std::uint64_t max_bytes = 0;  // --cache-size; 0 = unlimited
    std::uint64_t min_free_bytes = std::uint64_t{256} << 20;
    unsigned download_jobs = 4;      // --jobs
    unsigned download_attempts = 3;  // resumes with Range after a network error
    bool offline = false;            // --offline
    bool reconcile_at_open = true;
  };

  // Opens CACHE/<nsid>/blobs/ (created 0700) next to `meta`'s env and reconciles it.
  // `downloader` may be null: then every uncached open() fails with Errc::offline.
  // `meta` must outlive the store.
  [[nodiscard]] static Result<std::unique_ptr<BlobStore>> open(
      MetaStore& meta, std::shared_ptr<Downloader> downloader, const std::string& blobs_dir,
      Options options);
  BlobStore(const BlobStore&) = delete;
  BlobStore& operator=(const BlobStore&) = delete;
  // Cancels downloads in flight (their readers get Errc::interrupted), joins the pool,
  // flushes access times. Every BlobReader must be gone before.
  ~BlobStore();

  // Serves `key` from the cache, joins its download in flight, or starts one from `source`.
  // Errors: offline (offline and not cached), no_space, network..., corrupt.
  [[nodiscard]] Result<BlobReader> open(const BlobKey& key, const BlobSource& source);
  // Only from the cache: nullopt when not cached (never downloads, never waits).
  [[nodiscard]] Result<std::optional<BlobReader>> open_cached(const BlobKey& key);
  // Downloads (or joins) and waits until stored: for pins and mirror.
  [[nodiscard]] Result<void> fetch(const BlobKey& key, const BlobSource& source);
  [[nodiscard]] Result<std::optional<BlobRecord>> record(const BlobKey& key) const;
  [[nodiscard]] bool is_cached(const BlobKey& key) const;

  [[nodiscard]] Result<ReconcileReport> reconcile();
  [[nodiscard]] Result<EvictionReport> evict();
  [[nodiscard]] Result<VerifyReport> verify(Repair repair);
  // Removes every blob that is not open. Returns how many were removed.
  [[nodiscard]] Result<std::uint64_t> clear();
  [[nodiscard]] Result<void> flush();  // access times and hit counters to LMDB
  [[nodiscard]] BlobStats stats() const;

  void set_offline(bool offline);
  [[nodiscard]] bool offline() const;
  [[nodiscard]] const std::string& dir() const;

 private:
  friend class BlobReader;
  struct Impl;
  explicit BlobStore(std::unique_ptr<Impl> impl);
  void release(const BlobKey& key) noexcept;  // a BlobReader closed
  std::unique_ptr<Impl> m_impl;
};

// "CACHE/<nsid>/blobs".
[[nodiscard]] std::string blobs_dir(const std::string& user_dir);

}  // namespace flickrfs::cache
