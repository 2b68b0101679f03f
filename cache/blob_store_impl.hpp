#pragma once
// Internals of BlobStore shared by blob_store.cpp (open, read, download) and
// blob_maintenance.cpp (reconcile, evict, verify, clear, flush). Not a public header.
//
// Lock order: Impl::mutex before Inflight::mutex. Neither is held across a network call, a
// disk write of blob bytes, or an LMDB write txn, except Impl::mutex around the in-memory
// bookkeeping of eviction (see blob_maintenance.cpp).

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "cache/blob_store.hpp"
#include "cache/file_util.hpp"

namespace flickrfs::cache {

// The shared state of one open blob: a cached file (done from the start) or a download in
// flight that readers follow.
struct Inflight {
  std::mutex mutex;
  std::condition_variable changed;  // more bytes, the size, completion, or an error
  UniqueFd fd;                      // the .part file, which becomes the final file on rename
  std::uint64_t available = 0;      // bytes written so far
  std::optional<std::uint64_t> total;
  bool done = false;
  std::optional<Error> error;
  std::atomic<bool> cancel{false};
};

inline constexpr std::uint8_t kBlobRecordFormat = 1;
[[nodiscard]] std::string encode_blob_record(const BlobRecord& record);
[[nodiscard]] std::optional<BlobRecord> decode_blob_record(std::string_view bytes);
[[nodiscard]] std::int64_t unix_now();

struct BlobStore::Impl {
  Impl(MetaStore& meta_store, std::shared_ptr<Downloader> dl, std::string directory, Options opts);

  MetaStore& meta;
  lmdb::Env& env;
  Databases dbs;
  std::shared_ptr<Downloader> downloader;
  std::string dir;
  const Options options;  // as opened; set_offline() changes `offline` below, not this
  std::atomic<bool> offline;
  std::atomic<bool> stopping{false};

  mutable std::mutex mutex;                                             // guards everything below
  std::unordered_map<std::string, std::shared_ptr<Inflight>> inflight;  // by record key
  std::unordered_map<std::string, int> open_count;                      // live BlobReaders
  std::unordered_map<std::string, std::int64_t> pending_access;         // not yet in LMDB
  std::uint64_t hits_pending = 0;
  std::uint64_t misses_pending = 0;
  std::uint64_t blob_count = 0;  // as of the last reconcile, plus stores, minus evictions
  std::uint64_t blob_bytes = 0;
  std::deque<std::function<void()>> jobs;
  std::condition_variable jobs_changed;
  std::vector<std::thread> workers;

  [[nodiscard]] std::string final_path(const BlobKey& key) const;
  [[nodiscard]] std::string part_path(const BlobKey& key) const;

  // Starts the worker threads (download_jobs of them).
  void start_workers();
  void stop_workers();
  void worker_loop();

  // Serves `key` from a stored blob: nullopt when there is no valid record + file.
  [[nodiscard]] Result<std::shared_ptr<Inflight>> open_stored(const BlobKey& key);
  // The download job of one blob: runs on a worker thread.
  void run_download(const BlobKey& key, const BlobSource& source,
                    const std::shared_ptr<Inflight>& state);
  [[nodiscard]] Result<BlobRecord> download_to_part(const BlobKey& key, const BlobSource& source,
                                                    Inflight& state);
  [[nodiscard]] Result<void> publish(const BlobKey& key, Inflight& state, BlobRecord& record);

  void note_open(const std::string& record_key, bool hit);
  [[nodiscard]] Result<EvictionReport> evict(std::uint64_t extra_bytes);
  // Evicts only when the in-memory totals say a limit is crossed.
  void maybe_evict(std::uint64_t extra_bytes);
  [[nodiscard]] Result<void> flush();
  // Sets blob_count and blob_bytes from the records (when reconcile does not run).
  [[nodiscard]] Result<void> count_records();
  [[nodiscard]] Result<void> remove_blobs(const std::vector<std::string>& record_keys,
                                          std::uint64_t& freed);
};

}  // namespace flickrfs::cache
