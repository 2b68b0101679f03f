// See running_mount.hpp.
#include "fs/cli/running_mount.hpp"

#include <cstdlib>

#include "fs/mirror/mount_detect.hpp"
#include "fs/runtime_record.hpp"

namespace flickrfs::cli {

namespace {

// NOLINTNEXTLINE(concurrency-mt-unsafe): read at startup, before any thread exists.
bool env_set(const char* name) {
  return std::getenv(name) != nullptr;
}

void take(std::string& option, const char* env_name, const std::string& mounts_value) {
  if (option.empty() && (env_name == nullptr || !env_set(env_name))) option = mounts_value;
}

}  // namespace

bool adopt_running_mount(GlobalOptions& options, const std::string& path) {
  auto mount = mirror::detect_flickrfs_mount(path);
  if (!mount.ok() || !mount->has_value()) return false;
  const auto record = fs::find_record((*mount)->mount_point);
  if (!record) return false;
  take(options.cache_dir, "FLICKRFS_CACHE_DIR", record->cache_dir);
  take(options.config, "FLICKRFS_CONFIG", record->config);
  take(options.api_url, "FLICKRFS_API_URL", record->api_url);
  take(options.ca_file, nullptr, record->ca_file);
  if (options.user == "me" && !record->user.empty()) options.user = record->user;
  return true;
}

}  // namespace flickrfs::cli
