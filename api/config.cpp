// See config.hpp.
#include "api/config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>

namespace flickrfs::api {

namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

std::string* known_field(Credentials& credentials, std::string_view key) {
  if (key == "api_key") return &credentials.api_key;
  if (key == "api_secret") return &credentials.api_secret;
  if (key == "oauth_token") return &credentials.oauth_token;
  if (key == "oauth_token_secret") return &credentials.oauth_token_secret;
  if (key == "user_nsid") return &credentials.user_nsid;
  if (key == "username") return &credentials.username;
  return nullptr;
}

// Closes on every path; the descriptor of the temporary file or the directory.
class Fd {
 public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() {
    if (m_fd >= 0) ::close(m_fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return m_fd; }
  int release() { return std::exchange(m_fd, -1); }

 private:
  int m_fd;
};

std::string parent_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Result<void> make_dirs_0700(const std::string& dir) {
  struct stat info {};
  if (::stat(dir.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) return success();
    return make_error(Errc::config, dir + " exists and is not a directory");
  }
  const std::string parent = parent_of(dir);
  if (parent != dir) FLICKRFS_CHECK(make_dirs_0700(parent));
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return error_from_errno(errno, "cannot create " + dir);
  }
  return success();
}

Result<void> write_all(int fd, std::string_view data, const std::string& what) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return error_from_errno(errno, "cannot write " + what);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return success();
}

Result<std::string> create_exclusive_temp(const std::string& path, int& fd_out) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string temp =
        path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(attempt);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      fd_out = fd;
      return temp;
    }
    if (errno != EEXIST) return error_from_errno(errno, "cannot create " + temp);
  }
  return make_error(Errc::io, "cannot create a temporary file next to " + path);
}

}  // namespace

Result<Credentials> parse_config(std::string_view text) {
  Credentials credentials;
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const auto newline = text.find('\n');
    const std::string_view line = trim(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    if (line.empty() || line.front() == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos || trim(line.substr(0, eq)).empty()) {
      return make_error(Errc::config,
                        "config line " + std::to_string(line_number) + ": expected `key = value`");
    }
    const std::string key(trim(line.substr(0, eq)));
    const std::string value(trim(line.substr(eq + 1)));
    if (std::string* field = known_field(credentials, key)) {
      *field = value;
    } else {
      credentials.other.emplace_back(key, value);
    }
  }
  return credentials;
}

std::string format_config(const Credentials& credentials) {
  std::string out = "# flickrfs credentials (written by `flickrfs auth`; keep private)\n";
  const std::pair<const char*, const std::string*> fields[] = {
      {"api_key", &credentials.api_key},
      {"api_secret", &credentials.api_secret},
      {"oauth_token", &credentials.oauth_token},
      {"oauth_token_secret", &credentials.oauth_token_secret},
      {"user_nsid", &credentials.user_nsid},
      {"username", &credentials.username},
  };
  for (const auto& [key, value] : fields) {
    if (!value->empty()) out += std::string(key) + " = " + *value + "\n";
  }
  for (const auto& [key, value] : credentials.other)
    out += key + " = " + value + "\n";
  return out;
}

EnvLookup process_environment() {
  return [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): startup only
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

void apply_environment(Credentials& credentials, const EnvLookup& env) {
  const std::pair<const char*, std::string*> overrides[] = {
      {"FLICKRFS_API_KEY", &credentials.api_key},
      {"FLICKRFS_API_SECRET", &credentials.api_secret},
      {"FLICKRFS_OAUTH_TOKEN", &credentials.oauth_token},
      {"FLICKRFS_OAUTH_TOKEN_SECRET", &credentials.oauth_token_secret},
  };
  for (const auto& [name, field] : overrides) {
    auto value = env(name);
    if (value && !value->empty()) *field = std::move(*value);
  }
}

Result<Credentials> load_credentials(const std::string& path) {
  Credentials credentials;
  if (!path.empty()) {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream text;
      text << in.rdbuf();
      auto parsed = parse_config(text.str());
      if (!parsed.ok()) {
        return make_error(Errc::config, path + ": " + parsed.error().message);
      }
      credentials = std::move(parsed).value();
      // Like ssh with a private key: secrets that other users can read are refused, not
      // used (they may already be copied; the fix is chmod and, if in doubt, new ones).
      struct stat st {};
      const bool secret =
          !credentials.api_secret.empty() || !credentials.oauth_token_secret.empty();
      if (secret && ::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return make_error(Errc::config, "config file " + path +
                                            " holds secrets and is open to "
                                            "other users (mode " +
                                            mode + "): chmod 600 " + path);
      }
    } else if (::access(path.c_str(), F_OK) == 0) {
      return make_error(Errc::config, "cannot read config file " + path);
    }
  }
  apply_environment(credentials, process_environment());
  return credentials;
}

Result<void> save_credentials(const std::string& path, const Credentials& credentials) {
  if (path.empty()) return make_error(Errc::config, "no config file path (set --config)");
  const std::string dir = parent_of(path);
  FLICKRFS_CHECK(make_dirs_0700(dir));
  int raw_fd = -1;
  FLICKRFS_TRY(const std::string temp, create_exclusive_temp(path, raw_fd));
  Fd fd(raw_fd);
  auto written = write_all(fd.get(), format_config(credentials), temp);
  if (written.ok() && ::fsync(fd.get()) != 0) written = error_from_errno(errno, "fsync " + temp);
  if (written.ok() && ::close(fd.release()) != 0) {
    written = error_from_errno(errno, "close " + temp);
  }
  if (written.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    written = error_from_errno(errno, "cannot rename into " + path);
  }
  if (!written.ok()) {
    ::unlink(temp.c_str());
    return written;
  }
  const Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0 || ::fsync(dir_fd.get()) != 0) {
    return error_from_errno(errno, "fsync " + dir);
  }
  return success();
}

}  // namespace flickrfs::api
