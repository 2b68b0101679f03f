#pragma once
// Process exit codes of every flickrfs command (DESIGN section 2), and the one mapping from
// an Error to an exit code.

#include "base/result.hpp"

namespace flickrfs::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 1,     // usage or configuration error
  kExitAuth = 2,      // authentication failed
  kExitNetwork = 3,   // network unreachable and nothing cached
  kExitPartial = 23,  // some items failed (listed on stderr)
  kExitInterrupted = 130,
};

[[nodiscard]] int exit_code_for(const Error& error) noexcept;

}  // namespace flickrfs::cli
