// See mount_detect.hpp.
#include "fs/mirror/mount_detect.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

namespace flickrfs::mirror {

namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo octal.
std::string unescape_octal(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size()) {
      const auto digit = [&](std::size_t k) { return text[i + k] >= '0' && text[i + k] <= '7'; };
      if (digit(1) && digit(2) && digit(3)) {
        out += static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 +
                                 (text[i + 3] - '0'));
        i += 3;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

bool contains_path(const std::string& mount_point, const std::string& path) {
  if (mount_point == "/") return true;
  return path == mount_point ||
         (path.size() > mount_point.size() &&
          path.compare(0, mount_point.size(), mount_point) == 0 && path[mount_point.size()] == '/');
}

}  // namespace

std::optional<MountMatch> find_flickrfs_mount(std::string_view mountinfo, const std::string& path) {
  std::string best_point;
  std::string best_type;
  std::istringstream lines{std::string(mountinfo)};
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::vector<std::string> parts((std::istream_iterator<std::string>(fields)),
                                   std::istream_iterator<std::string>());
    // id parent dev root mount_point options [optional...] - type source super_options
    std::size_t dash = 6;
    while (dash < parts.size() && parts[dash] != "-")
      ++dash;
    if (parts.size() < 5 || dash + 1 >= parts.size()) continue;
    const std::string point = unescape_octal(parts[4]);
    // The innermost (longest) mount point wins; a later line for the same point is a mount
    // stacked on top of the earlier one.
    if (contains_path(point, path) && point.size() >= best_point.size()) {
      best_point = point;
      best_type = parts[dash + 1];
    }
  }
  if (best_type != "fuse.flickrfs") return std::nullopt;
  MountMatch match;
  match.mount_point = best_point;
  if (path.size() > best_point.size()) {
    match.subtree = path.substr(best_point == "/" ? 1 : best_point.size() + 1);
  }
  return match;
}

Result<std::optional<MountMatch>> detect_flickrfs_mount(const std::string& src) {
  char resolved[PATH_MAX];
  if (::realpath(src.c_str(), resolved) == nullptr) {
    return error_from_errno(errno, "SRC " + src);
  }
  std::ifstream in("/proc/self/mountinfo");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return find_flickrfs_mount(text, resolved);
}

}  // namespace flickrfs::mirror
