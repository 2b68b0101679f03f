// See mount.hpp.
#include "fs/mount.hpp"

#include <unistd.h>
#include <atomic>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "api/flickr_client.hpp"
#include "api/work_queue.hpp"
#include "cache/blob_store.hpp"
#include "cache/cache_dir.hpp"
#include "cache/meta_store.hpp"
#include "fs/cli/client_setup.hpp"
#include "fs/cli/exit_code.hpp"
#include "fs/daemon.hpp"
#include "fs/invalidator.hpp"
#include "fs/log.hpp"
#include "fs/memory_policy.hpp"
#include "fs/model/inode.hpp"
#include "fs/model/tree_diff.hpp"
#include "fs/prefetch/prefetcher.hpp"
#include "fs/runtime_record.hpp"
#include "fs/service_notify.hpp"
#include "fs/session.hpp"
#include "fs/status_file.hpp"
#include "fs/sync/catalog.hpp"
#include "fs/sync/client_downloader.hpp"
#include "fs/sync/pin_keeper.hpp"
#include "fs/thumbnail/thumbnailer.hpp"
#include "fs/upload/mount_uploads.hpp"

namespace flickrfs::fs {

namespace {

// Thumbnail tasks at once on the work queue: each holds one rendition download (a few KB).
constexpr unsigned kThumbnailWorkers = 8;

// A startup failure: the exit code and the one line for the terminal.
struct Failure {
  int exit_code = cli::kExitUsage;
  std::string message;
};

Failure fail(const Error& error, std::string_view what) {
  std::string line = "flickrfs: ";
  if (!what.empty()) line += std::string(what) + ": ";
  line += error.describe();
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return {cli::exit_code_for(error), line};
}

std::string absolute(const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof cwd) == nullptr) return path;
  return std::string(cwd) + "/" + path;
}

// Everything that lives while the mount is served, destroyed in reverse order.
struct Mounted {
  // Set once the FUSE loop has ended: calls still waiting for Flickr's budget give up.
  std::atomic<bool> stopping{false};
  // The workers of every component's tasks (api/work_queue.hpp); declared first so it goes
  // last: each component waits for its running tasks when it goes, queued ones hold only
  // shared state.
  std::unique_ptr<api::WorkQueue> work;
  std::unique_ptr<api::FlickrClient> client;
  std::unique_ptr<Connectivity> connectivity;
  std::unique_ptr<cache::MetaStore> meta;
  std::unique_ptr<cache::BlobStore> blobs;
  std::unique_ptr<Catalog> catalog;
  std::unique_ptr<prefetch::Prefetcher> prefetcher;     // before catalog/blobs go
  std::unique_ptr<thumbnail::Thumbnailer> thumbnailer;  // before catalog/blobs go
  std::unique_ptr<PinKeeper> pin_keeper;                // before catalog/blobs go
  upload::MountUploads uploads;                         // --writable; before the catalog goes
  std::unique_ptr<Context> context;
  std::unique_ptr<FuseSession> session;
  std::string nsid;
  std::string cache_root;
};

api::LogSink client_log_sink() {
  return [](api::LogLevel level, std::string_view line) {
    const std::string text(line);
    if (level == api::LogLevel::warning) {
      log::warning("%s", text.c_str());
    } else if (level == api::LogLevel::info) {
      log::info("%s", text.c_str());
    } else {
      log::debug("%s", text.c_str());
    }
  };
}

// Who owns a token, remembered from the last online mount, so an offline mount of "me"
// finds its cache. CACHE_ROOT/token-owners: "<hash of the token> <nsid>" lines (the token
// itself is not written anywhere).
std::string token_owners_path(const MountConfig& config) {
  auto root = cache::resolve_cache_dir(config.global.cache_dir);
  return root.ok() ? *root + "/token-owners" : std::string();
}

std::string token_hash(const std::string& token) {
  return std::to_string(model::stable_ino(model::NodeKind::root, {"token", token}));
}

void remember_token_owner(const MountConfig& config, const std::string& token,
                          const std::string& nsid) {
  const std::string path = token_owners_path(config);
  if (path.empty() || token.empty()) return;
  auto root = cache::resolve_cache_dir(config.global.cache_dir);
  if (!root.ok() || !cache::ensure_private_dir(*root).ok()) return;
  const std::string line = token_hash(token) + " " + nsid;
  std::ifstream in(path);
  std::string existing;
  while (std::getline(in, existing)) {
    if (existing == line) return;
  }
  std::ofstream out(path, std::ios::app);
  out << line << "\n";
}

