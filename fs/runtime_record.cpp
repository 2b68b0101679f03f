// See runtime_record.hpp.
#include "fs/runtime_record.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cache/file_util.hpp"
#include "fs/daemon.hpp"
#include "fs/model/inode.hpp"

namespace flickrfs::fs {

namespace {

std::string record_path(const std::string& dir, const std::string& mountpoint) {
  const model::Ino hash = model::stable_ino(model::NodeKind::root, {mountpoint});
  std::array<char, 32> hex{};
  std::snprintf(hex.data(), hex.size(), "%016llx", static_cast<unsigned long long>(hash));
  return dir + "/mounts/" + hex.data() + ".mount";
}

// mkdir with 0700, or check that what exists is ours and private.
Result<void> private_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) == 0) return success();
  if (errno != EEXIST) {
    return make_error(Errc::io, "cannot create " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid() ||
      (st.st_mode & 077) != 0) {
    return make_error(Errc::permission,
                      path + " must be a directory of yours that only you can enter (mode 0700)");
  }
  return success();
}

}  // namespace

std::string format_record(const MountRecord& record) {
  std::string text;
  text += "mountpoint=" + record.mountpoint + "\n";
  text += "pid=" + std::to_string(record.pid) + "\n";
  text += "cache_dir=" + record.cache_dir + "\n";
  text += "config=" + record.config + "\n";
  text += "api_url=" + record.api_url + "\n";
  text += "user=" + record.user + "\n";
  text += "ca_file=" + record.ca_file + "\n";
  return text;
}

std::optional<MountRecord> parse_record(std::string_view text) {
  MountRecord record;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq);
    std::string value = line.substr(eq + 1);
    if (key == "mountpoint") record.mountpoint = std::move(value);
    if (key == "pid") record.pid = static_cast<pid_t>(std::strtol(value.c_str(), nullptr, 10));
    if (key == "cache_dir") record.cache_dir = std::move(value);
    if (key == "config") record.config = std::move(value);
    if (key == "api_url") record.api_url = std::move(value);
    if (key == "user") record.user = std::move(value);
    if (key == "ca_file") record.ca_file = std::move(value);
  }
  if (record.mountpoint.empty() || record.pid <= 0 || record.cache_dir.empty()) {
    return std::nullopt;
  }
  return record;
}

Result<std::string> runtime_dir() {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): the environment is not modified after startup.
  const char* xdg = std::getenv("XDG_RUNTIME_DIR");
  std::string dir;
  if (xdg != nullptr && xdg[0] == '/') {
    dir = std::string(xdg) + "/flickrfs";
  } else {
    dir = "/tmp/flickrfs-" + std::to_string(::getuid());
  }
  FLICKRFS_CHECK(private_dir(dir));
  FLICKRFS_CHECK(private_dir(dir + "/mounts"));
  return dir;
}

Result<void> write_record(const MountRecord& record) {
  FLICKRFS_TRY(const std::string dir, runtime_dir());
  const std::string path = record_path(dir, record.mountpoint);
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  cache::UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    return make_error(Errc::io, "cannot write " + temp + ": " + std::strerror(errno));
  }
  auto written = cache::write_all_at(fd.get(), format_record(record), 0, temp);
  if (written.ok() && ::fsync(fd.get()) != 0) {
    written = make_error(Errc::io, "cannot write " + temp + ": " + std::strerror(errno));
  }
  if (!written.ok() || ::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    if (!written.ok()) return written;
    return make_error(Errc::io, "cannot write " + path + ": " + std::strerror(errno));
  }
  return success();
}

void remove_record(const std::string& mountpoint) {
  auto dir = runtime_dir();
  if (dir.ok()) ::unlink(record_path(*dir, mountpoint).c_str());
}

std::optional<MountRecord> find_record(const std::string& mountpoint) {
  auto dir = runtime_dir();
  if (!dir.ok()) return std::nullopt;
  std::ifstream file(record_path(*dir, mountpoint));
  if (!file) return std::nullopt;
  std::stringstream text;
  text << file.rdbuf();
  auto record = parse_record(text.str());
  if (!record || record->mountpoint != mountpoint || !process_alive(record->pid))
    return std::nullopt;
  return record;
}

}  // namespace flickrfs::fs
