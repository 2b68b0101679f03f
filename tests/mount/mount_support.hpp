#pragma once
// Support for the mounted tests (label mount): a real flickrfs mount of a real emulator
// through /dev/fuse, with an RAII guard that always unmounts, plus file helpers; the
// manifest reader is tests/support/manifest.hpp (included here for the tests).
//
// Thread contract: one FlickrfsMount per test; helpers are free functions.

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "tests/support/manifest.hpp"

namespace flickrfs::test {

// A work directory layout: WORK/cache (0700), WORK/config, WORK/mnt, WORK/daemon.log.
struct MountWork {
  std::string dir;
  [[nodiscard]] std::string mountpoint() const { return dir + "/mnt"; }
  [[nodiscard]] std::string cache() const { return dir + "/cache"; }
  [[nodiscard]] std::string log() const { return dir + "/daemon.log"; }
};
MountWork make_work(const std::string& dir);

using Env = std::map<std::string, std::string>;

// The environment a mount of `url` runs with (test credentials, no rate limits).
Env mount_env(const std::string& url, const MountWork& work);

struct CommandResult {
  int status = -1;     // exit code, or 128 + signal
  std::string output;  // stdout and stderr
};
// Runs argv with `env` added to the environment; waits at most `timeout_s`.
CommandResult run_command(const std::vector<std::string>& argv, const Env& env = {},
                          int timeout_s = 120);

// Until `flickrfs status` says the mount's first listing is complete (albums and video
// streams fetched: a video's link changes its name when its streams become known); fails
// the test after 300 s.
void wait_listing_complete(const std::string& root, const Env& env);

// `flickrfs mount MNT -f ...` as a child process. The constructor returns once the mount is
// up (or throws with the daemon's log); the destructor unmounts (fusermount3 -u, then -uz),
// reaps the process and keeps the daemon log under build/Testing/mount-logs/.
class FlickrfsMount {
 public:
  FlickrfsMount(const std::string& url, const MountWork& work,
                std::vector<std::string> extra_args = {}, Env env = {});
  ~FlickrfsMount();
  FlickrfsMount(const FlickrfsMount&) = delete;
  FlickrfsMount& operator=(const FlickrfsMount&) = delete;

  [[nodiscard]] const std::string& root() const { return m_root; }
  [[nodiscard]] pid_t pid() const { return m_pid; }
  // Unmounts and returns the daemon's exit status (0 = clean).
  int unmount();
  // Sends `signal` and returns the exit status.
  int stop_with(int signal);

 private:
  int reap(int timeout_s);
  std::string m_root;
  std::string m_log;
  pid_t m_pid = -1;
  bool m_mounted = false;
};

[[nodiscard]] bool is_mounted(const std::string& mountpoint);
void keep_log(const std::string& log_path, const std::string& name);

// ---- files ---------------------------------------------------------------------------------
std::string read_file(const std::string& path);              // throws on error
std::vector<std::string> lines_of(const std::string& text);  // split at newlines
std::vector<std::string> list_dir(const std::string& path);  // names, no . and .., sorted
// The id at the end of "<...>_<id>" (extension stripped).
std::string trailing_id(const std::string& name);

}  // namespace flickrfs::test

namespace flickrfs::test {
// The image/video file of photo `id` under MNT/photostream (searching the pages).
std::string photo_file(const std::string& root, const std::string& id);
// Its sidecar, "<stem>.json".
std::string sidecar_file(const std::string& root, const std::string& id);
}  // namespace flickrfs::test
