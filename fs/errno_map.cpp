// See errno_map.hpp.
#include "fs/errno_map.hpp"

#include <cerrno>

namespace flickrfs::fs {

int to_errno(const Error& error) noexcept {
  switch (error.code) {
    case Errc::not_found:
      return ENOENT;
    // An op that must answer EPERM / EEXIST / EBUSY (not the class's usual errno) says so
    // in sys_errno.
    case Errc::permission:
      return error.sys_errno != 0 ? error.sys_errno : EACCES;
    case Errc::auth:
      return EACCES;
    case Errc::config:
      return EIO;
    case Errc::invalid_argument:
      return error.sys_errno != 0 ? error.sys_errno : EINVAL;
    // A transfer that failed after all retries: the data exists but cannot be read now.
    case Errc::rate_limited:
    case Errc::unavailable:
    case Errc::network:
    case Errc::offline:
    case Errc::bad_response:
    case Errc::corrupt:
      return EIO;
    case Errc::no_space:
      return ENOSPC;
    case Errc::io:
      return error.sys_errno != 0 ? error.sys_errno : EIO;
    case Errc::interrupted:
      return EINTR;
    case Errc::internal:
      return EIO;
  }
  return EIO;
}

}  // namespace flickrfs::fs
