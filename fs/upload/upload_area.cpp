// UploadArea (see upload_area.hpp).
#include "fs/upload/upload_area.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cache/cache_dir.hpp"
#include "fs/upload/spool_io.hpp"
#include "fs/upload/uploader.hpp"

namespace flickrfs::upload {

using spool_io::sys_error;
using spool_io::unix_now;

namespace {

Error exists_error(std::string_view name) {
  Error error = make_error(Errc::invalid_argument, std::string(name) + " exists in upload/");
  error.sys_errno = EEXIST;
  return error;
}

bool acceptable_name(std::string_view name) {
  return !name.empty() && name.size() <= 255 && name != "." && name != ".." &&
         name.find_first_of(std::string_view("/\t\n\0", 4)) == std::string_view::npos;
}

// "title\nalbum\nname\nreplaced photo id\n": the job file of one queued upload (jobs of
// an older version have no fourth line).
std::string job_text(const Job& job, std::string_view name) {
  return job.title + "\n" + job.album + "\n" + std::string(name) + "\n" + job.replace_photo_id +
         "\n";
}

Result<void> write_file_atomic(const std::string& dir, const std::string& name,
                               const std::string& text) {
  const std::string target = dir + "/" + name;
  const std::string temp = target + ".tmp";
  cache::UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd.valid()) return sys_error(temp);
  auto written = cache::write_all_at(fd.get(), text, 0, temp);
  if (written.ok() && ::fsync(fd.get()) != 0) written = sys_error(temp);
  if (written.ok() && ::rename(temp.c_str(), target.c_str()) != 0) written = sys_error(target);
  if (!written.ok()) {
    ::unlink(temp.c_str());
    return written;
  }
  return cache::fsync_dir(dir);
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") out.push_back(name);
  }
  ::closedir(d);
  return out;
}

}  // namespace

