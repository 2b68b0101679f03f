#pragma once
// The credentials file (DESIGN section 2): `key = value` lines written by `flickrfs auth`,
// read by every command; FLICKRFS_API_KEY, FLICKRFS_API_SECRET, FLICKRFS_OAUTH_TOKEN and
// FLICKRFS_OAUTH_TOKEN_SECRET override it.
//
// File format: UTF-8 text, one `key = value` per line; blank lines and lines starting with
// '#' are ignored; spaces around key and value are trimmed; keys are api_key, api_secret,
// oauth_token, oauth_token_secret, user_nsid, username; unknown keys are kept on load and
// rewritten on save (a later version's settings survive). A line without '=' is an error
// naming the line number (never its content: it may hold a secret).
//
// Saving is atomic: a temporary file created with O_CREAT|O_EXCL, mode 0600, in the same
// directory, written, fsynced, renamed over the target, then the directory fsynced. The
// parent directory is created with mode 0700 when missing. A crash leaves the old file or the
// new one, never a mix, and the secrets are never world-readable, not even for an instant.
//
// Thread contract: free functions on plain values; thread-compatible.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace flickrfs::api {

struct Credentials {
  std::string api_key;
  std::string api_secret;
  std::string oauth_token;
  std::string oauth_token_secret;
  std::string user_nsid;  // of the token's owner, from the access-token reply
  std::string username;
  std::vector<std::pair<std::string, std::string>> other;  // unknown keys, kept verbatim

  [[nodiscard]] bool has_key() const { return !api_key.empty() && !api_secret.empty(); }
  [[nodiscard]] bool has_token() const {
    return has_key() && !oauth_token.empty() && !oauth_token_secret.empty();
  }
};

// Parses the file's text. Errc::config for a malformed line.
[[nodiscard]] Result<Credentials> parse_config(std::string_view text);
// The file's text for `credentials` (stable key order).
[[nodiscard]] std::string format_config(const Credentials& credentials);

// Reads `path`; a missing file is empty credentials (not an error); unreadable or malformed
// is Errc::config. Then applies the environment overrides.
[[nodiscard]] Result<Credentials> load_credentials(const std::string& path);

// Environment lookup, injectable for tests; returns nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
[[nodiscard]] EnvLookup process_environment();
// FLICKRFS_API_KEY, FLICKRFS_API_SECRET, FLICKRFS_OAUTH_TOKEN, FLICKRFS_OAUTH_TOKEN_SECRET:
// a set, non-empty variable replaces the file's value.
void apply_environment(Credentials& credentials, const EnvLookup& env);

// Writes `credentials` to `path` atomically with mode 0600 (see the file comment).
[[nodiscard]] Result<void> save_credentials(const std::string& path,
                                            const Credentials& credentials);

}  // namespace flickrfs::api
