// See cache_dir.hpp.
#include "cache/cache_dir.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
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
    // A configuration error (exit 1), not an authentication one: the user fixes it here.
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return make_error(Errc::config, "cache directory " + path + " is open to other users (mode " +
                                        mode + "): chmod 700 " + path +
                                        ", or pick another with --cache-dir");
  }
  return success();
}

namespace {

bool kept_as_is(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '@' ||
         c == '-';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // lower case is never produced, so it is not accepted either
}

}  // namespace

std::string encode_path_component(std::string_view raw) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size());
  for (char ch : raw) {
    auto c = static_cast<unsigned char>(ch);
    if (kept_as_is(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::optional<std::string> decode_path_component(std::string_view encoded) {
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    auto c = static_cast<unsigned char>(encoded[i]);
    if (kept_as_is(c)) {
      out += encoded[i];
      continue;
    }
    if (c != '%' || encoded.size() - i < 3) return std::nullopt;
    int high = hex_value(encoded[i + 1]);
    int low = hex_value(encoded[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    auto decoded = static_cast<unsigned char>(high * 16 + low);
    if (kept_as_is(decoded)) return std::nullopt;  // not canonical
    out += static_cast<char>(decoded);
    i += 2;
  }
  return out;
}

}  // namespace flickrfs::cache
