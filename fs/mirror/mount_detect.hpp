#pragma once
// Is SRC inside a flickrfs mount? flickrfs mounts with subtype=flickrfs, so the kernel lists
// it in /proc/self/mountinfo with file system type "fuse.flickrfs". When SRC is on one, the
// mirror plans from the API and the cache instead of walking FUSE file by file, and keeps
// SRC's position in the tree (the subtree) for DEST.
//
// Thread contract: pure parsing plus one read of /proc/self/mountinfo; thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace flickrfs::mirror {

struct MountMatch {
  std::string mount_point;
  std::string subtree;  // SRC relative to the mount point; "" for the mount itself
};

// Finds the innermost mount in `mountinfo` (the text of /proc/self/mountinfo) that holds the
// absolute, resolved `path`; returns it when its type is fuse.flickrfs.
[[nodiscard]] std::optional<MountMatch> find_flickrfs_mount(std::string_view mountinfo,
                                                            const std::string& path);

// realpath(src) (without following the last component's symlink into another mount is not
// needed: SRC is a directory) and the lookup above on this process's mount table.
[[nodiscard]] Result<std::optional<MountMatch>> detect_flickrfs_mount(const std::string& src);

}  // namespace flickrfs::mirror
