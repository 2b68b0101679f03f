#pragma once
// RefreshRequests: what the refresher's background thread is asked to do (re-check the
// listing, fill now, which directories to fill first, stop), and the thread's wakeup.
// Any thread asks; only the background thread takes a turn or waits.
//
// Thread contract: thread-safe. Lock order: m_mutex is a leaf.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>

#include "fs/model/inode.hpp"

namespace flickrfs::fs {

class RefreshRequests {
 public:
  // A listing was used after --dir-cache-time: re-check it at the next turn (no wakeup).
  void want_refresh();
  // The account changed from here: re-check it now (wakes the thread).
  void want_refresh_now();
  // Someone waits for the fill (for `dir` first, when given): fill now.
  void want_fill(std::optional<model::Ino> dir);
  [[nodiscard]] bool wanted(model::Ino dir) const;
  void clear_wanted_dirs();
  void stop();

  // The background thread, at the start of a turn: false once stopped; else `refresh` says
  // whether a re-check was asked, and both requests are reset.
  [[nodiscard]] bool begin_turn(bool& refresh);
  // The background thread, between turns: waits up to `tick` for a fill request or stop;
  // false once stopped.
  [[nodiscard]] bool wait(std::chrono::milliseconds tick);

 private:
  mutable std::mutex m_mutex;      // guards everything below
  std::condition_variable m_wake;  // with m_mutex: stop, or a fill was asked
  bool m_stop = false;
  bool m_refresh = false;
  bool m_fill = false;
  std::set<model::Ino> m_wanted_dirs;  // directories someone waits for: filled first
};

}  // namespace flickrfs::fs
