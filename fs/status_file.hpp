#pragma once
// The daemon's status for `flickrfs status` (DESIGN section 2): while mounted, the daemon
// rewrites CACHE_ROOT/mounts/<hash of the absolute mountpoint>.status every 2 s (temporary
// file + rename, so a reader never sees half a file) and removes it at unmount.
// Format: "key=value" lines: mountpoint, pid, updated (ISO-8601 UTC), then the catalog's
// lines (online, forced_offline, user, photos, albums, pages, api_calls_left, api_calls_used,
// api_calls_limit (0 = unlimited), api_window_s, api_next_call_ms,
// queue_size_probes, queue_downloads, cache_blobs, cache_bytes, cache_hits, cache_misses,
// last_listing_check, refreshes, refresh_failures), then the prefetcher's prefetch_* lines
// (fs/prefetch/prefetcher.hpp) when prefetch is on, the pin keeper's pin_* lines
// (fs/sync/pin_keeper.hpp) when online, and cache_user (the NSID whose cache is mounted).
// A status file instead of a virtual xattr on the mount root: xattrs are answered ENOSYS so
// the kernel stops asking (fs/ops/xattr.cpp), and a file also survives a hung mount.
//
// Thread contract: StatusWriter owns one thread, joined by its destructor.

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/result.hpp"

namespace flickrfs::fs {

[[nodiscard]] std::string status_dir(const std::string& cache_root);
[[nodiscard]] std::string status_file_path(const std::string& cache_root,
                                           const std::string& absolute_mountpoint);

using StatusFields = std::map<std::string, std::string>;
[[nodiscard]] StatusFields parse_status(const std::string& text);
// Whether the daemon that wrote `fields` (its pid line) still runs.
[[nodiscard]] bool daemon_alive(const StatusFields& fields);
// Every status file under CACHE_ROOT/mounts/ (path -> fields).
[[nodiscard]] std::vector<std::pair<std::string, StatusFields>> read_status_files(
    const std::string& cache_root);

class StatusWriter {
 public:
  StatusWriter(std::string path, std::string mountpoint, std::function<std::string()> lines);
  ~StatusWriter();
  StatusWriter(const StatusWriter&) = delete;
  StatusWriter& operator=(const StatusWriter&) = delete;

 private:
  void write_once();
  void run();

  const std::string m_path;
  const std::string m_mountpoint;
  const std::function<std::string()> m_lines;
  std::mutex m_mutex;  // guards m_stop
  std::condition_variable m_wake;
  bool m_stop = false;
  std::thread m_thread;
};

}  // namespace flickrfs::fs
