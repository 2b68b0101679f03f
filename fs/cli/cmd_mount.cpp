// flickrfs mount: see commands.hpp; the work is in fs/mount.cpp.
#include <cstdio>

#include "fs/cli/client_setup.hpp"
#include "fs/cli/commands.hpp"
#include "fs/cli/exit_code.hpp"
#include "fs/mount.hpp"

namespace flickrfs::cli {

int cmd_mount(Args args) {
  auto config = fs::parse_mount_args(args);
  if (!config.ok()) {
    print_error("mount", config.error());
    return kExitUsage;
  }
  return fs::run_mount(std::move(config).value());
}

}  // namespace flickrfs::cli
