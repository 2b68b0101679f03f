// See spool_io.hpp.
#include "fs/upload/spool_io.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>

namespace flickrfs::upload::spool_io {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Error sys_error(const std::string& what) {
  Error error = make_error(Errc::io, what + ": " + std::strerror(errno));
  error.sys_errno = errno;
  if (errno == ENOSPC || errno == EDQUOT) error.code = Errc::no_space;
  return error;
}

}  // namespace flickrfs::upload::spool_io
