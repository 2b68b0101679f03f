// See log.hpp. One line per message, prefixed with time and level in files and on stderr.
#include "fs/log.hpp"

#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace flickrfs::fs::log {

namespace {

struct State {
  std::mutex mutex;
  Config config;
  std::FILE* file = nullptr;  // Sink::file, opened in append mode
};

State& state() {
  static State instance;
  return instance;
}

const char* level_name(Level level) {
  switch (level) {
    case Level::error:
      return "error";
    case Level::warning:
      return "warning";
    case Level::info:
      return "info";
    case Level::debug:
      return "debug";
  }
  return "?";
}

int syslog_priority(Level level) {
  switch (level) {
    case Level::error:
      return LOG_ERR;
    case Level::warning:
      return LOG_WARNING;
    case Level::info:
      return LOG_INFO;
    case Level::debug:
      return LOG_DEBUG;
  }
  return LOG_INFO;
}

void write(Level level, const char* format, va_list args) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  if (static_cast<int>(level) > static_cast<int>(s.config.level)) return;
  std::array<char, 2048> text{};
  std::vsnprintf(text.data(), text.size(), format, args);
  if (s.config.sink == Sink::syslog) {
    ::syslog(syslog_priority(level), "%s", text.data());
    return;
  }
  std::FILE* out = s.config.sink == Sink::file && s.file != nullptr ? s.file : stderr;
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  std::array<char, 32> stamp{};
  std::strftime(stamp.data(), stamp.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::fprintf(out, "%s flickrfs %s: %s\n", stamp.data(), level_name(level), text.data());
  std::fflush(out);
}

}  // namespace

Result<void> configure(const Config& config) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  if (s.file != nullptr) {
    std::fclose(s.file);
    s.file = nullptr;
  }
  s.config = config;
  if (config.sink == Sink::file) {
    // 0600 from the creating call: a log names photos, albums and the account, and its
    // directory may be shared. An existing file keeps the mode its owner gave it.
    const int fd = ::open(config.file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    s.file = fd >= 0 ? ::fdopen(fd, "a") : nullptr;
    if (s.file == nullptr) {
      const int err = errno;
      if (fd >= 0) ::close(fd);
      s.config.sink = Sink::stderr_stream;
      return error_from_errno(err, "cannot open log file " + config.file);
    }
  } else if (config.sink == Sink::syslog) {
    ::openlog("flickrfs", LOG_PID, LOG_DAEMON);
  }
  return success();
}

#define FLICKRFS_LOG_FN(name, level)   \
  void name(const char* format, ...) { \
    va_list args;                      \
    va_start(args, format);            \
    write(level, format, args);        \
    va_end(args);                      \
  }

FLICKRFS_LOG_FN(error, Level::error)
FLICKRFS_LOG_FN(warning, Level::warning)
FLICKRFS_LOG_FN(info, Level::info)
FLICKRFS_LOG_FN(debug, Level::debug)

#undef FLICKRFS_LOG_FN

}  // namespace flickrfs::fs::log
