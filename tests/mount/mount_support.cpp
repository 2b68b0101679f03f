#include "tests/mount/mount_support.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/emulator_process.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/process.hpp"

namespace flickrfs::test {

namespace {

using Clock = std::chrono::steady_clock;

// Env as the "NAME=value" list test::spawn takes.
std::vector<std::string> env_list(const Env& env) {
  std::vector<std::string> out;
  for (const auto& [key, value] : env)
    out.push_back(key + "=" + value);
  return out;
}

}  // namespace

MountWork make_work(const std::string& dir) {
  MountWork work{dir};
  ::mkdir(work.mountpoint().c_str(), 0755);
  ::mkdir(work.cache().c_str(), 0700);
  return work;
}

Env mount_env(const std::string& url, const MountWork& work) {
  return {{"FLICKRFS_API_URL", url},
          {"FLICKRFS_CACHE_DIR", work.cache()},
          {"FLICKRFS_CONFIG", work.dir + "/config"},
          // Desktop thumbnails go into the work directory, not the runner's home.
          {"XDG_CACHE_HOME", work.dir + "/xdg-cache"},
          {"FLICKRFS_API_KEY", "test-key"},
          {"FLICKRFS_API_SECRET", "test-secret"},
          {"FLICKRFS_OAUTH_TOKEN", "test-token"},
          {"FLICKRFS_OAUTH_TOKEN_SECRET", "test-token-secret"},
          {"ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0"}};
}

CommandResult run_command(const std::vector<std::string>& argv, const Env& env, int timeout_s) {
  char path[] = "/tmp/flickrfs-cmd-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  ::unlink(path);
  const pid_t pid = spawn(argv, env_list(env), fd);
  CommandResult result;
  const auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      result.output = "(timed out)\n";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  result.status = exit_code(status);
  ::lseek(fd, 0, SEEK_SET);
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0)
    result.output.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  return result;
}

void wait_listing_complete(const std::string& root, const Env& env) {
  const bool complete = eventually(
      [&] {
        const auto status = run_command({build_binary("flickrfs"), "status", root}, env);
        return status.output.find("listing:     complete") != std::string::npos;
      },
      std::chrono::seconds(300), std::chrono::milliseconds(500));
  if (!complete) FAIL("the first listing did not complete in 300 s");
}

bool is_mounted(const std::string& mountpoint) {
  std::ifstream mounts("/proc/self/mountinfo");
  std::string line;
  while (std::getline(mounts, line)) {
    std::istringstream fields(line);
    std::string id, parent, devices, root, point;
    fields >> id >> parent >> devices >> root >> point;
    if (point == mountpoint && line.find("fuse.flickrfs") != std::string::npos) return true;
  }
  return false;
}

void keep_log(const std::string& log_path, const std::string& name) {
  const std::string dir = build_binary("Testing/mount-logs");
  ::mkdir(build_binary("Testing").c_str(), 0755);
  ::mkdir(dir.c_str(), 0755);
  std::ifstream in(log_path, std::ios::binary);
  if (!in) return;
  std::ofstream out(dir + "/" + name + ".log", std::ios::binary | std::ios::app);
  out << in.rdbuf();
}

FlickrfsMount::FlickrfsMount(const std::string& url, const MountWork& work,
                             std::vector<std::string> extra_args, Env env) {
  char resolved[PATH_MAX];
  if (::realpath(work.mountpoint().c_str(), resolved) == nullptr) {
    throw std::runtime_error("no mountpoint " + work.mountpoint());
  }
  m_root = resolved;
  m_log = work.log();
  Env full = mount_env(url, work);
  for (auto& [key, value] : env)
    full[key] = value;
  std::vector<std::string> argv = {
      build_binary("flickrfs"), "mount", m_root, "-f", "--log-file", m_log, "-v"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  m_pid = spawn(argv, env_list(full), -1);
  const auto deadline = Clock::now() + std::chrono::seconds(600);
  while (!is_mounted(m_root)) {
    int status = 0;
    if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1;
      throw std::runtime_error("flickrfs exited (" + std::to_string(exit_code(status)) +
                               ") before mounting; log:\n" + read_file(m_log));
    }
    if (Clock::now() > deadline) {
      ::kill(m_pid, SIGKILL);
      reap(10);
      throw std::runtime_error("flickrfs did not mount within 600 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  m_mounted = true;
}

int FlickrfsMount::reap(int timeout_s) {
  if (m_pid <= 0) return -1;
  const auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  int status = 0;
  while (::waitpid(m_pid, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  m_pid = -1;
  return exit_code(status);
}

int FlickrfsMount::unmount() {
  if (m_mounted) {
    if (run_command({"fusermount3", "-u", m_root}, {}, 30).status != 0) {
      run_command({"fusermount3", "-uz", m_root}, {}, 30);
    }
    m_mounted = false;
  }
  return reap(30);
}

int FlickrfsMount::stop_with(int signal) {
  if (m_pid > 0) ::kill(m_pid, signal);
  const int status = reap(30);
  m_mounted = is_mounted(m_root);
  if (m_mounted) run_command({"fusermount3", "-uz", m_root}, {}, 30);
  m_mounted = false;
  return status;
}

FlickrfsMount::~FlickrfsMount() {
  try {
    unmount();
    const auto slash = m_root.rfind('/', m_root.size() - 5);
    keep_log(m_log, m_root.substr(slash + 1, m_root.size() - slash - 5));
  } catch (...) {
    // A destructor must not throw; the mount is gone either way (-uz above).
  }
}

// ---- files ---------------------------------------------------------------------------------

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    out.push_back(line);
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) throw std::runtime_error("read error on " + path);
  return out.str();
}

std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) throw std::runtime_error("cannot list " + path);
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

std::string trailing_id(const std::string& name) {
  std::string stem = name;
  const auto underscore = stem.rfind('_');
  if (underscore == std::string::npos) return stem;
  stem = stem.substr(underscore + 1);
  return stem.substr(0, stem.find('.'));
}

}  // namespace flickrfs::test

namespace flickrfs::test {

namespace {

// The file of photo `id` under MNT/photostream whose name ends (or does not end) in ".json".
std::string find_photo_file(const std::string& root, const std::string& id, bool sidecar) {
  for (const auto& page : list_dir(root + "/photostream")) {
    for (const auto& name : list_dir(root + "/photostream/" + page)) {
      const bool json = name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0;
      if (trailing_id(name) == id && json == sidecar) {
        return root + "/photostream/" + page + "/" + name;
      }
    }
  }
  throw std::runtime_error(std::string("no ") + (sidecar ? "sidecar" : "image") + " for " + id);
}

}  // namespace

std::string photo_file(const std::string& root, const std::string& id) {
  return find_photo_file(root, id, false);
}

std::string sidecar_file(const std::string& root, const std::string& id) {
  return find_photo_file(root, id, true);
}

}  // namespace flickrfs::test
