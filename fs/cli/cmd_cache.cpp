// flickrfs cache stats|verify [--repair]|clear [--yes]|pin PATH|unpin PATH (DESIGN section 2).
// Works on the cache only; the one network use is `cache pin` with no mount of the account
// running: it downloads the pinned photos itself (image URLs only, no API call). With a
// mount running, that mount's pin keeper downloads them (fs/sync/pin_keeper.hpp).
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "api/work_queue.hpp"
#include "cache/blob_store.hpp"
#include "cache/cache_dir.hpp"
#include "cache/meta_store.hpp"
#include "fs/cli/cache_target.hpp"
#include "fs/cli/client_setup.hpp"
#include "fs/cli/commands.hpp"
#include "fs/cli/exit_code.hpp"
#include "fs/cli/options.hpp"
#include "fs/cli/running_mount.hpp"
#include "fs/status_file.hpp"
#include "fs/sync/client_downloader.hpp"
#include "fs/sync/pin_keeper.hpp"

namespace flickrfs::cli {

namespace {

constexpr std::string_view kUsage =
    "usage: flickrfs cache stats|verify [--repair]|clear [--yes]|pin PATH|unpin PATH "
    "[--cache-dir DIR] [--user NSID]";

constexpr std::string_view kHelp =
    "flickrfs cache ACTION [--cache-dir DIR] [--user NSID]\n"
    "  stats              photos, blobs, bytes, hit rate, pins, schema version\n"
    "  verify [--repair]  re-hash every blob against its record; exit 23 listing bad ones;\n"
    "                     --repair removes them (exit 0 once all are gone, 23 if some remain)\n"
    "  clear [--yes]      remove every cached photo and the metadata (asks unless --yes)\n"
    "  pin PATH           keep an album (MOUNT/sets/<album>) or a page\n"
    "                     (MOUNT/photostream/page-NNNN): never evicted, and downloaded:\n"
    "                     by the account's running mount (within seconds; progress in\n"
    "                     `flickrfs status`), else right away by this command; with\n"
    "                     --offline only recorded, and the next online mount downloads it\n"
    "  unpin PATH         evictable again (downloaded files stay until evicted)\n";

struct CacheArgs {
  GlobalOptions global;
  std::string action;
  std::string path;  // pin/unpin
  bool repair = false;
  bool yes = false;
  bool help = false;
};

struct OpenCache {
  std::string dir;
  std::string nsid;
  std::shared_ptr<cache::lmdb::Env> env;
  std::unique_ptr<cache::MetaStore> meta;
  std::unique_ptr<api::FlickrClient> client;  // only for `pin` without a running mount
  std::unique_ptr<fs::Connectivity> connectivity;
  std::unique_ptr<cache::BlobStore> blobs;
};

int fail(const Error& error) {
  std::fprintf(stderr, "flickrfs cache: %s\n", error.describe().c_str());
  return exit_code_for(error);
}

Result<CacheArgs> parse(Args args) {
  CacheArgs out;
  ArgCursor cursor(args);
  while (!cursor.done()) {
    FLICKRFS_TRY(bool global, parse_global_option(cursor, out.global));
    if (global) continue;
    if (cursor.flag("--repair")) {
      out.repair = true;
    } else if (cursor.flag("--yes") || cursor.flag("-y")) {
      out.yes = true;
    } else if (cursor.flag("--help") || cursor.flag("-h")) {
      out.help = true;
      return out;
    } else if (cursor.peek().starts_with("-") && cursor.peek() != "-") {
      return make_error(Errc::invalid_argument, "unknown option " + std::string(cursor.peek()));
    } else if (out.action.empty()) {
      out.action = cursor.next();
    } else if (out.path.empty() && (out.action == "pin" || out.action == "unpin")) {
      out.path = cursor.next();
    } else {
      return make_error(Errc::invalid_argument,
                        "unexpected argument " + std::string(cursor.next()));
    }
  }
  bool needs_path = out.action == "pin" || out.action == "unpin";
  if (out.action.empty() || (needs_path && out.path.empty())) {
    return make_error(Errc::invalid_argument, std::string(kUsage));
  }
  if (out.action == "pin") (void)adopt_running_mount(out.global, out.path);
  apply_environment_defaults(out.global);
  return out;
}

Result<OpenCache> open_meta(const CacheArgs& args) {
  OpenCache c;
  FLICKRFS_TRY(c.dir, cache::resolve_cache_dir(args.global.cache_dir));
  FLICKRFS_TRY(c.nsid, resolve_cached_user(c.dir, args.global.user));
  FLICKRFS_TRY(c.env, cache::open_user_env(c.dir, c.nsid));
  FLICKRFS_TRY(c.meta, cache::MetaStore::open(c.env));
  return c;
}

// `downloads`: a client for image downloads (pin without a mount); otherwise offline.
Result<void> open_blobs(const CacheArgs& args, OpenCache& c, bool downloads) {
  std::shared_ptr<cache::Downloader> downloader;
  if (downloads) {
    FLICKRFS_TRY(auto options, client_options(args.global));
    c.client = std::make_unique<api::FlickrClient>(std::move(options));
    c.connectivity = std::make_unique<fs::Connectivity>(false);
    downloader = std::make_shared<fs::ClientDownloader>(*c.client, *c.connectivity);
  }
  cache::BlobStore::Options options;
  options.offline = !downloads;
  options.reconcile_at_open = false;  // a mount may be running on the same cache
  options.download_jobs = downloads ? 4 : 1;
  FLICKRFS_TRY(c.blobs,
               cache::BlobStore::open(*c.meta, downloader,
                                      cache::blobs_dir(cache::user_dir(c.dir, c.nsid)), options));
  return success();
}

std::string human_bytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

int run_stats(OpenCache& c) {
  auto counts = c.meta->counts();
  if (!counts) return fail(counts.error());
  auto pins = c.meta->pins();
  auto blobs = c.blobs->stats();
  std::uint64_t opens = blobs.hits + blobs.misses;
  std::printf("cache:          %s\n", cache::user_dir(c.dir, c.nsid).c_str());
  std::printf("user:           %s\n", c.nsid.c_str());
  std::printf("schema version: %u\n", counts->schema_version);
  std::printf("photos:         %llu (photostream %llu, albums %llu)\n",
              static_cast<unsigned long long>(counts->photos),
              static_cast<unsigned long long>(counts->photostream),
              static_cast<unsigned long long>(counts->albums));
  std::printf("blobs:          %llu (%s)\n", static_cast<unsigned long long>(blobs.blobs),
              human_bytes(blobs.bytes).c_str());
  if (opens == 0) {
    std::printf("hit rate:       - (no reads yet)\n");
  } else {
    std::printf("hit rate:       %.1f%% (%llu hits, %llu misses)\n",
                100.0 * static_cast<double>(blobs.hits) / static_cast<double>(opens),
                static_cast<unsigned long long>(blobs.hits),
                static_cast<unsigned long long>(blobs.misses));
  }
  std::printf("pins:           %zu\n", pins ? pins->size() : std::size_t{0});
  std::printf("metadata:       %s\n", human_bytes(counts->file_bytes).c_str());
  return kExitOk;
}

// Exit 0 when every blob is good, or with --repair when every bad one was removed (the
// next read downloads it again); 23 when bad blobs remain (listed on stderr).
int run_verify(OpenCache& c, bool repair) {
  auto report = c.blobs->verify(repair ? cache::Repair::yes : cache::Repair::no);
  if (!report) return fail(report.error());
  auto print_bad = [](const cache::BlobKey& key, const char* what) {
    std::fprintf(stderr, "bad blob: photo %s size %s (%s)%s\n", key.photo_id.c_str(),
                 key.label.c_str(), key.file_name().c_str(), what);
  };
  for (const auto& key : report->bad) {
    const bool left = std::find(report->unrepaired.begin(), report->unrepaired.end(), key) !=
                      report->unrepaired.end();
    print_bad(key, !repair ? "" : left ? ", could NOT be removed" : ", removed");
  }
  if (!repair) {
    std::printf("verified %llu blobs: %zu bad%s\n",
                static_cast<unsigned long long>(report->checked), report->bad.size(),
                report->bad.empty() ? "" : " (run with --repair to remove them)");
    return report->bad.empty() ? kExitOk : kExitPartial;
  }
  std::printf("verified %llu blobs: %zu bad, %llu removed, %zu could not be removed\n",
              static_cast<unsigned long long>(report->checked), report->bad.size(),
              static_cast<unsigned long long>(report->removed), report->unrepaired.size());
  return report->unrepaired.empty() ? kExitOk : kExitPartial;
}

bool confirm(const std::string& question) {
  std::fprintf(stderr, "%s [y/N] ", question.c_str());
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes";
}

int run_clear(OpenCache& c, bool yes) {
  std::string what = "all cached photos and metadata of " + c.nsid + " in " + c.dir;
  if (!yes) {
    if (::isatty(STDIN_FILENO) == 0) {
      std::fprintf(stderr,
                   "flickrfs cache: refusing to clear %s without a terminal; "
                   "pass --yes\n",
                   what.c_str());
      return kExitUsage;
    }
    if (!confirm("Remove " + what + "?")) {
      std::fprintf(stderr, "flickrfs cache: nothing removed\n");
      return kExitUsage;
    }
  }
  auto removed = c.blobs->clear();
  if (!removed) return fail(removed.error());
  if (auto cleared = c.meta->clear_metadata(); !cleared) return fail(cleared.error());
  std::printf("removed %llu blobs and the cached metadata (pins kept)\n",
              static_cast<unsigned long long>(*removed));
  return kExitOk;
}

// The mountpoint of a live mount of this account's cache (its status file names the cache
// user and its daemon's pid), if any.
std::optional<std::string> running_mount(const OpenCache& c) {
  for (const auto& [path, fields] : fs::read_status_files(c.dir)) {
    const auto user = fields.find("cache_user");
    if (user == fields.end() || user->second != c.nsid || !fs::daemon_alive(fields)) continue;
    const auto mountpoint = fields.find("mountpoint");
    return mountpoint == fields.end() ? path : mountpoint->second;
  }
  return std::nullopt;
}

// No mount is running: download the pinned photos now, as a mount would (best files).
int download_pins_now(const CacheArgs& args, OpenCache& c) {
  if (auto opened = open_blobs(args, c, true); !opened) return fail(opened.error());
  fs::Catalog catalog(c.client.get(), *c.meta, *c.blobs, *c.connectivity, fs::CatalogOptions{});
  if (auto loaded = catalog.load_from_cache(); !loaded) return fail(loaded.error());
  // List first, as a mount's first fill does: the pinned page or album as it is now, with its
  // video streams known (a cache left by a short mount may hold only posters for videos).
  // Best effort: without the network (or a key) the cached listing is what there is to pin.
  if (auto listed = catalog.refresh_all(); !listed) {
    std::fprintf(stderr, "flickrfs cache: listing not refreshed (%s); using the cached one\n",
                 listed.error().describe().c_str());
  }
  fs::PinKeeperOptions options;
  options.workers = 4;
  api::WorkQueue queue(options.workers);
  fs::PinKeeper keeper(*c.meta, *c.blobs, catalog, queue, options, [] { return true; });
  std::printf("no mount of %s is running: downloading the pinned photos now\n", c.nsid.c_str());
  std::fflush(stdout);
  auto done = keeper.run_once();
  if (!done) {
    std::fprintf(stderr,
                 "flickrfs cache: the pin is recorded but the download stopped: %s; the next "
                 "mount downloads the rest\n",
                 done.error().describe().c_str());
    return kExitPartial;
  }
  std::printf("pinned files: %llu, cached: %llu (%llu downloaded now), failed: %llu\n",
              static_cast<unsigned long long>(done->pinned_files),
              static_cast<unsigned long long>(done->cached_files),
              static_cast<unsigned long long>(done->downloaded),
              static_cast<unsigned long long>(done->failed));
  return done->failed == 0 ? kExitOk : kExitPartial;
}

int run_pin(const CacheArgs& args, OpenCache& c, bool add) {
  auto pin = parse_pin_path(args.path);
  if (!pin) return fail(pin.error());
  if (!add) {
    auto removed = c.meta->remove_pin(*pin);
    if (!removed) return fail(removed.error());
    std::printf("%s %s\n", *removed ? "unpinned" : "was not pinned:", pin->key().c_str());
    return kExitOk;
  }
  pin->pinned_at = static_cast<std::int64_t>(::time(nullptr));
  if (auto added = c.meta->add_pin(*pin); !added) return fail(added.error());
  std::printf("pinned %s: its photos are never evicted\n", pin->key().c_str());
  // A pin made right after a mount came up may come before the mount has listed the album:
  // the mount then downloads it once it has (it re-reads the pins as it goes).
  const auto ids = c.meta->pinned_photo_ids();
  const bool listed = ids && !ids->empty();
  if (const auto mountpoint = running_mount(c)) {
    std::printf(listed ? "the mount at %s is downloading them (see `flickrfs status`)\n"
                       : "the mount at %s downloads them once it has listed them (see `flickrfs "
                         "status`)\n",
                mountpoint->c_str());
    return kExitOk;
  }
  if (args.global.offline) {
    std::printf(listed ? "--offline: the next online mount (or `cache pin` again) downloads them\n"
                       : "--offline: not listed yet; the next online mount lists and downloads "
                         "them\n");
    return kExitOk;
  }
  return download_pins_now(args, c);
}

}  // namespace

int cmd_cache(Args args) {
  auto parsed = parse(args);
  if (!parsed) return fail(parsed.error());
  if (parsed->help) {
    std::fputs(std::string(kHelp).c_str(), stdout);
    return kExitOk;
  }
  const std::string& action = parsed->action;
  if (action != "stats" && action != "verify" && action != "clear" && action != "pin" &&
      action != "unpin") {
    return fail(make_error(Errc::invalid_argument,
                           "unknown cache action '" + action + "'; " + std::string(kUsage)));
  }
  auto opened = open_meta(*parsed);
  if (!opened) return fail(opened.error());
  if (action == "pin" || action == "unpin") return run_pin(*parsed, *opened, action == "pin");
  if (auto blobs = open_blobs(*parsed, *opened, false); !blobs) return fail(blobs.error());
  if (action == "stats") return run_stats(*opened);
  if (action == "verify") return run_verify(*opened, parsed->repair);
  return run_clear(*opened, parsed->yes);
}

}  // namespace flickrfs::cli
