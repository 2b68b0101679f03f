// Error helpers shared by every layer. See result.hpp.
#include "base/result.hpp"

#include <cerrno>
#include <cstring>

namespace flickrfs {

std::string_view to_string(Errc code) noexcept {
  switch (code) {
    case Errc::not_found:
      return "not found";
    case Errc::permission:
      return "permission denied";
    case Errc::auth:
      return "authentication failed";
    case Errc::config:
      return "configuration error";
    case Errc::invalid_argument:
      return "invalid argument";
    case Errc::rate_limited:
      return "rate limited";
    case Errc::unavailable:
      return "service unavailable";
    case Errc::network:
      return "network error";
    case Errc::offline:
      return "offline";
    case Errc::bad_response:
      return "bad response";
    case Errc::corrupt:
      return "corrupt data";
    case Errc::no_space:
      return "no space left";
    case Errc::io:
      return "I/O error";
    case Errc::interrupted:
      return "interrupted";
    case Errc::internal:
      return "internal error";
  }
  return "unknown error";
}

std::string Error::describe() const {
  std::string out(to_string(code));
  if (!message.empty()) {
    out += ": ";
    out += message;
  }
  return out;
}

bool is_temporary(const Error& error) noexcept {
  return error.code == Errc::network || error.code == Errc::offline ||
         error.code == Errc::unavailable || error.code == Errc::rate_limited ||
         error.code == Errc::interrupted;
}

Error make_error(Errc code, std::string message) {
  Error e;
  e.code = code;
  e.message = std::move(message);
  return e;
}

Error error_from_errno(int err, std::string_view what) {
  Errc code = Errc::io;
  switch (err) {
    case ENOENT:
      code = Errc::not_found;
      break;
    case EACCES:
    case EPERM:
      code = Errc::permission;
      break;
    case ENOSPC:
    case EDQUOT:
      code = Errc::no_space;
      break;
    case EINTR:
      code = Errc::interrupted;
      break;
    case EINVAL:
      code = Errc::invalid_argument;
      break;
    default:
      break;
  }
  char buf[256];
  // GNU strerror_r returns the message pointer (which may not be buf).
  const char* text = strerror_r(err, buf, sizeof buf);
  Error e = make_error(code, std::string(what) + ": " + text);
  e.sys_errno = err;
  return e;
}

}  // namespace flickrfs
