#pragma once
// A running mount's settings, so that `flickrfs status MOUNT`, `flickrfs mirror MOUNT DEST`
// and `flickrfs cache pin MOUNT/...` typed in another terminal use that mount's cache, config
// file and API URL without the user repeating the mount's options.
//
// The daemon writes RUNTIME/mounts/<hash of the absolute mount point>.mount, where RUNTIME is
// $XDG_RUNTIME_DIR/flickrfs, else /tmp/flickrfs-<uid>: a 0700 directory this user owns (one
// that another user owns or can enter is refused, as ssh-agent does), files 0600, written to
// a temporary name, fsynced and renamed. It holds paths and the API URL, never a secret: the
// credentials stay in the 0600 config file the record names. The daemon removes it at
// unmount; a record whose pid is gone (a killed daemon) is ignored by readers.
//
// Format: "key=value" lines: mountpoint, pid, cache_dir, config, api_url, user, ca_file.
//
// Thread contract: free functions on plain values; safe from any thread.

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace flickrfs::fs {

struct MountRecord {
  std::string mountpoint;  // absolute, resolved
  pid_t pid = 0;           // the daemon
  std::string cache_dir;   // absolute
  std::string config;      // absolute path of the credentials file
  std::string api_url;
  std::string user;     // --user as given to the mount ("me", an NSID or a name)
  std::string ca_file;  // absolute, or empty

  bool operator==(const MountRecord&) const = default;
};

[[nodiscard]] std::string format_record(const MountRecord& record);
// nullopt when the text lacks a mount point, a pid or a cache directory.
[[nodiscard]] std::optional<MountRecord> parse_record(std::string_view text);

// The directory above, created 0700 when missing. Errc::permission when it exists but is not
// a directory owned by this user with no group or other access.
[[nodiscard]] Result<std::string> runtime_dir();

[[nodiscard]] Result<void> write_record(const MountRecord& record);
// Best effort (an unmount must not fail for it).
void remove_record(const std::string& mountpoint);
// The record of the live daemon mounted at `mountpoint` (absolute, resolved), if any.
[[nodiscard]] std::optional<MountRecord> find_record(const std::string& mountpoint);

}  // namespace flickrfs::fs
