// See client_setup.hpp.
#include "fs/cli/client_setup.hpp"

#include <cstdio>
#include <memory>
#include <mutex>

#include "cache/cache_dir.hpp"

namespace flickrfs::cli {

namespace {

// One line per call, whole lines only, from any thread.
class LineWriter {
 public:
  explicit LineWriter(std::FILE* file, bool owned) : m_file(file), m_owned(owned) {}
  ~LineWriter() {
    if (m_owned) std::fclose(m_file);
  }
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  void write(std::string_view line) {
    const std::lock_guard lock(m_mutex);
    std::fprintf(m_file, "flickrfs: %.*s\n", static_cast<int>(line.size()), line.data());
    std::fflush(m_file);
  }

 private:
  std::mutex m_mutex;
  std::FILE* m_file;
  bool m_owned;
};

}  // namespace

api::LogSink make_log_sink(const GlobalOptions& options) {
  std::shared_ptr<LineWriter> writer;
  if (!options.log_file.empty()) {
    if (std::FILE* file = std::fopen(options.log_file.c_str(), "ae")) {
      writer = std::make_shared<LineWriter>(file, true);
    }
  }
  if (!writer) writer = std::make_shared<LineWriter>(stderr, false);
  return [writer](api::LogLevel, std::string_view line) { writer->write(line); };
}

Result<api::ClientOptions> client_options(const GlobalOptions& options) {
  api::ClientOptions client;
  FLICKRFS_TRY(client.credentials, api::load_credentials(options.config));
  client.api_url = options.api_url.empty() ? "https://api.flickr.com" : options.api_url;
  // --api-url names one server for everything (a proxy, a test server): uploads go there too.
  if (!options.api_url.empty()) client.upload_url = options.api_url;
  client.ca_file = options.ca_file;
  client.rate_limits = api::rate_limits_from_environment();
  client.rate_limits.api_budget_file = budget_file(options, client.credentials.api_key);
  client.verbosity = options.verbosity;
  client.log = make_log_sink(options);
  return client;
}

std::string budget_file(const GlobalOptions& options, const std::string& api_key) {
  if (api_key.empty()) return {};
  auto root = cache::resolve_cache_dir(options.cache_dir);
  if (!root.ok()) return {};
  const std::string dir = *root + "/budget";
  // A cache directory we may not use (group-readable, not a directory) fails the command
  // that needs it with a clear message; the budget then stays in this process.
  if (!cache::ensure_private_dir(dir).ok()) return {};
  return dir + "/" + api::SharedBudget::file_name_for_key(api_key);
}

void print_error(std::string_view command, const Error& error) {
  std::string line = error.describe();
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fprintf(stderr, "flickrfs %.*s: %s\n", static_cast<int>(command.size()), command.data(),
               line.c_str());
}

}  // namespace flickrfs::cli
