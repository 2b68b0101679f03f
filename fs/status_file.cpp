// See status_file.hpp.
#include "fs/status_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include "fs/daemon.hpp"
#include "fs/model/dates.hpp"
#include "fs/model/inode.hpp"

namespace flickrfs::fs {

std::string status_dir(const std::string& cache_root) {
  return cache_root + "/mounts";
}

std::string status_file_path(const std::string& cache_root,
                             const std::string& absolute_mountpoint) {
  const model::Ino hash = model::stable_ino(model::NodeKind::root, {absolute_mountpoint});
  std::array<char, 32> hex{};
  std::snprintf(hex.data(), hex.size(), "%016llx", static_cast<unsigned long long>(hash));
  return status_dir(cache_root) + "/" + hex.data() + ".status";
}

StatusFields parse_status(const std::string& text) {
  StatusFields fields;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) fields[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return fields;
}

bool daemon_alive(const StatusFields& fields) {
  const auto pid = fields.find("pid");
  return pid != fields.end() &&
         process_alive(static_cast<pid_t>(std::strtol(pid->second.c_str(), nullptr, 10)));
}

std::vector<std::pair<std::string, StatusFields>> read_status_files(const std::string& cache_root) {
  std::vector<std::pair<std::string, StatusFields>> out;
  const std::string dir = status_dir(cache_root);
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return out;
  while (const dirent* entry = ::readdir(handle)) {
    const std::string name = entry->d_name;
    if (!name.ends_with(".status")) continue;
    std::ifstream file(dir + "/" + name);
    std::stringstream text;
    text << file.rdbuf();
    out.emplace_back(dir + "/" + name, parse_status(text.str()));
  }
  ::closedir(handle);
  return out;
}

StatusWriter::StatusWriter(std::string path, std::string mountpoint,
                           std::function<std::string()> lines)
    : m_path(std::move(path)), m_mountpoint(std::move(mountpoint)), m_lines(std::move(lines)) {
  const auto slash = m_path.rfind('/');
  if (slash != std::string::npos) ::mkdir(m_path.substr(0, slash).c_str(), 0700);
  write_once();
  m_thread = std::thread([this] { run(); });
}

StatusWriter::~StatusWriter() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  m_thread.join();
  ::unlink(m_path.c_str());
}

void StatusWriter::write_once() {
  std::string text = "mountpoint=" + m_mountpoint + "\n";
  text += "pid=" + std::to_string(::getpid()) + "\n";
  text += "updated=" + model::iso8601_utc(static_cast<std::int64_t>(std::time(nullptr))) + "\n";
  text += m_lines();
  const std::string temp = m_path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;  // status is best effort; the mount itself is unaffected
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (written) {
    ::rename(temp.c_str(), m_path.c_str());
  } else {
    ::unlink(temp.c_str());
  }
}

void StatusWriter::run() {
  std::unique_lock lock(m_mutex);
  while (!m_wake.wait_for(lock, std::chrono::seconds(2), [&] { return m_stop; })) {
    lock.unlock();
    write_once();
    lock.lock();
  }
}

}  // namespace flickrfs::fs
