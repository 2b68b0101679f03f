// flickrfs status [MOUNTPOINT]: what a running mount is doing, from the status file its
// daemon keeps (fs/status_file.hpp): online/offline, API calls left this hour, queued
// probes and downloads, cache use. Without MOUNTPOINT: first the key's call budget as all
// flickrfs processes spend it (calls in the last hour, when the next is allowed), then every
// mount of this cache directory.
// Exit 0 when the mount is alive, 1 when there is none (or its daemon is gone).
#include <signal.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>

#include "api/call_budget.hpp"
#include "api/config.hpp"
#include "api/rate_limiter.hpp"
#include "cache/cache_dir.hpp"
#include "fs/cli/client_setup.hpp"
#include "fs/cli/commands.hpp"
#include "fs/cli/exit_code.hpp"
#include "fs/cli/options.hpp"
#include "fs/cli/running_mount.hpp"
#include "fs/status_file.hpp"

namespace flickrfs::cli {

namespace {

std::string field(const fs::StatusFields& fields, const std::string& key) {
  const auto found = fields.find(key);
  return found == fields.end() ? "?" : found->second;
}

std::string megabytes(const std::string& bytes) {
  const double value = std::strtod(bytes.c_str(), nullptr) / (1024.0 * 1024.0);
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", value);
  return text;
}

std::string state_line(const fs::StatusFields& f) {
  if (field(f, "online") == "yes") return "online";
  if (field(f, "forced_offline") == "yes") return "offline (--offline)";
  const std::string reason = field(f, "state_reason");
  if (field(f, "state") == "degraded") {
    return "degraded: Flickr is failing, serving the cache (" + reason + ")";
  }
  return "offline (Flickr unreachable" + (reason.empty() || reason == "?" ? "" : ": " + reason) +
         ")";
}

void print_status(const fs::StatusFields& f) {
  std::printf("%s\n", field(f, "mountpoint").c_str());
  std::printf("  state:       %s\n", state_line(f).c_str());
  std::printf("  user:        %s\n", field(f, "user").c_str());
  std::printf("  photos:      %s in %s pages, %s albums\n", field(f, "photos").c_str(),
              field(f, "pages").c_str(), field(f, "albums").c_str());
  if (f.contains("api_calls_used")) {
    api::BudgetState budget;
    budget.used = std::strtoll(field(f, "api_calls_used").c_str(), nullptr, 10);
    budget.limit = std::strtoll(field(f, "api_calls_limit").c_str(), nullptr, 10);
    budget.window =
        std::chrono::seconds(std::strtoll(field(f, "api_window_s").c_str(), nullptr, 10));
    budget.next_in =
        std::chrono::milliseconds(std::strtoll(field(f, "api_next_call_ms").c_str(), nullptr, 10));
    std::printf("  API calls:   %s\n", api::describe(budget).c_str());
  } else {
    // A negative count is the unlimited budget (FLICKRFS_API_CALLS_PER_HOUR=0).
    const std::string left = field(f, "api_calls_left");
    std::printf("  API calls:   %s\n",
                left.starts_with("-") ? "unlimited" : (left + " left this hour").c_str());
  }
  std::printf("  queue:       %s size probes (%s failed so far), %s downloads\n",
              field(f, "queue_size_probes").c_str(), field(f, "size_probe_failures").c_str(),
              field(f, "queue_downloads").c_str());
  std::printf("  cache:       %s blobs, %s (hits %s, misses %s)\n", field(f, "cache_blobs").c_str(),
              megabytes(field(f, "cache_bytes")).c_str(), field(f, "cache_hits").c_str(),
              field(f, "cache_misses").c_str());
  if (f.contains("prefetch_window")) {
    std::printf(
        "  prefetch:    window %s, %s walks, %s files = %s (used %s, wasted %s), %s failed\n",
        field(f, "prefetch_window").c_str(), field(f, "prefetch_walks").c_str(),
        field(f, "prefetch_files").c_str(), megabytes(field(f, "prefetch_bytes")).c_str(),
        megabytes(field(f, "prefetch_used_bytes")).c_str(),
        megabytes(field(f, "prefetch_wasted_bytes")).c_str(), field(f, "prefetch_failed").c_str());
  }
  if (f.contains("thumbnails_written")) {
    std::printf(
        "  thumbnails:  %s written, %s valid already, %s queued, %s failed, %s offline; %s "
        "renditions = %s\n",
        field(f, "thumbnails_written").c_str(), field(f, "thumbnails_valid").c_str(),
        field(f, "thumbnails_queued").c_str(), field(f, "thumbnails_failed").c_str(),
        field(f, "thumbnails_offline").c_str(), field(f, "thumbnails_downloads").c_str(),
        megabytes(field(f, "thumbnails_rendition_bytes")).c_str());
  }
  if (f.contains("pin_files")) {
    std::printf("  pins:        %s of %s pinned files cached, %s downloading, %s failed\n",
                field(f, "pin_cached").c_str(), field(f, "pin_files").c_str(),
                field(f, "pin_pending").c_str(), field(f, "pin_failed").c_str());
  }
  // "filling": a first mount still lists albums or video streams in the background.
  std::printf("  listing:     %s, checked %s, %s refreshes, %s failed\n",
              field(f, "listing").c_str(), field(f, "last_listing_check").c_str(),
              field(f, "refreshes").c_str(), field(f, "refresh_failures").c_str());
  std::printf("  daemon:      pid %s, status of %s\n", field(f, "pid").c_str(),
              field(f, "updated").c_str());
}

// The key's budget as every flickrfs process of this machine spends it (DESIGN section 3a),
// read from its shared window file; nothing when there is no key.
void print_budget(const GlobalOptions& global) {
  auto credentials = api::load_credentials(global.config);
  if (!credentials.ok() || credentials->api_key.empty()) return;
  const api::RateLimits limits = api::rate_limits_from_environment();
  api::SharedBudget budget(limits.api, budget_file(global, credentials->api_key),
                           api::steady_clock());
  std::printf("API budget: %s (all flickrfs processes of this key)\n",
              api::describe(budget.state()).c_str());
}

}  // namespace

int cmd_status(Args args) {
  GlobalOptions global;
  std::string mountpoint;
  ArgCursor cursor(args);
  while (!cursor.done()) {
    auto consumed = parse_global_option(cursor, global);
    if (!consumed.ok()) {
      print_error("status", consumed.error());
      return kExitUsage;
    }
    if (*consumed) continue;
    const std::string arg(cursor.next());
    if (!arg.empty() && arg.front() == '-') {
      std::fprintf(stderr, "flickrfs status: unknown option '%s'\n", arg.c_str());
      return kExitUsage;
    }
    mountpoint = arg;
  }
  if (!mountpoint.empty()) (void)adopt_running_mount(global, mountpoint);
  auto root = cache::resolve_cache_dir(global.cache_dir);
  if (!root.ok()) {
    print_error("status", root.error());
    return kExitUsage;
  }
  if (!mountpoint.empty()) {
    char resolved[PATH_MAX];
    if (::realpath(mountpoint.c_str(), resolved) == nullptr) {
      std::fprintf(stderr, "flickrfs status: %s does not exist\n", mountpoint.c_str());
      return kExitUsage;
    }
    mountpoint = resolved;
  }
  if (mountpoint.empty()) print_budget(global);
  int shown = 0;
  for (const auto& [path, fields] : fs::read_status_files(*root)) {
    if (!mountpoint.empty() && field(fields, "mountpoint") != mountpoint) continue;
    if (!fs::daemon_alive(fields)) continue;
    print_status(fields);
    ++shown;
  }
  if (shown == 0) {
    std::fprintf(stderr, "flickrfs status: no running flickrfs mount%s%s (cache %s)\n",
                 mountpoint.empty() ? "" : " at ", mountpoint.c_str(), root->c_str());
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace flickrfs::cli
