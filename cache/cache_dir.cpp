// See cache_dir.hpp.
#include "cache/cache_dir.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>

namespace flickrfs::cache {

namespace {

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read at startup
  return value ? std::string(value) : std::string();
}

}  // namespace

Result<std::string> resolve_cache_dir(std::string_view flag_value) {
  if (!flag_value.empty()) return std::string(flag_value);
  if (auto dir = env_or_empty("FLICKRFS_CACHE_DIR"); !dir.empty()) return dir;
  if (auto xdg = env_or_empty("XDG_CACHE_HOME"); !xdg.empty()) return xdg + "/flickrfs";
  if (auto home = env_or_empty("HOME"); !home.empty()) return home + "/.cache/flickrfs";
  return make_error(Errc::config, "cannot find a cache directory: set --cache-dir or HOME");
}

Result<void> ensure_private_dir(const std::string& path) {
  if (path.empty()) return make_error(Errc::invalid_argument, "empty cache directory path");
  // Create parents first (they get 0700 too: they are ours if we had to create them).
  for (std::size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    std::string parent = path.substr(0, slash);
    if (::mkdir(parent.c_str(), 0700) != 0 && errno != EEXIST) {
      return error_from_errno(errno, "mkdir " + parent);
    }
  }
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return error_from_errno(errno, "mkdir " + path);
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return error_from_errno(errno, "stat " + path);
  if (!S_ISDIR(st.st_mode)) return make_error(Errc::io, path + " is not a directory");
  if ((st.st_mode & 077) != 0) {
    return make_error(Errc::permission,
                      path + " is accessible by other users; chmod 700 it or pick another");
  }
  return success();
}

}  // namespace flickrfs::cache
