// flickrfs: the only main() of the project. Picks the command and hands it its arguments;
// everything else lives in fs/cli/.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "fs/cli/commands.hpp"
#include "fs/cli/exit_code.hpp"
#include "fs/cli/version.hpp"

#ifndef FLICKRFS_VERSION
#define FLICKRFS_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  using namespace flickrfs::cli;
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(usage_text().c_str(), stderr);
    return kExitUsage;
  }
  const std::string_view first = args.front();
  if (first == "-h" || first == "--help" || first == "help") {
    std::fputs(usage_text().c_str(), stdout);
    return kExitOk;
  }
  if (first == "-V" || first == "--version") {
    std::fputs(version_text(FLICKRFS_VERSION).c_str(), stdout);
    return kExitOk;
  }
  for (const auto& command : commands()) {
    if (first != command.name) continue;
    if (!command.own_help && args.size() == 2 && (args[1] == "--help" || args[1] == "-h")) {
      std::fputs(command_usage_text(command).c_str(), stdout);
      return kExitOk;
    }
    return command.run(Args(args).subspan(1));
  }
  if (!first.empty() && first.front() != '-') return cmd_mount(args);  // flickrfs MOUNTPOINT
  std::fprintf(stderr, "flickrfs: unknown option '%s' (try --help)\n", args.front().c_str());
  return kExitUsage;
}