std::string remembered_token_owner(const MountConfig& config, const std::string& token) {
  std::ifstream in(token_owners_path(config));
  std::string line;
  const std::string prefix = token_hash(token) + " ";
  std::string nsid;
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) nsid = line.substr(prefix.size());
  }
  return nsid;
}

// Flickr failing is no reason to refuse the cache (DESIGN section 4: an error means "serve
// what is cached"): unreachable starts offline, 5xx / stat:fail 105, 201 / replies that do
// not parse / 429 start degraded, and the catalog's health check brings the mount online
// when Flickr answers normally again. False for errors the user must fix (auth, config).
bool start_without_flickr(const Error& error, Connectivity& connectivity) {
  if (error.code == Errc::network) {
    log::warning("Flickr unreachable (%s): starting offline", error.message.c_str());
    connectivity.set_offline(error.describe());
    return true;
  }
  if (error.code == Errc::unavailable || error.code == Errc::bad_response ||
      error.code == Errc::rate_limited) {
    log::warning("Flickr is failing (%s): serving the cache (degraded)", error.message.c_str());
    connectivity.set_degraded(error.describe());
    return true;
  }
  return false;
}

// "Flickr is unreachable (...)" / "Flickr is failing (...)" / "--offline", for error lines.
std::string why_not_online(const Connectivity& connectivity) {
  if (connectivity.forced_offline()) return "--offline";
  const std::string reason = connectivity.reason();
  const char* what =
      connectivity.state() == LinkState::degraded ? "Flickr is failing" : "Flickr is unreachable";
  return reason.empty() ? std::string(what) : std::string(what) + " (" + reason + ")";
}

// Step 3: the client and whose photos to show. Sets `mounted.nsid` and the catalog user.
Result<std::string> check_account(const MountConfig& config, Mounted& mounted,
                                  const api::Credentials& credentials) {
  const std::string& user = config.global.user;
  const bool offline = mounted.connectivity->offline();
  if (!offline && mounted.client->authenticated()) {
    auto login = mounted.client->test_login();
    if (login.ok()) {
      mounted.nsid = login->nsid;
      remember_token_owner(config, credentials.oauth_token, mounted.nsid);
      if (user == "me") return std::string("me");
    } else if (!start_without_flickr(login.error(), *mounted.connectivity)) {
      return std::move(login).error();
    }
  } else if (!offline) {
    // Public photos only: nothing to log in with, so one unbudgeted request tells whether
    // Flickr is up before a cold cache would wait for a listing that cannot come.
    auto pinged = mounted.client->ping(std::chrono::milliseconds(5000));
    if (!pinged.ok()) (void)start_without_flickr(pinged.error(), *mounted.connectivity);
  }
  if (user.find('@') != std::string::npos) {
    const bool own = !mounted.nsid.empty() && mounted.nsid == user;
    mounted.nsid = user;
    return own ? std::string("me") : user;  // "me" sees private photos too
  }
  if (user == "me") {
    if (!credentials.has_token()) {
      return make_error(Errc::config,
                        "--user me needs an OAuth token: run `flickrfs auth`, or give --user "
                        "NSID|USERNAME for someone's public photos");
    }
    if (mounted.nsid.empty()) mounted.nsid = credentials.user_nsid;
    if (mounted.nsid.empty())
      mounted.nsid = remembered_token_owner(config, credentials.oauth_token);
    if (mounted.nsid.empty()) {  // never logged in with this token: nothing is cached
      return make_error(Errc::network, why_not_online(*mounted.connectivity) +
                                           " and nothing is cached for this account yet");
    }
    return std::string("me");
  }
  if (mounted.connectivity->offline()) {
    return make_error(Errc::network, "a username needs Flickr, and " +
                                         why_not_online(*mounted.connectivity) +
                                         ": give --user NSID to use the cache");
  }
  FLICKRFS_TRY(mounted.nsid, mounted.client->resolve_user(user));
  return mounted.nsid;
}

