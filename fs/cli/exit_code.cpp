// See exit_code.hpp.
#include "fs/cli/exit_code.hpp"

namespace flickrfs::cli {

int exit_code_for(const Error& error) noexcept {
  switch (error.code) {
    case Errc::auth:
    case Errc::permission:
      return kExitAuth;
    case Errc::network:
    case Errc::offline:
    case Errc::unavailable:
    case Errc::rate_limited:
      return kExitNetwork;
    case Errc::interrupted:
      return kExitInterrupted;
    case Errc::not_found:
    case Errc::config:
    case Errc::invalid_argument:
    case Errc::bad_response:
    case Errc::corrupt:
    case Errc::no_space:
    case Errc::io:
    case Errc::internal:
      return kExitUsage;
  }
  return kExitUsage;
}

}  // namespace flickrfs::cli
