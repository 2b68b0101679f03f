#pragma once
// Small read-only looks at DEST used by the planner and the executor: lstat, symlink
// targets, whole small files, the walk that finds what --delete removes.
//
// Thread contract: stateless functions; thread-safe.

#include <sys/stat.h>

#include <ctime>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/result.hpp"
#include "fs/mirror/entry.hpp"

namespace flickrfs::mirror {

struct DiskInfo {
  bool exists = false;
  struct stat st {};
};

[[nodiscard]] DiskInfo probe(const std::string& dest, const std::string& relative);
[[nodiscard]] bool same_time(const timespec& a, const timespec& b);
// The permission bits an entry must end up with (0644 / 0755 when the source gives none).
[[nodiscard]] mode_t effective_mode(const SourceEntry& entry);
// The whole file, or an empty string when it cannot be read (callers compare, not trust).
[[nodiscard]] std::string read_small_file(const std::string& path);
// The target of a symlink, or an empty string.
[[nodiscard]] std::string read_link_target(const std::string& path);

// Relative paths under `dest` that `desired` does not contain (a directory and everything
// in it), ignoring the mirror's state directory.
[[nodiscard]] Result<std::vector<std::string>> list_extraneous(
    const std::string& dest, const std::unordered_set<std::string>& desired);

}  // namespace flickrfs::mirror