Result<void> open_cache(const MountConfig& config, Mounted& mounted) {
  FLICKRFS_TRY(mounted.cache_root, cache::resolve_cache_dir(config.global.cache_dir));
  mounted.cache_root = absolute(mounted.cache_root);
  FLICKRFS_CHECK(cache::ensure_private_dir(mounted.cache_root));
  FLICKRFS_TRY(auto env, cache::open_user_env(mounted.cache_root, mounted.nsid));
  FLICKRFS_TRY(mounted.meta, cache::MetaStore::open(env));
  std::shared_ptr<cache::Downloader> downloader;
  if (mounted.client) {
    downloader = std::make_shared<ClientDownloader>(*mounted.client, *mounted.connectivity);
  }
  cache::BlobStore::Options options;
  options.max_bytes = config.cache_size;
  // Prefetch gets its own `jobs` threads on top, and the thumbnailer its workers, so
  // foreground opens never queue behind them. Downloads keep these threads of their own, not
  // the work queue's: prefetch, pin and thumbnail tasks wait on them, and a task must never
  // wait on work queued behind it (api/work_queue.hpp, the deadlock rule).
  options.download_jobs = config.prefetch > 0 ? 2 * config.jobs : config.jobs;
  if (config.thumbnails) options.download_jobs += kThumbnailWorkers;
  options.offline = config.global.offline;
  FLICKRFS_TRY(mounted.blobs,
               cache::BlobStore::open(
                   *mounted.meta, downloader,
                   cache::blobs_dir(cache::user_dir(mounted.cache_root, mounted.nsid)), options));
  return success();
}

// Writes the mounting user's desktop thumbnails of each listed directory's pictures from
// Flickr's small renditions (fs/thumbnail/). Offline it still uses cached renditions.
void start_thumbnailer(const MountConfig& config, Mounted& mounted) {
  if (!config.thumbnails) return;
  const std::string root =
      thumbnail::user_thumbnail_root(std::getenv("XDG_CACHE_HOME"), std::getenv("HOME"));
  if (root.empty()) {
    log::warning("no thumbnails: neither XDG_CACHE_HOME nor HOME is an absolute path");
    return;
  }
  thumbnail::ThumbnailerOptions options;
  options.mountpoint = config.mountpoint;
  options.root = root;
  options.flavors = config.thumbnail_sizes;
  options.workers = kThumbnailWorkers;
  Connectivity* connectivity = mounted.connectivity.get();
  api::FlickrClient* client = mounted.client.get();
  cache::MetaStore* meta = mounted.meta.get();
  mounted.thumbnailer = std::make_unique<thumbnail::Thumbnailer>(
      *mounted.blobs, *mounted.work,
      [meta](const std::string& photo_id) -> Result<std::vector<api::Size>> {
        FLICKRFS_TRY(auto cached, meta->photo(photo_id));
        if (!cached) return make_error(Errc::not_found, "photo not in the cache");
        return std::move(cached->photo.sizes);
      },
      std::move(options),
      [connectivity, client] { return client != nullptr && !connectivity->offline(); },
      [client] {
        return client != nullptr && client->rate_limiter().images_wait_time().count() == 0;
      });
}

// Downloads pinned albums and pages (`flickrfs cache pin`); nothing on an --offline mount.
void start_pin_keeper(const MountConfig& config, Mounted& mounted) {
  if (mounted.client == nullptr) return;
  PinKeeperOptions options;
  options.workers = std::max(1U, config.jobs / 4);  // a background job: foreground first
  Connectivity* connectivity = mounted.connectivity.get();
  mounted.pin_keeper =
      std::make_unique<PinKeeper>(*mounted.meta, *mounted.blobs, *mounted.catalog, *mounted.work,
                                  options, [connectivity] { return !connectivity->offline(); });
  mounted.pin_keeper->start();
}

void start_prefetcher(const MountConfig& config, Mounted& mounted) {
  if (config.prefetch == 0 || mounted.client == nullptr) return;  // off, or --offline
  prefetch::PrefetchOptions options;
  options.window = config.prefetch;
  options.workers = config.jobs;
  options.cache_max_bytes = config.cache_size;
  Connectivity* connectivity = mounted.connectivity.get();
  api::FlickrClient* client = mounted.client.get();
  mounted.prefetcher = std::make_unique<prefetch::Prefetcher>(
      *mounted.blobs, *mounted.catalog, *mounted.work, options,
      [connectivity] { return !connectivity->offline(); },
      [client] { return client->rate_limiter().images_wait_time().count() == 0; });
}

