#pragma once
// Prefetcher: walk-ahead prefetch for the mount (issue 10). The FUSE ops report which
// directories are listed and which files are opened; a WalkDetector per page decides when
// a program walks the page and how far ahead; the Prefetcher then downloads the next photos
// of that walk into the BlobStore, so each open finds its bytes cached or arriving (a
// foreground open of a blob being prefetched joins the download: BlobStore single flight).
//
// Bounds: at most `window` photos ahead of the reader (--prefetch N), at most `workers`
// downloads at once, at most `max_bytes_in_flight` bytes downloading, and, with a cache
// limit, at most a quarter of --cache-size prefetched but not yet opened (so prefetch never
// pushes the cache into evicting what the walk is about to read). A download is only started
// while the image rate bucket has a token to spare, never while offline. Foreground first:
// the downloads run in at most `workers` tasks on the shared api::WorkQueue at
// Priority::prefetch, one download per task, so walk-ahead and foreground tasks queued
// meanwhile go first; the mount gives the BlobStore `jobs + workers` download threads, so
// foreground opens always find `jobs` free ones; eviction never touches open or pinned blobs.
// A walk that stops (out-of-order open) drops its queued prefetches; a walk idle for
// `idle_timeout` ends and what it prefetched but nobody opened counts as wasted.
//
// Walks are followed over two kinds of directory ("walk keys"): a photostream page, and an
// album listed just before (`cp -rL sets/X`, `rsync -L`: the album's links resolve to photo
// directories in many pages, so no page sees a walk; the album order does). Once a walk has
// opened an info.json, each prefetched photo's info.json is warmed too (its size needs the
// photo's comments: one API call that would otherwise be a serial round trip per photo).
//
// Thread contract: thread-safe. note_*() are called from FUSE threads and never block on
// I/O (in-memory bookkeeping and WorkQueue::submit, whose mutex is a leaf; a queued file's
// stored size, an LMDB read, is looked up by a task with the mutex released). Tasks block on
// BlobStore downloads and on a sidecar's comment fetch (run inline on a worker), never on
// another task of the queue (the WorkQueue deadlock rule). Idle walks end on the next
// note_open(), task or status_lines(). stop() (or the destructor) drops queued work and
// waits for the running tasks; it must run before the BlobStore and the WorkQueue go.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/task_group.hpp"
#include "api/work_queue.hpp"
#include "cache/blob_store.hpp"
#include "fs/model/catalog_view.hpp"
#include "fs/model/tree.hpp"
#include "fs/prefetch/walk_detector.hpp"

namespace flickrfs::fs::prefetch {

struct PrefetchOptions {
  std::size_t window = 32;  // --prefetch N; 0 turns prefetch off
  unsigned workers = 8;     // parallel prefetch downloads (the mount uses --jobs)
  std::uint64_t max_bytes_in_flight = std::uint64_t{64} << 20;
  std::uint64_t cache_max_bytes = 0;  // --cache-size; 0 = unlimited
  std::chrono::milliseconds idle_timeout{5'000};
};

struct PrefetchStats {
  std::uint64_t prefetched_files = 0;
  std::uint64_t prefetched_bytes = 0;  // downloaded by prefetch
  std::uint64_t used_bytes = 0;        // of those, opened later
  std::uint64_t wasted_bytes = 0;      // of those, never opened before their walk ended
  std::uint64_t failed = 0;
  std::uint64_t queued = 0;
  std::uint64_t in_flight = 0;
  std::uint64_t walks = 0;
};

class Prefetcher {
 public:
  using Gate = std::function<bool()>;

