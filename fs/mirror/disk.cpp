// See disk.hpp.
#include "fs/mirror/disk.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "fs/mirror/atomic_file.hpp"
#include "fs/mirror/state_file.hpp"

namespace flickrfs::mirror {

namespace {

Result<void> walk_extraneous(const std::string& dest, const std::string& relative,
                             const std::unordered_set<std::string>& desired, bool whole,
                             std::vector<std::string>& out) {
  const std::string dir = join_path(dest, relative);
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return error_from_errno(errno, "read directory " + dir);
  std::vector<std::pair<std::string, bool>> children;
  while (dirent* item = ::readdir(handle)) {
    const std::string_view name = item->d_name;
    if (name == "." || name == "..") continue;
    if (relative.empty() && name == kStateDirName) continue;
    const std::string child = join_path(relative, name);
    const DiskInfo disk = probe(dest, child);
    if (disk.exists) children.emplace_back(child, S_ISDIR(disk.st.st_mode));
  }
  ::closedir(handle);
  for (const auto& [child, is_dir] : children) {
    const bool unwanted = whole || desired.count(child) == 0;
    if (unwanted) out.push_back(child);
    if (is_dir) FLICKRFS_CHECK(walk_extraneous(dest, child, desired, unwanted, out));
  }
  return success();
}

}  // namespace

DiskInfo probe(const std::string& dest, const std::string& relative) {
  DiskInfo info;
  info.exists = ::lstat(join_path(dest, relative).c_str(), &info.st) == 0;
  return info;
}

bool same_time(const timespec& a, const timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

mode_t effective_mode(const SourceEntry& entry) {
  if (entry.mode != 0) return entry.mode;
  if (entry.kind == EntryKind::directory) return 0755;
  if (entry.kind == EntryKind::symlink) return 0777;
  return 0644;
}

std::string read_small_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string out;
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

std::string read_link_target(const std::string& path) {
  std::string target(4096, '\0');
  const ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
  if (n < 0) return {};
  target.resize(static_cast<std::size_t>(n));
  return target;
}

Result<std::vector<std::string>> list_extraneous(const std::string& dest,
                                                 const std::unordered_set<std::string>& desired) {
  std::vector<std::string> out;
  FLICKRFS_CHECK(walk_extraneous(dest, "", desired, false, out));
  return out;
}

}  // namespace flickrfs::mirror