Result<void> prepare(const MountConfig& config, Mounted& mounted, Failure& failure) {
  FLICKRFS_TRY(auto options, cli::client_options(config.global));
  options.log = client_log_sink();
  options.retry.max_attempts = 4;  // a dead network must not hold a reader for long
  options.retry.max_delay = std::chrono::milliseconds(4000);
  options.retry.unreachable_budget = std::chrono::milliseconds(600);  // EIO within 1 s
  options.cancel = &mounted.stopping;
  const api::Credentials credentials = options.credentials;
  mounted.connectivity = std::make_unique<Connectivity>(config.global.offline);
  if (!config.global.offline) {
    if (!credentials.has_key()) {
      return make_error(Errc::config,
                        "no API key: run `flickrfs auth` or set FLICKRFS_API_KEY and "
                        "FLICKRFS_API_SECRET");
    }
    mounted.client = std::make_unique<api::FlickrClient>(std::move(options));
  }
  auto user = check_account(config, mounted, credentials);
  if (!user.ok()) {
    // An auth error describes itself ("authentication failed: ..."); others get a context.
    if (user.error().code == Errc::auth) {
      failure = fail(user.error(), {});
    } else if (user.error().code == Errc::network && mounted.connectivity->offline()) {
      // Says itself why ("Flickr is failing (...) and nothing is cached ..."), exit 3.
      failure = {cli::kExitNetwork, "flickrfs: cannot mount: " + user.error().message};
    } else {
      failure = fail(user.error(), "cannot mount");
    }
    return std::move(user).error();
  }
  block_stop_signals();  // before the mount's threads start (session.hpp)
  FLICKRFS_CHECK(open_cache(config, mounted));
  // Workers: 16 walk-ahead size probes, 8 comment and 4 EXIF calls, listing fan-outs, the
  // prefetcher's --jobs downloads, the pin keeper's and the thumbnailer's, with 4 always free
  // for work a user waits on. Idle workers cost a stack each, nothing more.
  const unsigned mount_workers = 40 + config.jobs;
  constexpr unsigned kForegroundReserve = 4;
  mounted.work = std::make_unique<api::WorkQueue>(mount_workers, kForegroundReserve);
  CatalogOptions catalog;
  catalog.work_queue = mounted.work.get();
  catalog.user = *user;
  catalog.sizes = config.sizes;
  catalog.exif = config.exif;
  catalog.dir_cache_time = config.dir_cache_time;
  catalog.poll_interval = config.poll_interval;
  mounted.catalog = std::make_unique<Catalog>(mounted.client.get(), *mounted.meta, *mounted.blobs,
                                              *mounted.connectivity, catalog);
  FLICKRFS_CHECK(mounted.catalog->load_from_cache());
  if (config.writable) {
    Catalog* listing = mounted.catalog.get();
    auto uploads = upload::open_mount_uploads(
        *mounted.client, cache::user_dir(mounted.cache_root, mounted.nsid), config.allow_delete,
        [listing] { listing->request_refresh(); },  // the new photos' last page
        [listing](const std::string& photo_id) { listing->note_replaced(photo_id); });
    if (!uploads.ok()) {
      failure = fail(uploads.error(), "cannot mount");
      return std::move(uploads).error();
    }
    mounted.uploads = std::move(uploads).value();
  }
  start_prefetcher(config, mounted);
  start_thumbnailer(config, mounted);
  if (!mounted.catalog->has_listing()) {
    if (mounted.connectivity->offline()) {
      failure = {cli::kExitNetwork,
                 "flickrfs: cannot mount: " + why_not_online(*mounted.connectivity) +
                     " and nothing is cached for this account yet"};
      return make_error(Errc::network, failure.message);
    }
    // Mount now: the catalog's thread lists the account in the background, and a
    // directory opened before its listing arrived waits for it (bounded).
    log::info("nothing cached yet: listing the account in the background");
  }
  return success();
}

void configure_log(const MountConfig& config) {
  log::Config log_config;
  log_config.level = config.global.verbosity >= 2   ? log::Level::debug
                     : config.global.verbosity == 1 ? log::Level::info
                                                    : log::Level::warning;
  if (!config.global.log_file.empty()) {
    log_config.sink = log::Sink::file;
    log_config.file = config.global.log_file;
  } else if (!config.foreground) {
    log_config.sink = log::Sink::syslog;
  }
  auto configured = log::configure(log_config);
  if (!configured.ok()) {
    std::fprintf(stderr, "flickrfs: %s\n", configured.error().describe().c_str());
  }
}

