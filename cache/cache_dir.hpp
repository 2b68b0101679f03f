#pragma once
// Where the cache lives and how its directories are created.
//
// Directories are created with mode 0700 by mkdir itself (never chmod afterwards), so there is
// no moment at which another user can read them. An existing directory that is group- or
// world-accessible is refused rather than silently tightened: the user may have meant it.
//
// Thread contract: free functions; safe from any thread.

#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace flickrfs::cache {

// --cache-dir, else $FLICKRFS_CACHE_DIR, else $XDG_CACHE_HOME/flickrfs, else
// $HOME/.cache/flickrfs. `flag_value` empty means "not given".
[[nodiscard]] Result<std::string> resolve_cache_dir(std::string_view flag_value);

// mkdir -p with mode 0700 for every component this call creates. Fails with Errc::permission
// if `path` exists with group/other permission bits set, Errc::io if it is not a directory.
[[nodiscard]] Result<void> ensure_private_dir(const std::string& path);

// One safe, reversible path component: every byte outside [A-Za-z0-9@-] becomes %XX
// (upper-case hex), so no '/', '.', '..', control character or separator can appear.
[[nodiscard]] std::string encode_path_component(std::string_view raw);
// The inverse; nullopt for anything encode_path_component cannot have produced.
[[nodiscard]] std::optional<std::string> decode_path_component(std::string_view encoded);

}  // namespace flickrfs::cache
