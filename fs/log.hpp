#pragma once
// The daemon's log: stderr in the foreground, syslog (LOG_DAEMON, ident "flickrfs") once
// daemonized, or the --log-file given. Warnings and errors always; info with -v; debug with
// -vv. Callers never pass secrets (API secret, token secret): log what, not with what.
//
// Thread contract: thread-safe; configure() before other threads start.

#include <string>

#include "base/result.hpp"

namespace flickrfs::fs::log {

enum class Level : int { error = 0, warning = 1, info = 2, debug = 3 };
enum class Sink : int { stderr_stream, syslog, file };

struct Config {
  Sink sink = Sink::stderr_stream;
  std::string file;  // Sink::file
  Level level = Level::warning;
};

// Fails (and keeps logging to stderr) when the log file cannot be opened.
[[nodiscard]] Result<void> configure(const Config& config);

void error(const char* format, ...) __attribute__((format(printf, 1, 2)));
void warning(const char* format, ...) __attribute__((format(printf, 1, 2)));
void info(const char* format, ...) __attribute__((format(printf, 1, 2)));
void debug(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace flickrfs::fs::log