  // `online`: false while offline (no prefetch at all). `may_request`: false while the
  // image rate bucket has no token to spare (prefetch waits). Both called from workers.
  Prefetcher(cache::BlobStore& blobs, model::CatalogView& catalog, api::WorkQueue& queue,
             PrefetchOptions options, Gate online, Gate may_request);
  ~Prefetcher();
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  void note_listing(const std::shared_ptr<const model::Tree>& tree, const model::Node& dir);
  void note_open(const std::shared_ptr<const model::Tree>& tree, const model::Node& file);
  void stop();
  [[nodiscard]] PrefetchStats stats() const;
  // Walk orders kept, those of the most recently followed directories: a `cp -r` of a
  // whole account would otherwise keep all of them (14 KB a page) for the mount's life.
  static constexpr std::size_t kOrdersKept = 16;
  [[nodiscard]] std::size_t orders_kept() const;
  // "prefetch_*=value" lines for the status file; ends the walks that went idle first.
  [[nodiscard]] std::string status_lines();

 private:
  enum class State : std::uint8_t { queued, running, done };
  struct Entry {
    std::uint64_t dir = 0;
    State state = State::queued;
    std::uint64_t bytes = 0;  // known or estimated while queued/running, exact when done
    bool opened = false;
    bool walk_ended = false;
  };
  struct Task {
    std::string record_key;
    cache::BlobKey key;
    cache::BlobSource source;                 // expected_size set once `sized`
    std::shared_ptr<const model::Tree> tree;  // for the size lookup and the photo's info.json
    std::uint32_t photo = 0;
    model::Ino ino = 0;  // the file's node
    bool sized = false;  // its stored size was looked up (size_front)
  };
  using PageOrders = model::WalkOrders;
  struct KeptOrders {
    PageOrders orders;
    std::uint64_t last_use = 0;  // m_order_uses when last followed
  };

  const PageOrders& orders_locked(const std::shared_ptr<const model::Tree>& tree,
                                  std::uint64_t key);
  void follow_walk_locked(const std::shared_ptr<const model::Tree>& tree, std::uint64_t key,
                          const model::Node& file, WalkClock::time_point now);
  void enqueue_locked(const std::shared_ptr<const model::Tree>& tree, std::uint64_t key,
                      const WalkAdvice& advice, std::uint64_t slots);
  void warm_info_json(const Task& task);
  void drop_queued_locked(std::uint64_t dir);
  void end_walks_locked(WalkClock::time_point now);
  void count_foreground_open_locked(const std::string& record_key);
  [[nodiscard]] bool can_start_locked() const;
  [[nodiscard]] bool front_unsized_locked() const;
  void size_front(std::unique_lock<std::mutex>& lock);
  [[nodiscard]] std::uint64_t estimate_locked() const;
  // Submits tasks while one more could start work, up to `workers` at once.
  void start_tasks_locked();
  void task();
  void run_task(const Task& task, bool warm_info);

  cache::BlobStore& m_blobs;
  model::CatalogView& m_catalog;
  const PrefetchOptions m_options;
  const Gate m_online;
  const Gate m_may_request;

  mutable std::mutex m_mutex;      // guards everything below
  std::condition_variable m_wake;  // stop() was called
  bool m_stop = false;
  WalkDetector m_detector;
  // The snapshot m_orders belongs to; weak, so a replaced snapshot is freed at once.
  std::weak_ptr<const model::Tree> m_orders_tree;
  std::map<std::uint64_t, KeptOrders> m_orders;  // by walk key
  std::uint64_t m_order_uses = 0;
  std::unordered_map<std::uint64_t, std::uint64_t> m_slots;  // walk key -> file subs opened
  std::unordered_map<std::uint64_t, bool> m_info_wanted;     // walk key -> info.json opened
  std::deque<Task> m_queue;
  bool m_sizing = false;  // a worker is looking up the size of the queue's front
  std::unordered_map<std::string, Entry> m_entries;  // by record key
  api::TaskGroup m_tasks;                            // submitted to the WorkQueue and not returned
  std::uint64_t m_running = 0;                       // downloads running (each in one of the tasks)
  std::uint64_t m_bytes_running = 0;
  std::uint64_t m_bytes_unused = 0;  // done, not opened, walk alive
  PrefetchStats m_stats;
};

}  // namespace flickrfs::fs::prefetch
