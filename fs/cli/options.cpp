// See options.hpp.
#include "fs/cli/options.hpp"

#include <cstdlib>

namespace flickrfs::cli {

Result<std::optional<std::string>> ArgCursor::value_of(std::string_view name) {
  if (done()) return std::optional<std::string>();
  const std::string_view arg = peek();
  if (arg == name) {
    if (m_index + 1 >= m_args.size()) {
      return make_error(Errc::invalid_argument, std::string(name) + " needs a value");
    }
    m_index += 2;
    return std::optional<std::string>(m_args[m_index - 1]);
  }
  if (arg.size() > name.size() && arg.substr(0, name.size()) == name && arg[name.size()] == '=') {
    ++m_index;
    return std::optional<std::string>(std::string(arg.substr(name.size() + 1)));
  }
  return std::optional<std::string>();
}

bool ArgCursor::flag(std::string_view name) {
  if (done() || peek() != name) return false;
  ++m_index;
  return true;
}

Result<bool> parse_global_option(ArgCursor& args, GlobalOptions& out) {
  struct StringOption {
    std::string_view name;
    std::string* target;
  };
  const StringOption string_options[] = {
      {"--api-url", &out.api_url}, {"--cache-dir", &out.cache_dir}, {"--config", &out.config},
      {"--user", &out.user},       {"--ca-file", &out.ca_file},     {"--log-file", &out.log_file},
  };
  for (const auto& option : string_options) {
    FLICKRFS_TRY(auto value, args.value_of(option.name));
    if (value) {
      *option.target = std::move(*value);
      return true;
    }
  }
  if (args.flag("--offline")) {
    out.offline = true;
    return true;
  }
  if (args.flag("-v") || args.flag("--verbose")) {
    ++out.verbosity;
    return true;
  }
  return false;
}

void apply_environment_defaults(GlobalOptions& out) {
  // NOLINTBEGIN(concurrency-mt-unsafe): read once at startup, before any thread exists.
  const auto env = [](const char* name) -> std::string {
    const char* value = std::getenv(name);
    return value ? value : "";
  };
  if (out.api_url.empty()) out.api_url = env("FLICKRFS_API_URL");
  if (out.api_url.empty()) out.api_url = "https://api.flickr.com";
  while (out.api_url.size() > 1 && out.api_url.back() == '/')
    out.api_url.pop_back();
  if (out.config.empty()) out.config = env("FLICKRFS_CONFIG");
  if (out.config.empty() && !env("XDG_CONFIG_HOME").empty()) {
    out.config = env("XDG_CONFIG_HOME") + "/flickrfs/config";
  }
  if (out.config.empty() && !env("HOME").empty()) {
    out.config = env("HOME") + "/.config/flickrfs/config";
  }
  // NOLINTEND(concurrency-mt-unsafe)
}

}  // namespace flickrfs::cli
