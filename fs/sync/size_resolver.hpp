#pragma once
// SizeResolver: a small pool that finds out exact byte sizes (HEAD / Range probes) in
// parallel, once per key (single flight). getattr/open wait for their own probe, bounded;
// walk-ahead probes of a page's neighbours queue behind them (foreground first), so
// `ls -l` of a page costs about (photos / threads) probe round trips.
//
// Thread contract: thread-safe. The probe functions run on the pool's threads; the
// destructor drops queued work and joins (running probes finish first).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/result.hpp"

namespace flickrfs::fs {

class SizeResolver {
 public:
  using Probe = std::function<Result<std::uint64_t>()>;

  explicit SizeResolver(unsigned threads);
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
  void run();
  std::shared_ptr<State> enqueue_locked(const std::string& key, Probe probe, bool foreground);

  mutable std::mutex m_mutex;  // guards everything below
  std::condition_variable m_work;
  std::condition_variable m_done;
  std::deque<std::pair<std::string, std::shared_ptr<State>>> m_foreground;
  std::deque<std::pair<std::string, std::shared_ptr<State>>> m_background;
  std::unordered_map<std::string, std::shared_ptr<State>> m_inflight;
  bool m_stop = false;
  std::vector<std::thread> m_threads;  // last: started after the fields above exist
};

}  // namespace flickrfs::fs
