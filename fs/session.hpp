#pragma once
// FuseSession: the libfuse session, its signal handlers and its mount, as one RAII object
// that tears down in reverse order (replacing passthrough_hp's goto ladder). SIGINT, SIGTERM
// and SIGHUP end the loop (fuse_set_signal_handlers); the destructor then unmounts, so a
// signal always leaves a clean mountpoint. `fusermount3 -u` ends the loop the same way.
//
// Those signals must reach the thread that runs the loop: libfuse's handler only sets a flag,
// and the loop's thread notices it when the signal interrupts its wait. Linux may hand a
// process signal to any thread that does not block it, and the mount runs dozens (work
// queue, downloads, refresher); one that took the SIGTERM left the loop waiting for the
// next request, and the daemon did not exit. So every thread but the loop's blocks them:
// block_stop_signals() before the mount starts its threads, run() unblocks them in its own.
//
// Thread contract: created, run and destroyed by the main thread; raw() may be used by the
// invalidator thread while run() is in progress.

#include <memory>
#include <string>
#include <vector>

#include <fuse_lowlevel.h>

#include "base/result.hpp"
#include "fs/context.hpp"

namespace flickrfs::fs {

struct SessionOptions {
  std::string mountpoint;
  std::string fsname = "flickrfs";
  bool allow_other = false;
  bool writable = false;      // mounted read-write (--writable); else "ro"
  bool debug = false;         // libfuse's request trace (-d)
  unsigned max_threads = 32;  // FUSE workers; size probes and first reads may wait
};

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread and in every thread it creates from
// now on (they inherit the mask); FuseSession::run() takes them.
void block_stop_signals();

class FuseSession {
 public:
  // Creates the session and mounts it. Errors are one line, for the terminal.
  [[nodiscard]] static Result<std::unique_ptr<FuseSession>> mount(const SessionOptions& options,
                                                                  Context& ctx);
  ~FuseSession();
  FuseSession(const FuseSession&) = delete;
  FuseSession& operator=(const FuseSession&) = delete;

  // Serves requests on a multithreaded loop until unmounted or signalled.
  [[nodiscard]] Result<void> run();
  // Ends run() from another thread (tests, fatal errors).
  void exit();
  [[nodiscard]] fuse_session* raw() const { return m_session; }

 private:
  FuseSession() = default;
  fuse_session* m_session = nullptr;
  bool m_handlers = false;
  bool m_mounted = false;
  unsigned m_max_threads = 32;
};

}  // namespace flickrfs::fs
