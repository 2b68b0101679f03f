#pragma once
// Daemon mode that still reports mount errors on the terminal: the process forks *before*
// anything starts a thread or opens LMDB (neither survives a fork), the child does all the
// work (credential check, cache, mount) and then tells the waiting parent either "ready"
// (parent exits 0) or "failed: code + one line" (parent prints it and exits with the code).
// libfuse's fuse_daemonize() forks after the mount instead, which would leave the cache and
// HTTP threads on the wrong side of the fork.
//
// Thread contract: fork_daemon() before any thread exists; the rest from the main thread.

#include <sys/types.h>

#include <string>

namespace flickrfs::fs {

// Whether process `pid` exists (signal 0; EPERM still means it exists). For the pid a
// daemon wrote in its status file or runtime record.
[[nodiscard]] bool process_alive(pid_t pid);

class DaemonLink {
 public:
  // Returns in the child only (the parent waits, reports and exits inside). The child is a
  // session leader; its stdio stays connected until report_ready().
  [[nodiscard]] static DaemonLink fork_daemon();
  DaemonLink() = default;  // foreground: every report is a no-op

  // The mount is up: the parent exits 0; the child's stdio goes to /dev/null, cwd to /.
  void report_ready();
  // Startup failed: the parent prints `message` and exits with `exit_code`.
  void report_failure(int exit_code, const std::string& message);
  [[nodiscard]] bool daemonized() const { return m_fd >= 0 || m_ready; }

 private:
  explicit DaemonLink(int fd) : m_fd(fd) {}
  int m_fd = -1;  // write end of the pipe to the parent
  bool m_ready = false;
};

}  // namespace flickrfs::fs
