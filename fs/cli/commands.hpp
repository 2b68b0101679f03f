#pragma once
// The flickrfs commands (DESIGN section 2). Each command lives in its own file
// fs/cli/cmd_<name>.cpp, parses its own arguments (everything after the command word) with
// ArgCursor and parse_global_option, and returns a process exit code (exit_code.hpp).

#include <span>
#include <string>
#include <string_view>

namespace flickrfs::cli {

using Args = std::span<const std::string>;

int cmd_mount(Args args);    // flickrfs [mount] MOUNTPOINT [options]
int cmd_auth(Args args);     // flickrfs auth [--perms read|write|delete]
int cmd_mirror(Args args);   // flickrfs mirror SRC DEST [options]
int cmd_cache(Args args);    // flickrfs cache stats|verify|clear|pin PATH|unpin PATH
int cmd_status(Args args);   // flickrfs status [MOUNTPOINT]
int cmd_call(Args args);     // flickrfs call METHOD [name=value ...]
int cmd_upload(Args args);   // flickrfs upload FILE... [--public|--private] [--title T]
int cmd_replace(Args args);  // flickrfs replace PHOTO_ID FILE

struct Command {
  std::string_view name;
  int (*run)(Args);
  std::string_view synopsis;
  // Whether `run` answers --help itself with its options; for the others main() prints the
  // synopsis, so `flickrfs CMD --help` works for every command.
  bool own_help = false;
};

// The table main() dispatches on and --help prints, in DESIGN order.
[[nodiscard]] std::span<const Command> commands();

[[nodiscard]] std::string usage_text();

// `flickrfs CMD --help` of a command without its own: its synopsis and where the common
// options are.
[[nodiscard]] std::string command_usage_text(const Command& command);

}  // namespace flickrfs::cli
