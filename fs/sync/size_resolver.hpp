#pragma once
// SizeResolver: finds out exact byte sizes (HEAD / Range probes) in parallel on the shared
// api::WorkQueue, once per key (single flight). getattr/open wait for their own probe,
// bounded; walk-ahead probes of a page's neighbours queue behind them (foreground first), so
// `ls -l` of a page costs about (photos / max_background) probe round trips.
//
// Concurrency: at most `max_background` walk-ahead tasks of this resolver are on the queue at
// once (its share of the workers); a foreground request always submits a task of its own at
// Priority::foreground. Each task runs the most urgent probe waiting when it starts.
// Deadlock rule (work_queue.hpp): resolve() on a worker of the queue never waits for a probe
// that has not started; it runs it itself.
//
// Thread contract: thread-safe. Probes run on the queue's workers (or a resolving worker).
// The destructor drops probes not yet started and waits for running ones; tasks still queued
// hold only the shared core and return at once. Lock order: Core::mutex, then the queue's
// (tasks are submitted under Core::mutex; WorkQueue's mutex is a leaf).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "api/result.hpp"
#include "api/work_queue.hpp"

namespace flickrfs::fs {

class SizeResolver {
 public:
  using Probe = std::function<Result<std::uint64_t>()>;

  SizeResolver(api::WorkQueue& queue, unsigned max_background);
  ~SizeResolver();
  SizeResolver(const SizeResolver&) = delete;
  SizeResolver& operator=(const SizeResolver&) = delete;

  // Runs `probe` for `key` (or joins the one queued / running) and waits at most `bound`.
  // A probe that outlives the bound keeps running and its result is still stored by it.
  [[nodiscard]] Result<std::uint64_t> resolve(const std::string& key, Probe probe,
                                              std::chrono::milliseconds bound);
  // Queues `probe` behind foreground work unless `key` is already queued or running.
  void prefetch(const std::string& key, Probe probe);
  // Probes queued or running.
  [[nodiscard]] std::size_t pending() const;

 private:
  struct State {
    Probe probe;
    bool started = false;
    std::optional<Result<std::uint64_t>> result;
  };
  using Entry = std::pair<std::string, std::shared_ptr<State>>;
  // Shared with the queued tasks, which may outlive the resolver.
  struct Core {
    unsigned max_background = 1;
    std::mutex mutex;  // guards everything below
    std::condition_variable done;
    std::deque<Entry> foreground;
    std::deque<Entry> background;
    std::unordered_map<std::string, std::shared_ptr<State>> inflight;
    unsigned background_tasks = 0;  // walk-ahead tasks submitted and not finished
    unsigned running = 0;           // probes running now
    bool stop = false;
  };
  // One task: runs the most urgent waiting probe, if any.
  static void run_one(const std::shared_ptr<Core>& core, bool background_task);
  static void run_probe(Core& core, std::unique_lock<std::mutex>& lock, const Entry& entry,
                        api::Priority priority);
  std::shared_ptr<State> enqueue_locked(const std::string& key, Probe probe, bool foreground);

  api::WorkQueue& m_queue;
  std::shared_ptr<Core> m_core;
};

}  // namespace flickrfs::fs
