#pragma once
// A command given a path inside a running flickrfs mount (`status MOUNT`, `mirror MOUNT/...
// DEST`, `cache pin MOUNT/sets/...`) works with that mount's cache, config file, API URL and
// user (fs/runtime_record.hpp), so a second terminal needs no repeated options. Whatever the
// user gave, on the command line or through FLICKRFS_CACHE_DIR / FLICKRFS_CONFIG /
// FLICKRFS_API_URL, wins over the mount's settings.
//
// Thread contract: called once at startup, before apply_environment_defaults.

#include <string>

#include "fs/cli/options.hpp"

namespace flickrfs::cli {

// Fills the options `options` leaves unset from the record of the mount holding `path`, if
// `path` is inside a live flickrfs mount. Returns whether a mount's settings were used.
bool adopt_running_mount(GlobalOptions& options, const std::string& path);

}  // namespace flickrfs::cli
