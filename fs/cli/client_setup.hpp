#pragma once
// Builds the process's FlickrClient options from the shared command-line options
// (GlobalOptions), the config file and the environment, and the log sink behind -v and
// --log-file. Used by every command that talks to Flickr (auth, call, mount, mirror, status).
//
// Thread contract: called once at startup; the log sink it returns is thread-safe.

#include "api/flickr_client.hpp"
#include "base/result.hpp"
#include "fs/cli/options.hpp"

namespace flickrfs::cli {

// Loads credentials from options.config (+ FLICKRFS_* environment overrides), takes
// --api-url, --ca-file and -v, rate limits from the environment (rate_limits_from_environment)
// with the key's shared budget file (budget_file) and the log sink below. Errc::config when the
// config file is unreadable or malformed.
[[nodiscard]] Result<api::ClientOptions> client_options(const GlobalOptions& options);

// The shared call-budget file of `api_key` (DESIGN section 3a): CACHE/budget/<hash>.window,
// the directory created 0700. "" when there is no key or no usable cache directory (the
// budget is then counted in this process only).
[[nodiscard]] std::string budget_file(const GlobalOptions& options, const std::string& api_key);

// Lines to --log-file (appended) when given, else to stderr, prefixed "flickrfs: ".
// FlickrClient redacts secrets before calling it.
[[nodiscard]] api::LogSink make_log_sink(const GlobalOptions& options);

// Prints "flickrfs <command>: <error>" on one line to stderr.
void print_error(std::string_view command, const Error& error);

}  // namespace flickrfs::cli
