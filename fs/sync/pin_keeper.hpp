#pragma once
// PinKeeper: downloads what `flickrfs cache pin` pinned (issue 6). A pin (MetaStore::add_pin)
// names an album or a photostream page; MetaStore::pinned_photo_ids() resolves it against the
// cached listings; the keeper fetches every file the mount shows for those photos (the best
// file, plus --sizes extras) into the BlobStore, where eviction never removes them.
//
// When it looks: at start(), after each listing rebuild (note_refresh(), called by the
// mount's change listener), whenever the set of pins changes (re-read every `poll_interval`,
// because `flickrfs cache pin` runs in another process), and again `retry_interval` after a
// pass that could not fetch everything. Nothing at all while offline (`online` gate false):
// the next look after coming back online catches up.
//
// Bounds: at most `workers` downloads at once, through the mount's BlobStore and Downloader,
// so every byte passes the client's shared image rate bucket, and a foreground open of a
// blob being fetched joins the same download (single flight).
//
// Threads: one scanner thread of its own (it sleeps between looks); the downloads run as up
// to `workers` tasks on the shared api::WorkQueue at Priority::pins, one file per task, so
// between two files every more urgent task queued meanwhile goes first.
// A task waits only on a BlobStore download (the store's own threads), never on another task
// of the queue (the WorkQueue deadlock rule).
//
// run_once() is the same pass on the caller's thread and up to `workers` - 1 queue tasks:
// `flickrfs cache pin` uses it to download directly when no mount is running.
//
// Thread contract: thread-safe. note_refresh() never blocks (it may be called with the
// catalog's refresh lock held). A download task waits in slices of 200 ms so stop() returns
// promptly: it drops queued files, joins the scanner and waits for the running tasks, without
// waiting for downloads in flight (the BlobStore finishes or cancels those). stop() (or the
// destructor) must run before the Catalog, BlobStore and WorkQueue are destroyed.
// Lock order: m_mutex, then the WorkQueue's (a leaf) when a task is submitted.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "api/task_group.hpp"
#include "api/work_queue.hpp"
#include "base/result.hpp"
#include "cache/blob_store.hpp"
#include "cache/meta_store.hpp"
#include "fs/sync/catalog.hpp"

namespace flickrfs::fs {

struct PinKeeperOptions {
  unsigned workers = 2;
  std::chrono::milliseconds poll_interval{2000};
  std::chrono::milliseconds retry_interval{30000};
};

struct PinStats {
  std::uint64_t pinned_files = 0;  // files of pinned photos, as of the last look
  std::uint64_t cached_files = 0;  // of those, stored in the cache at the last look
  std::uint64_t downloaded = 0;    // fetched by the keeper since start
  std::uint64_t failed = 0;        // fetches that failed since start
  std::uint64_t pending = 0;       // queued or downloading now
};

class PinKeeper {
 public:
  using Gate = std::function<bool()>;

  PinKeeper(cache::MetaStore& meta, cache::BlobStore& blobs, Catalog& catalog,
            api::WorkQueue& queue, PinKeeperOptions options, Gate online);
  ~PinKeeper();
  PinKeeper(const PinKeeper&) = delete;
  PinKeeper& operator=(const PinKeeper&) = delete;

  void start();
  void note_refresh();
  void stop();
  // One synchronous pass: fetches every pinned file not cached yet. Stops at the first
  // offline/network error (the rest would fail the same way).
  [[nodiscard]] Result<PinStats> run_once();
  [[nodiscard]] PinStats stats() const;
  // "pin_*=value" lines for the status file.
  [[nodiscard]] std::string status_lines() const;

 private:
  struct Task {
    std::shared_ptr<const model::Tree> tree;
    std::uint32_t photo = 0;
    std::size_t file = 0;
    cache::BlobKey key;
  };
  struct Scan {
    std::vector<Task> missing;
    std::uint64_t files = 0;
    std::uint64_t cached = 0;
    std::string pins_signature;
  };

  [[nodiscard]] Result<Scan> scan() const;
  [[nodiscard]] std::string pins_signature() const;
  [[nodiscard]] Result<void> fetch(const Task& task, const std::atomic<bool>& stopping);
  [[nodiscard]] bool look_due(const std::string& pins_seen);
  void look();
  void scanner_loop();
  // Submits download tasks while fewer than `workers` are out and files are queued.
  void start_downloads_locked();
  void download_task();
  void finish_task_locked(const Task& task, const Result<void>& outcome);

  cache::MetaStore& m_meta;
  cache::BlobStore& m_blobs;
  Catalog& m_catalog;
  api::WorkQueue& m_work_queue;
  const PinKeeperOptions m_options;
  const Gate m_online;

  std::atomic<bool> m_stopping{false};
  mutable std::mutex m_mutex;      // guards everything below
  std::condition_variable m_wake;  // the scanner: stop, or a listing was rebuilt
  bool m_stop = false;
  bool m_kick = false;        // note_refresh() since the scanner last woke
  bool m_refreshed = true;    // a look is due (start, listing rebuilt)
  bool m_incomplete = false;  // the last pass could not fetch everything
  std::string m_pins_seen;    // pins signature of the last look
  std::chrono::steady_clock::time_point m_last_look{};
  std::deque<Task> m_queue;
  std::unordered_set<std::string> m_pending;  // record keys queued or downloading
  api::TaskGroup m_tasks;                     // download tasks submitted and not returned
  PinStats m_stats;
  std::thread m_scanner;
};

}  // namespace flickrfs::fs
