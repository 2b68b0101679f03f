#pragma once
// Options shared by all commands (DESIGN section 2) and a tiny argument cursor that every
// command's parser uses, so `--opt value` and `--opt=value` work the same everywhere.
//
// Thread contract: parsed once in main(); read-only afterwards.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace flickrfs::cli {

struct GlobalOptions {
  std::string api_url;    // --api-url / FLICKRFS_API_URL / https://api.flickr.com
  std::string cache_dir;  // --cache-dir (resolved later by cache::resolve_cache_dir)
  std::string config;     // --config / FLICKRFS_CONFIG / $XDG_CONFIG_HOME/flickrfs/config
  std::string user = "me";
  std::string ca_file;
  std::string log_file;
  bool offline = false;
  int verbosity = 0;
};

// Walks argv; commands pull flags and positionals from it.
class ArgCursor {
 public:
  explicit ArgCursor(std::span<const std::string> args) : m_args(args) {}

  [[nodiscard]] bool done() const { return m_index >= m_args.size(); }
  [[nodiscard]] std::string_view peek() const { return m_args[m_index]; }
  std::string_view next() { return m_args[m_index++]; }

  // If the current argument is `name` (taking a value as the next argument or after '='),
  // consumes it and returns the value. An option at the end without a value is an error.
  [[nodiscard]] Result<std::optional<std::string>> value_of(std::string_view name);
  // If the current argument is the flag `name`, consumes it.
  bool flag(std::string_view name);

 private:
  std::span<const std::string> m_args;
  std::size_t m_index = 0;
};

// Consumes one global option at the cursor if there is one. Returns true if consumed.
[[nodiscard]] Result<bool> parse_global_option(ArgCursor& args, GlobalOptions& out);

// Fills defaults from the environment (FLICKRFS_API_URL, FLICKRFS_CONFIG, XDG_CONFIG_HOME,
// HOME) for what the command line left empty.
void apply_environment_defaults(GlobalOptions& out);

}  // namespace flickrfs::cli
