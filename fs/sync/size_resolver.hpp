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
// Answer first, keep after: a probe returns the size and the write that keeps it (a
// MetaStore commit, about 9 ms synced). Waiters get the size as soon as the network answered;
// the write runs as a task of its own, so the probing task goes on to the next probe instead
// of waiting for a commit (a 500-photo `ls -l` waited on 32 of them in a row). The key stays
// in flight, answered, until its write returned: no second probe of it starts meanwhile, and
// answered() serves it to readers of stored sizes.
//
// Thread contract: thread-safe. Probes and writes run on the queue's workers (or a resolving
// worker). The destructor drops probes not yet started, waits for running ones, and runs the
// writes still queued itself (a size found is never lost); tasks still queued hold only the
// shared core and return at once. Lock order: Core::mutex, then the queue's (tasks are
// submitted under Core::mutex; WorkQueue's mutex is a leaf).

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

#include "api/work_queue.hpp"
#include "base/result.hpp"

namespace flickrfs::fs {

class SizeResolver {
 public:
  // What a probe found: the size, and the write that keeps it (may be empty).
  struct Found {
    std::uint64_t bytes = 0;
    std::function<void()> keep;
  };
  using Probe = std::function<Result<Found>()>;

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
  // The size of `key` when a probe answered it and its write has not returned yet.
  [[nodiscard]] std::optional<std::uint64_t> answered(const std::string& key) const;
  // Probes queued or running, and answers not kept yet.
  [[nodiscard]] std::size_t pending() const;

 private:
  struct State {
    Probe probe;
    bool started = false;
    std::optional<Result<std::uint64_t>> result;
  };
  using Entry = std::pair<std::string, std::shared_ptr<State>>;
  struct Unkept {
    Entry entry;
    std::function<void()> keep;
  };
  // Shared with the queued tasks, which may outlive the resolver.
  struct Core {
    explicit Core(api::WorkQueue& work_queue) : queue(work_queue) {}
    api::WorkQueue& queue;
    unsigned max_background = 1;
    std::mutex mutex;  // guards everything below
    std::condition_variable done;
    std::deque<Entry> foreground;
    std::deque<Entry> background;
    std::deque<Unkept> unkept;  // answered; each has a keep task queued
    std::unordered_map<std::string, std::shared_ptr<State>> inflight;
    unsigned background_tasks = 0;  // walk-ahead tasks submitted and not finished
    unsigned running = 0;           // probes and writes running now
    bool stop = false;
  };
  // One task: runs the most urgent waiting probe, if any.
  static void run_one(const std::shared_ptr<Core>& core, bool background_task);
  static void run_probe(const std::shared_ptr<Core>& shared, std::unique_lock<std::mutex>& lock,
                        const Entry& entry, api::Priority priority);
  // One task: runs the oldest queued write, then forgets its key.
  static void keep_one(const std::shared_ptr<Core>& core);
  static void forget_locked(Core& core, const Entry& entry);
  std::shared_ptr<State> enqueue_locked(const std::string& key, Probe probe, bool foreground);
  // A foreground request: its own task, so it never waits behind walk-ahead probes.
  void queue_foreground_locked(const std::string& key, const std::shared_ptr<State>& state);

  std::shared_ptr<Core> m_core;
};

}  // namespace flickrfs::fs