std::uint64_t UploadHandle::size() const {
  struct stat st {};
  return ::fstat(m_fd.get(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

Result<std::size_t> UploadHandle::read(std::uint64_t offset, std::span<char> out) {
  return cache::read_at(m_fd.get(), out.data(), out.size(), offset, "upload file");
}

Result<std::unique_ptr<UploadArea>> UploadArea::open(const std::string& spool_dir) {
  for (const char* sub : {"", "/incoming", "/jobs", "/files"}) {
    FLICKRFS_CHECK(cache::ensure_private_dir(spool_dir + sub));
  }
  std::unique_ptr<UploadArea> area(new UploadArea(spool_dir));
  area->m_dir_mtime = unix_now();
  FLICKRFS_CHECK(area->recover());
  return area;
}

// After a crash: half-written files were never closed (their writer got an error): they
// go. Every job with its data is queued again; a job without data (the crash came between
// the two renames, or after the upload) goes too.
Result<void> UploadArea::recover() {
  for (const auto& name : names_in(m_dir + "/incoming")) {
    ::unlink((m_dir + "/incoming/" + name).c_str());
  }
  std::lock_guard lock(m_mutex);
  std::vector<std::pair<Job, Entry>> found;
  for (const auto& name : names_in(m_dir + "/jobs")) {
    const std::string path = m_dir + "/jobs/" + name;
    if (!name.ends_with(".job")) {
      ::unlink(path.c_str());  // a .tmp of an interrupted write
      continue;
    }
    const std::uint64_t number = std::strtoull(name.c_str(), nullptr, 10);
    Job job;
    job.number = number;
    job.data_path = m_dir + "/files/" + std::to_string(number);
    std::ifstream in(path);
    Entry entry;
    std::getline(in, job.title);
    std::getline(in, job.album);
    std::getline(in, entry.name);
    struct stat st {};
    if (number == 0 || !in || ::stat(job.data_path.c_str(), &st) != 0) {
      ::unlink(path.c_str());
      continue;
    }
    std::getline(in, job.replace_photo_id);
    entry.size = static_cast<std::uint64_t>(st.st_size);
    entry.mtime = st.st_mtime;
    entry.job = number;
    entry.number = number;
    m_next = std::max(m_next, number + 1);
    found.emplace_back(std::move(job), std::move(entry));
  }
  for (auto& [job, entry] : found) {  // album directories numbered after every job
    if (!job.replace_photo_id.empty()) {
      entry.name = job.replace_photo_id;
      m_replacing[job.replace_photo_id] = std::move(entry);
      m_jobs[job.number] = std::move(job);
      continue;
    }
    entry.parent = job.album.empty() ? model::kUploadIno : album_dir_locked(job.album);
    m_entries[kUploadTag | job.number] = std::move(entry);
    m_jobs[job.number] = std::move(job);
  }
  for (const auto& name : names_in(m_dir + "/files")) {
    const std::uint64_t number = std::strtoull(name.c_str(), nullptr, 10);
    if (m_jobs.count(number) == 0) ::unlink((m_dir + "/files/" + name).c_str());
  }
  return success();
}

std::optional<model::Ino> UploadArea::child_locked(model::Ino parent, std::string_view name) const {
  for (const auto& [ino, entry] : m_entries) {
    if (entry.parent == parent && entry.name == name) return ino;
  }
  return std::nullopt;
}

model::Ino UploadArea::album_dir_locked(const std::string& album) {
  if (const auto found = child_locked(model::kUploadIno, album)) return *found;
  const model::Ino ino = kUploadTag | m_next++;
  Entry dir;
  dir.parent = model::kUploadIno;
  dir.name = album;
  dir.dir = true;
  dir.mtime = unix_now();
  m_entries[ino] = std::move(dir);
  return ino;
}

std::string UploadArea::album_of_locked(const Entry& entry) const {
  if (entry.parent == model::kUploadIno) return "";
  const auto it = m_entries.find(entry.parent);
  return it == m_entries.end() ? "" : it->second.name;
}

model::Attr UploadArea::attr_locked(model::Ino ino, const Entry& entry) const {
  model::Attr attr;
  attr.ino = ino;
  attr.kind = entry.dir ? model::NodeKind::upload_dir : model::NodeKind::upload_file;
  attr.size = entry.dir ? 0 : entry.size;
  attr.mtime = entry.mtime;
  attr.nlink = entry.dir ? 2 : 1;
  attr.provisional = true;  // never cached by the kernel: it changes with writes and uploads
  return attr;
}

std::optional<model::Attr> UploadArea::attr(model::Ino ino) const {
  std::lock_guard lock(m_mutex);
  if (ino == model::kUploadIno) {
    model::Attr attr;
    attr.ino = ino;
    attr.kind = model::NodeKind::upload_dir;
    attr.size = 0;
    attr.mtime = m_dir_mtime;
    attr.nlink = 2;
    attr.provisional = true;
    return attr;
  }
  const auto it = m_entries.find(ino);
  if (it == m_entries.end()) return std::nullopt;
  return attr_locked(ino, it->second);
}

std::optional<model::Attr> UploadArea::lookup(model::Ino parent, std::string_view name) const {
  std::lock_guard lock(m_mutex);
  const auto found = child_locked(parent, name);
  if (!found) return std::nullopt;
  return attr_locked(*found, m_entries.at(*found));
}

Result<std::vector<model::DirEntry>> UploadArea::list(model::Ino dir) const {
  std::lock_guard lock(m_mutex);
  if (dir != model::kUploadIno) {
    const auto it = m_entries.find(dir);
    if (it == m_entries.end() || !it->second.dir) {
      return make_error(Errc::not_found, "not a directory of upload/");
    }
  }
  std::vector<model::DirEntry> out;
  for (const auto& [ino, entry] : m_entries) {
    if (entry.parent != dir) continue;
    out.push_back(
        {entry.name, ino, entry.dir ? model::NodeKind::upload_dir : model::NodeKind::upload_file});
  }
  return out;
}

Result<model::Attr> UploadArea::mkdir(model::Ino parent, std::string_view name) {
  if (parent != model::kUploadIno) {
    Error error = make_error(Errc::permission, "albums are one level deep: upload/<album>/");
    error.sys_errno = EPERM;
    return error;
  }
  if (!acceptable_name(name)) return make_error(Errc::invalid_argument, "bad album name");
  std::unique_lock lock(m_mutex);
  if (child_locked(parent, name)) return exists_error(name);
  const model::Ino ino = album_dir_locked(std::string(name));
  m_dir_mtime = unix_now();
  const model::Attr attr = attr_locked(ino, m_entries.at(ino));
  lock.unlock();
  changed(parent);
  return attr;
}

Result<std::unique_ptr<UploadHandle>> UploadArea::create(model::Ino parent, std::string_view name) {
  if (!acceptable_name(name)) {
    return make_error(Errc::invalid_argument, "names with a tab or newline are refused");
  }
  std::unique_lock lock(m_mutex);
  if (parent != model::kUploadIno) {
    const auto it = m_entries.find(parent);
    if (it == m_entries.end() || !it->second.dir) return make_error(Errc::not_found, "no dir");
  }
  if (child_locked(parent, name)) return exists_error(name);
  const std::uint64_t number = m_next++;
  m_dir_mtime = unix_now();
  Entry entry;
  entry.parent = parent;
  entry.name = std::string(name);
  entry.mtime = unix_now();
  entry.number = number;
  entry.staging = m_dir + "/incoming/" + std::to_string(number) + ".part";
  cache::UniqueFd fd(
      ::open(entry.staging.c_str(), O_RDWR | O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd.valid()) return sys_error(entry.staging);
  const model::Ino ino = kUploadTag | number;
  m_entries[ino] = std::move(entry);
  lock.unlock();
  changed(parent);
  return std::make_unique<UploadHandle>(ino, std::move(fd), true);
}

Result<std::unique_ptr<UploadHandle>> UploadArea::open_read(model::Ino ino) {
  std::lock_guard lock(m_mutex);
  const auto it = m_entries.find(ino);
  if (it == m_entries.end() || it->second.dir) return make_error(Errc::not_found, "gone");
  const std::string path =
      it->second.job != 0 ? m_dir + "/files/" + std::to_string(it->second.job) : it->second.staging;
  cache::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return sys_error(path);
  return std::make_unique<UploadHandle>(ino, std::move(fd), false);
}

Result<std::size_t> UploadArea::write(UploadHandle& handle, std::string_view bytes,
                                      std::uint64_t offset) {
  auto written = cache::write_all_at(handle.fd(), bytes, offset, "upload spool");
  std::lock_guard lock(m_mutex);
  Entry* entry = entry_locked(handle);
  if (entry == nullptr) return make_error(Errc::not_found, "gone");
  if (!written.ok()) {
    entry->failed = true;
    return std::move(written).error();
  }
  entry->size = std::max<std::uint64_t>(entry->size, offset + bytes.size());
  entry->mtime = unix_now();
  return bytes.size();
}

Result<void> UploadArea::truncate(UploadHandle& handle, std::uint64_t size) {
  if (::ftruncate(handle.fd(), static_cast<off_t>(size)) != 0) return sys_error("upload spool");
  std::lock_guard lock(m_mutex);
  if (Entry* entry = entry_locked(handle)) entry->size = size;
  return success();
}

Result<void> UploadArea::sync(UploadHandle& handle) {
  if (handle.writable() && ::fsync(handle.fd()) != 0) {
    Error error = sys_error("upload spool");
    std::lock_guard lock(m_mutex);
    if (Entry* entry = entry_locked(handle)) entry->failed = true;
    return error;
  }
  return success();
}

Result<void> UploadArea::release(std::unique_ptr<UploadHandle> handle) {
  if (!handle->writable()) return success();
  auto synced = sync(*handle);
  const model::Ino ino = handle->ino();
  const std::string replaces = handle->replaces();
  std::unique_lock lock(m_mutex);
  Entry* found = entry_locked(*handle);
  handle.reset();  // closed before the rename
  if (found == nullptr) return success();
  Entry& entry = *found;
  const std::uint64_t number = entry.number;
  Job job;
  job.number = number;
  job.data_path = m_dir + "/files/" + std::to_string(number);
  job.replace_photo_id = replaces;
  if (replaces.empty()) {
    job.title = title_from_path(entry.name);
    job.album = album_of_locked(entry);
  }
  auto queued = synced;
  if (queued.ok() && entry.failed) {
    queued = make_error(Errc::io, "a write to " + entry.name + " failed: not uploaded");
  }
  if (queued.ok() && entry.size == 0) {
    queued = make_error(Errc::invalid_argument, entry.name + " is empty: not uploaded");
  }
  if (queued.ok()) {
    queued = write_file_atomic(m_dir + "/jobs", std::to_string(number) + ".job",
                               job_text(job, entry.name));
  }
  if (queued.ok() && ::rename(entry.staging.c_str(), job.data_path.c_str()) != 0) {
    queued = sys_error(job.data_path);
    ::unlink((m_dir + "/jobs/" + std::to_string(number) + ".job").c_str());
  }
  if (queued.ok()) queued = cache::fsync_dir(m_dir + "/files");
  if (!queued.ok()) {
    ::unlink(entry.staging.c_str());
    const model::Ino parent = entry.parent;
    if (replaces.empty()) {
      m_entries.erase(ino);
    } else {
      m_replacing.erase(replaces);
    }
    lock.unlock();
    if (replaces.empty()) changed(parent);
    return queued;
  }
  entry.job = number;
  entry.staging.clear();
  m_jobs[number] = std::move(job);
  lock.unlock();
  m_queued.notify_all();
  return success();
}

UploadArea::Entry* UploadArea::entry_locked(const UploadHandle& handle) {
  if (!handle.replaces().empty()) {
    const auto it = m_replacing.find(handle.replaces());
    return it == m_replacing.end() ? nullptr : &it->second;
  }
  const auto it = m_entries.find(handle.ino());
  return it == m_entries.end() ? nullptr : &it->second;
}

std::vector<Job> UploadArea::pending_jobs(std::chrono::milliseconds wait) {
  std::unique_lock lock(m_mutex);
  m_queued.wait_for(lock, wait, [&] { return m_stopped || !m_jobs.empty(); });
  std::vector<Job> out;
  for (const auto& [number, job] : m_jobs)
    out.push_back(job);
  return out;
}

Result<void> UploadArea::forget_job(std::uint64_t number) {
  const std::string data = m_dir + "/files/" + std::to_string(number);
  const std::string job = m_dir + "/jobs/" + std::to_string(number) + ".job";
  if (::unlink(data.c_str()) != 0 && errno != ENOENT) return sys_error(data);
  if (::unlink(job.c_str()) != 0 && errno != ENOENT) return sys_error(job);
  model::Ino parent = model::kUploadIno;
  {
    std::lock_guard lock(m_mutex);
    m_jobs.erase(number);
    if (const auto it = m_entries.find(kUploadTag | number); it != m_entries.end()) {
      parent = it->second.parent;
      m_entries.erase(it);
    }
    std::erase_if(m_replacing, [&](const auto& item) { return item.second.job == number; });
    m_dir_mtime = unix_now();
  }
  changed(parent);
  return success();
}

void UploadArea::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stopped = true;
  }
  m_queued.notify_all();
}

}  // namespace flickrfs::upload
