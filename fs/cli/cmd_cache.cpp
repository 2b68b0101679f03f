// flickrfs cache stats|verify [--repair]|clear [--yes]|pin PATH|unpin PATH (DESIGN section 2).
// Works on the cache only; never touches the network. See commands.hpp.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cache/blob_store.hpp"
#include "cache/cache_dir.hpp"
#include "cache/meta_store.hpp"
#include "fs/cli/cache_target.hpp"
#include "fs/cli/commands.hpp"
#include "fs/cli/exit_code.hpp"
#include "fs/cli/options.hpp"

namespace flickrfs::cli {

namespace {

constexpr std::string_view kUsage =
    "usage: flickrfs cache stats|verify [--repair]|clear [--yes]|pin PATH|unpin PATH "
    "[--cache-dir DIR] [--user NSID]";

struct CacheArgs {
  GlobalOptions global;
  std::string action;
  std::string path;  // pin/unpin
  bool repair = false;
  bool yes = false;
};

struct OpenCache {
  std::string dir;
  std::string nsid;
  std::shared_ptr<cache::lmdb::Env> env;
  std::unique_ptr<cache::MetaStore> meta;
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
  apply_environment_defaults(out.global);
  return out;
}

Result<OpenCache> open_cache(const CacheArgs& args) {
  OpenCache c;
  FLICKRFS_TRY(c.dir, cache::resolve_cache_dir(args.global.cache_dir));
  FLICKRFS_TRY(c.nsid, resolve_cached_user(c.dir, args.global.user));
  FLICKRFS_TRY(c.env, cache::open_user_env(c.dir, c.nsid));
  FLICKRFS_TRY(c.meta, cache::MetaStore::open(c.env));
  cache::BlobStore::Options options;
  options.offline = true;             // this command never downloads
  options.reconcile_at_open = false;  // a mount may be running on the same cache
  options.download_jobs = 1;
  FLICKRFS_TRY(c.blobs,
               cache::BlobStore::open(*c.meta, nullptr,
                                      cache::blobs_dir(cache::user_dir(c.dir, c.nsid)), options));
  return c;
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

int run_verify(OpenCache& c, bool repair) {
  auto report = c.blobs->verify(repair ? cache::Repair::yes : cache::Repair::no);
  if (!report) return fail(report.error());
  for (const auto& key : report->bad) {
    std::fprintf(stderr, "bad blob: photo %s size %s (%s)%s\n", key.photo_id.c_str(),
                 key.label.c_str(), key.file_name().c_str(), repair ? ", removed" : "");
  }
  std::printf("verified %llu blobs: %zu bad%s\n", static_cast<unsigned long long>(report->checked),
              report->bad.size(),
              report->bad.empty() || repair ? "" : " (run with --repair to remove them)");
  return report->bad.empty() ? kExitOk : kExitPartial;
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

int run_pin(OpenCache& c, const std::string& path, bool add) {
  auto pin = parse_pin_path(path);
  if (!pin) return fail(pin.error());
  if (!add) {
    auto removed = c.meta->remove_pin(*pin);
    if (!removed) return fail(removed.error());
    std::printf("%s %s\n", *removed ? "unpinned" : "was not pinned:", pin->key().c_str());
    return kExitOk;
  }
  pin->pinned_at = static_cast<std::int64_t>(::time(nullptr));
  if (auto added = c.meta->add_pin(*pin); !added) return fail(added.error());
  auto ids = c.meta->pinned_photo_ids();
  std::printf("pinned %s: its photos are never evicted; a running mount downloads them\n",
              pin->key().c_str());
  if (ids && ids->empty()) {
    std::printf("(its listing is not cached yet; it is kept as soon as the mount lists it)\n");
  }
  return kExitOk;
}

}  // namespace

int cmd_cache(Args args) {
  auto parsed = parse(args);
  if (!parsed) return fail(parsed.error());
  const std::string& action = parsed->action;
  if (action != "stats" && action != "verify" && action != "clear" && action != "pin" &&
      action != "unpin") {
    return fail(make_error(Errc::invalid_argument,
                           "unknown cache action '" + action + "'; " + std::string(kUsage)));
  }
  auto opened = open_cache(*parsed);
  if (!opened) return fail(opened.error());
  if (action == "stats") return run_stats(*opened);
  if (action == "verify") return run_verify(*opened, parsed->repair);
  if (action == "clear") return run_clear(*opened, parsed->yes);
  return run_pin(*opened, parsed->path, action == "pin");
}

}  // namespace flickrfs::cli
