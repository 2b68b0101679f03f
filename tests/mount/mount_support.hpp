#pragma once
// Support for the mounted tests (label mount): a real flickrfs mount of a real emulator
// through /dev/fuse, with an RAII guard that always unmounts, plus the manifest and file
// helpers the tests compare against.
//
// Thread contract: one FlickrfsMount per test; helpers are free functions.

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

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

// ---- the emulator's manifest -----------------------------------------------------------
struct ManifestSize {
  std::string label;
  std::string media;
  int width = 0;
  int height = 0;
  std::string url;
  std::uint64_t bytes = 0;
  std::string sha256;
};
struct ManifestPhoto {
  std::string id;
  std::string title;
  std::string media;
  std::string date_taken;
  std::int64_t last_update = 0;
  bool original_allowed = false;
  std::int64_t count_comments = 0;
  std::vector<std::string> sets;
  std::vector<ManifestSize> sizes;
};
struct ManifestSet {
  std::string id;
  std::string title;
  std::vector<std::string> photo_ids;
};
struct Manifest {
  std::vector<ManifestPhoto> photos;  // oldest upload first
  std::vector<ManifestSet> sets;
  [[nodiscard]] const ManifestPhoto* photo(const std::string& id) const;
};
Manifest parse_manifest(const std::string& json);

// ---- files ---------------------------------------------------------------------------------
std::string read_file(const std::string& path);  // throws on error
std::string sha256_hex(const std::string& bytes);
std::vector<std::string> list_dir(const std::string& path);  // names, no . and .., sorted
// The id at the end of "<...>_<id>" (extension stripped).
std::string trailing_id(const std::string& name);

}  // namespace flickrfs::test

namespace flickrfs::test {
class EmulatorProcess;
// The whole manifest, fetched in pages of 500 (large worlds hash every size per page).
Manifest fetch_manifest(const EmulatorProcess& emulator);
// The manifest size a photo's main file must serve: the original when allowed, else the
// largest photo size; for videos the rows with media "video" (any of them).
std::vector<const ManifestSize*> expected_sizes(const ManifestPhoto& photo);
// The photo directory of `id` under MNT/photostream (searching the pages).
std::string photo_dir(const std::string& root, const std::string& id);
// The one image/video file of a photo directory (not info.json).
std::string main_file(const std::string& dir);
}  // namespace flickrfs::test
