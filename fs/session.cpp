// See session.hpp.
#include "fs/session.hpp"

#include <csignal>

#include "fs/log.hpp"
#include "fs/ops/ops.hpp"

// With FUSE_USE_VERSION 35 the header maps fuse_session_loop_mt to the 3.2 entry point,
// which reads a config as the old {clone_fd, max_idle_threads} struct: handing it the
// opaque config of fuse_loop_cfg_create() turned clone_fd on and the idle limit to garbage
// (a new thread and /dev/fuse clone per request). The 3.12 entry point (exported by libfuse
// 3.12+, declared only for FUSE_USE_VERSION >= 312) takes the opaque config, which is also
// the only way to raise max_threads.
extern "C" int fuse_session_loop_mt_312(struct fuse_session* se, struct fuse_loop_config* config);

namespace flickrfs::fs {

namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

// fuse_args wants mutable char*; keep the strings alive for the call.
struct ArgvBuilder {
  std::vector<std::string> strings;
  std::vector<char*> pointers;
  fuse_args args() {
    pointers.clear();
    for (auto& s : strings)
      pointers.push_back(s.data());
    return FUSE_ARGS_INIT(static_cast<int>(pointers.size()), pointers.data());
  }
};

}  // namespace

Result<std::unique_ptr<FuseSession>> FuseSession::mount(const SessionOptions& options,
                                                        Context& ctx) {
  std::unique_ptr<FuseSession> session(new FuseSession());
  session->m_max_threads = options.max_threads;
  ArgvBuilder argv;
  argv.strings = {"flickrfs", "-o",
                  std::string(options.writable ? "rw" : "ro") +
                      ",default_permissions,subtype=flickrfs,fsname=" + options.fsname};
  if (options.allow_other) argv.strings.insert(argv.strings.end(), {"-o", "allow_other"});
  if (options.debug) argv.strings.emplace_back("-d");
  fuse_args args = argv.args();
  session->m_session = fuse_session_new(&args, &operations(), sizeof(fuse_lowlevel_ops), &ctx);
  fuse_opt_free_args(&args);
  if (session->m_session == nullptr) {
    return make_error(Errc::config, "cannot create the FUSE session (bad mount options?)");
  }
  if (fuse_set_signal_handlers(session->m_session) != 0) {
    return make_error(Errc::internal, "cannot install signal handlers");
  }
  session->m_handlers = true;
  if (fuse_session_mount(session->m_session, options.mountpoint.c_str()) != 0) {
    return make_error(Errc::io, "cannot mount on " + options.mountpoint +
                                    " (does it exist, is it empty and not mounted already? "
                                    "allow_other needs user_allow_other in /etc/fuse.conf)");
  }
  session->m_mounted = true;
  return session;
}

FuseSession::~FuseSession() {
  if (m_session == nullptr) return;
  if (m_handlers) fuse_remove_signal_handlers(m_session);
  if (m_mounted) fuse_session_unmount(m_session);
  fuse_session_destroy(m_session);
}

void block_stop_signals() {
  const sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

Result<void> FuseSession::run() {
  fuse_loop_config* config = fuse_loop_cfg_create();
  if (config == nullptr) return make_error(Errc::internal, "out of memory");
  // A signal that came while blocked is delivered here and ends the loop at once. libfuse's
  // workers are started by the loop from this thread, so they take the signals too.
  const sigset_t set = stop_signals();
  sigset_t before;
  pthread_sigmask(SIG_UNBLOCK, &set, &before);
  fuse_loop_cfg_set_max_threads(config, m_max_threads);
  fuse_loop_cfg_set_clone_fd(config, 0);
  // Keep workers alive: a thread per request (the default when idle) costs milliseconds.
  fuse_loop_cfg_set_idle_threads(config, m_max_threads);
  const int rc = fuse_session_loop_mt_312(m_session, config);
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
  fuse_loop_cfg_destroy(config);
  if (rc != 0 && rc != SIGINT && rc != SIGTERM && rc != SIGHUP) {
    return make_error(Errc::io,
                      "the FUSE session ended with an error (" + std::to_string(rc) + ")");
  }
  return success();
}

void FuseSession::exit() {
  fuse_session_exit(m_session);
}

}  // namespace flickrfs::fs
