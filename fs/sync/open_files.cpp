// See open_files.hpp.
#include "fs/sync/open_files.hpp"

#include <algorithm>
#include <cstring>

namespace flickrfs::fs {

Result<std::size_t> BlobFile::read(std::uint64_t offset, std::span<char> out) {
  if (offset >= m_size) return std::size_t{0};
  const auto wanted =
      static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), m_size - offset));
  std::lock_guard lock(m_mutex);
  std::size_t done = 0;
  // A blob reader may return short counts while the download is in flight; the kernel
  // expects a full buffer except at end of file.
  while (done < wanted) {
    FLICKRFS_TRY(const std::size_t got,
                 m_reader.read(offset + done, out.subspan(done, wanted - done)));
    if (got == 0) break;
    done += got;
  }
  if (done < wanted) {
    return make_error(Errc::corrupt, "blob shorter than its recorded size");
  }
  return done;
}

Result<std::size_t> StringFile::read(std::uint64_t offset, std::span<char> out) {
  if (offset >= m_bytes.size()) return std::size_t{0};
  const std::size_t count = std::min<std::size_t>(out.size(), m_bytes.size() - offset);
  std::memcpy(out.data(), m_bytes.data() + offset, count);
  return count;
}

}  // namespace flickrfs::fs
