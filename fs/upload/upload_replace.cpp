// UploadArea (see upload_area.hpp): replacements of photostream images, spooled like the
// files of upload/ and queued by the same release().
#include <fcntl.h>

#include <cerrno>

#include "fs/upload/spool_io.hpp"
#include "fs/upload/upload_area.hpp"

namespace flickrfs::upload {

Result<std::unique_ptr<UploadHandle>> UploadArea::begin_replace(model::Ino ino,
                                                                const std::string& photo_id) {
  std::unique_lock lock(m_mutex);
  if (m_replacing.count(photo_id) != 0) {
    Error busy = make_error(Errc::permission,
                            "photo " + photo_id + " is being replaced already; try again later");
    busy.sys_errno = EBUSY;
    return busy;
  }
  const std::uint64_t number = m_next++;
  Entry entry;
  entry.name = photo_id;
  entry.number = number;
  entry.mtime = spool_io::unix_now();
  entry.staging = m_dir + "/incoming/" + std::to_string(number) + ".part";
  cache::UniqueFd fd(
      ::open(entry.staging.c_str(), O_RDWR | O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd.valid()) return spool_io::sys_error(entry.staging);
  m_replacing[photo_id] = std::move(entry);
  return std::make_unique<UploadHandle>(ino, std::move(fd), true, photo_id);
}

std::optional<std::uint64_t> UploadArea::replacement_size(std::string_view photo_id) const {
  std::lock_guard lock(m_mutex);
  const auto it = m_replacing.find(photo_id);
  if (it == m_replacing.end()) return std::nullopt;
  return it->second.size;
}

Result<std::unique_ptr<UploadHandle>> UploadArea::open_replacement(model::Ino ino,
                                                                   std::string_view photo_id) {
  std::lock_guard lock(m_mutex);
  const auto it = m_replacing.find(photo_id);
  if (it == m_replacing.end()) return make_error(Errc::not_found, "no replacement pending");
  const Entry& entry = it->second;
  const std::string path =
      entry.job != 0 ? m_dir + "/files/" + std::to_string(entry.job) : entry.staging;
  cache::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return spool_io::sys_error(path);
  return std::make_unique<UploadHandle>(ino, std::move(fd), false, std::string(photo_id));
}

}  // namespace flickrfs::upload