int serve(const MountConfig& config, Mounted& mounted, DaemonLink& link) {
  mounted.context = std::make_unique<Context>();
  Context& ctx = *mounted.context;
  ctx.catalog = mounted.catalog.get();
  ctx.prefetcher = mounted.prefetcher.get();
  ctx.thumbnailer = mounted.thumbnailer.get();
  ctx.uploads = mounted.uploads.area.get();
  ctx.allow_delete = config.allow_delete;
  ctx.uid = ::getuid();
  ctx.gid = ::getgid();
  ctx.timeouts.live = static_cast<double>(config.dir_cache_time.count());
  SessionOptions session_options;
  session_options.mountpoint = config.mountpoint;
  session_options.allow_other = config.allow_other;
  session_options.writable = config.writable;
  session_options.debug = config.debug;
  session_options.fsname = "flickrfs:" + mounted.nsid;
  auto session = FuseSession::mount(session_options, ctx);
  if (!session.ok()) {
    link.report_failure(cli::kExitUsage, "flickrfs: " + session.error().message);
    service::notify_failed(session.error().message);
    return cli::kExitUsage;
  }
  mounted.session = std::move(session).value();
  // Before reporting ready: once `flickrfs mount` returns, other commands can find the mount.
  auto recorded =
      write_record({config.mountpoint, ::getpid(), mounted.cache_root, config.global.config,
                    config.global.api_url, config.global.user, config.global.ca_file});
  if (!recorded.ok()) log::warning("%s", recorded.error().describe().c_str());
  link.report_ready();
  service::notify_ready("mounted at " + config.mountpoint);
  {
    Invalidator invalidator(mounted.session->raw());
    start_pin_keeper(config, mounted);
    mounted.catalog->set_change_listener(
        [&invalidator, &mounted, &ctx](const model::Tree& before, const model::Tree& after) {
          invalidator.push(model::diff_trees(
              before, after, [&ctx](model::Ino dir) { return ctx.kernel_dirs.sees(dir); }));
          if (mounted.pin_keeper) mounted.pin_keeper->note_refresh();  // new pinned photos
        });
    StatusWriter status(
        status_file_path(mounted.cache_root, config.mountpoint), config.mountpoint, [&] {
          return mounted.catalog->status_lines() +
                 (mounted.prefetcher ? mounted.prefetcher->status_lines() : "") +
                 (mounted.thumbnailer ? mounted.thumbnailer->status_lines() : "") +
                 (mounted.pin_keeper ? mounted.pin_keeper->status_lines() : "") +
                 (mounted.uploads.worker ? mounted.uploads.worker->status_lines() : "") +
                 "cache_user=" + mounted.nsid + "\n";
        });
    if (mounted.uploads.area) {
      mounted.uploads.area->set_change_listener([&invalidator](model::Ino dir) {
        invalidator.push({{model::Invalidation::Type::inode, dir, {}}});
      });
      mounted.uploads.worker->start();
    }
    mounted.catalog->start();
    auto ran = mounted.session->run();
    service::notify_stopping();
    mounted.stopping = true;
    if (mounted.pin_keeper) mounted.pin_keeper->stop();
    if (mounted.prefetcher) mounted.prefetcher->stop();
    if (mounted.thumbnailer) mounted.thumbnailer->stop();
    if (mounted.uploads.worker) mounted.uploads.worker->stop();
    if (mounted.uploads.area) mounted.uploads.area->set_change_listener(nullptr);
    mounted.catalog->stop();
    mounted.catalog->set_change_listener(nullptr);
    if (!ran.ok()) log::error("%s", ran.error().describe().c_str());
  }
  remove_record(config.mountpoint);
  log::info("unmounted %s", config.mountpoint.c_str());
  return cli::kExitOk;
}

}  // namespace

int run_mount(MountConfig config) {
  if (config.help) {
    std::fputs(mount_usage().c_str(), stdout);
    return cli::kExitOk;
  }
  char resolved[PATH_MAX];
  if (::realpath(config.mountpoint.c_str(), resolved) == nullptr) {
    std::fprintf(stderr, "flickrfs: mountpoint %s does not exist\n", config.mountpoint.c_str());
    return cli::kExitUsage;
  }
  config.mountpoint = resolved;
  config.global.cache_dir = absolute(config.global.cache_dir);
  config.global.config = absolute(config.global.config);
  config.global.log_file = absolute(config.global.log_file);
  config.global.ca_file = absolute(config.global.ca_file);
  configure_log(config);
  memory_policy::tune_malloc();  // before any thread starts
  DaemonLink link = config.foreground ? DaemonLink() : DaemonLink::fork_daemon();
  Mounted mounted;
  Failure failure;
  auto prepared = prepare(config, mounted, failure);
  if (!prepared.ok()) {
    if (failure.message.empty()) failure = fail(prepared.error(), "cannot mount");
    link.report_failure(failure.exit_code, failure.message);
    service::notify_failed(failure.message);
    return failure.exit_code;
  }
  return serve(config, mounted, link);
}

}  // namespace flickrfs::fs
