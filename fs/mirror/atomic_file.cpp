// See atomic_file.hpp.
#include "fs/mirror/atomic_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <random>
#include <utility>

#include "fs/mirror/state_file.hpp"

namespace flickrfs::mirror {

namespace {

// Temporary names must stay within NAME_MAX: the final name is cut (at a UTF-8 boundary)
// so ".<name>.flickrfs-tmp-XXXXXX" fits in 255 bytes.
std::string temp_prefix_for(const std::string& final_path) {
  const std::string dir = parent_path(final_path);
  std::string name = final_path.substr(dir.empty() ? 0 : dir.size() + 1);
  constexpr std::size_t kMaxStem = 255 - 1 - kTempMarker.size() - 6;
  if (name.size() > kMaxStem) {
    std::size_t cut = kMaxStem;
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0U) == 0x80U)
      --cut;
    name.resize(cut);
  }
  return join_path(dir, "." + name + std::string(kTempMarker));
}

std::string random_suffix() {
  static constexpr char kAlphabet[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  thread_local std::mt19937 generator{std::random_device{}()};
  std::uniform_int_distribution<std::size_t> pick(0, sizeof(kAlphabet) - 2);
  std::string suffix(6, 'x');
  for (auto& c : suffix)
    c = kAlphabet[pick(generator)];
  return suffix;
}

Result<void> remove_temps_in(const std::string& dir, std::size_t& removed) {
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return error_from_errno(errno, "opendir " + dir);
  Result<void> status = success();
  while (dirent* item = ::readdir(handle)) {
    const std::string_view name = item->d_name;
    if (name == "." || name == "..") continue;
    const std::string path = join_path(dir, name);
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) continue;  // vanished meanwhile
    if (S_ISDIR(st.st_mode)) {
      auto sub = remove_temps_in(path, removed);
      if (!sub.ok() && status.ok()) status = std::move(sub);
    } else if (is_temp_name(name)) {
      if (::unlink(path.c_str()) == 0) ++removed;
    }
  }
  ::closedir(handle);
  return status;
}

}  // namespace

std::string parent_path(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

std::string join_path(std::string_view base, std::string_view relative) {
  if (base.empty()) return std::string(relative);
  if (relative.empty()) return std::string(base);
  std::string out(base);
  if (out.back() != '/') out += '/';
  out += relative;
  return out;
}

bool is_temp_name(std::string_view name) {
  if (name.size() < 1 + kTempMarker.size() + 6 || name.front() != '.') return false;
  const auto marker = name.rfind(kTempMarker);
  return marker != std::string_view::npos && marker + kTempMarker.size() + 6 == name.size();
}

AtomicFile::AtomicFile(int fd, std::string temp_path, std::string final_path)
    : m_fd(fd), m_temp_path(std::move(temp_path)), m_final_path(std::move(final_path)) {}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)),
      m_temp_path(std::move(other.m_temp_path)),
      m_final_path(std::move(other.m_final_path)),
      m_written(other.m_written),
      m_committed(std::exchange(other.m_committed, true)) {}

AtomicFile::~AtomicFile() {
  if (m_fd >= 0) ::close(m_fd);
  if (!m_committed && !m_temp_path.empty()) ::unlink(m_temp_path.c_str());
}

Result<AtomicFile> AtomicFile::create(const std::string& final_path) {
  std::string temp = temp_prefix_for(final_path) + "XXXXXX";
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return error_from_errno(errno, "create temporary for " + final_path);
  return AtomicFile(fd, std::move(temp), final_path);
}

Result<void> AtomicFile::write(const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(m_fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return error_from_errno(errno, "write " + m_final_path);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
    m_written += static_cast<std::uint64_t>(n);
  }
  return success();
}

Result<void> AtomicFile::truncate() {
  if (::ftruncate(m_fd, 0) != 0 || ::lseek(m_fd, 0, SEEK_SET) != 0) {
    return error_from_errno(errno, "truncate " + m_final_path);
  }
  m_written = 0;
  return success();
}

Result<void> AtomicFile::commit(mode_t mode, const timespec& mtime) {
  FLICKRFS_CHECK(finish(mode, mtime));
  return make_durable_and_rename();
}

Result<void> AtomicFile::finish(mode_t mode, const timespec& mtime) {
  const timespec times[2] = {mtime, mtime};
  if (::fchmod(m_fd, mode) != 0) return error_from_errno(errno, "chmod " + m_final_path);
  if (::futimens(m_fd, times) != 0) return error_from_errno(errno, "utimens " + m_final_path);
  // Start writeback now; the fsync in make_durable_and_rename then mostly waits for nothing.
  (void)::sync_file_range(m_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  return success();
}

Result<void> AtomicFile::make_durable_and_rename() {
  if (::fsync(m_fd) != 0) return error_from_errno(errno, "fsync " + m_final_path);
  if (::close(std::exchange(m_fd, -1)) != 0) {
    return error_from_errno(errno, "close " + m_final_path);
  }
  if (::rename(m_temp_path.c_str(), m_final_path.c_str()) != 0) {
    return error_from_errno(errno, "rename to " + m_final_path);
  }
  m_committed = true;
  return success();
}

Result<void> replace_with_symlink(const std::string& final_path, const std::string& target,
                                  const timespec& mtime) {
  const std::string prefix = temp_prefix_for(final_path);
  std::string temp;
  for (int attempt = 0;; ++attempt) {
    temp = prefix + random_suffix();
    if (::symlink(target.c_str(), temp.c_str()) == 0) break;
    if (errno != EEXIST || attempt > 20) return error_from_errno(errno, "symlink " + final_path);
  }
  const timespec times[2] = {mtime, mtime};
  if (::utimensat(AT_FDCWD, temp.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0 ||
      ::rename(temp.c_str(), final_path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return error_from_errno(err, "symlink " + final_path);
  }
  return success();
}

Result<void> fsync_directory(const std::string& path) {
  const int fd = ::open(path.empty() ? "." : path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return error_from_errno(errno, "open directory " + path);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return error_from_errno(err, "fsync directory " + path);
  return success();
}

Result<std::size_t> remove_leftover_temps(const std::string& root) {
  std::size_t removed = 0;
  FLICKRFS_CHECK(remove_temps_in(root, removed));
  return removed;
}

}  // namespace flickrfs::mirror
