// flickrfs mirror SRC DEST: see commands.hpp and DESIGN section 5. Parses the options,
// picks the source, installs the SIGINT/SIGTERM flag and maps the outcome to an exit code.
//
// SRC forms:
//   flickr:[SUBTREE]     the account of --user through --api-url (no mount needed), e.g.
//                        flickr:  flickr:sets/<album dir>  flickr:photostream/page-0002
//   a path in a flickrfs mount (type fuse.flickrfs): the same, with SUBTREE taken from the
//                        path; listings come from the API, never from walking FUSE
//   any other directory  copied like `rsync -a SRC/ DEST/`
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <initializer_list>

#include "cache/cache_dir.hpp"
#include "fs/cli/cache_target.hpp"
#include "fs/cli/client_setup.hpp"
#include "fs/cli/commands.hpp"
#include "fs/cli/exit_code.hpp"
#include "fs/cli/options.hpp"
#include "fs/cli/running_mount.hpp"
#include "fs/mirror/cache_fetcher.hpp"
#include "fs/mirror/flickr_listing.hpp"
#include "fs/mirror/flickr_tree.hpp"
#include "fs/mirror/http_fetcher.hpp"
#include "fs/mirror/local_source.hpp"
#include "fs/mirror/mirror.hpp"
#include "fs/mirror/mount_detect.hpp"
#include "fs/model/media_choice.hpp"
#include "fs/status_file.hpp"

namespace flickrfs::cli {

namespace {

std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

extern "C" void on_interrupt(int /*signal*/) {
  g_interrupted.store(true);
}

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

struct MirrorArgs {
  GlobalOptions global;
  std::string src;
  std::string dest;
  mirror::MirrorOptions run;
  std::string sizes = "best";
  bool exif = false;             // --exif: <stem>.exif.json files, as `mount --exif` shows
  std::optional<bool> progress;  // --progress / --no-progress; default: on a terminal
};

Result<std::size_t> parse_count(std::string_view name, std::string_view text, std::size_t min) {
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min) {
    return make_error(Errc::invalid_argument, std::string(name) +
                                                  " needs a number >= " + std::to_string(min) +
                                                  ", got '" + std::string(text) + "'");
  }
  return value;
}

// `text` as the value of the choice whose word it is (an option that takes one of a few
// words, e.g. "--only takes images or metadata").
template <class T>
Result<T> parse_choice(std::string_view name, std::string_view text,
                       std::initializer_list<std::pair<std::string_view, T>> choices) {
  std::string words;
  std::size_t i = 0;
  for (const auto& [word, value] : choices) {
    if (text == word) return value;
    words += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + std::string(word);
    ++i;
  }
  return make_error(Errc::invalid_argument, std::string(name) + " takes " + words);
}

// Consumes one mirror option at the cursor; false when the argument is not one.
Result<bool> parse_mirror_option(ArgCursor& cursor, MirrorArgs& out) {
  auto& plan = out.run.plan;
  if (cursor.flag("--delete")) return plan.delete_extraneous = true;
  if (cursor.flag("--dry-run") || cursor.flag("-n")) return out.run.dry_run = true;
  if (cursor.flag("--checksum") || cursor.flag("-c")) return plan.checksum = true;
  if (cursor.flag("--exif")) return out.exif = true;
  if (cursor.flag("--progress")) return (out.progress = true).value();
  if (cursor.flag("--no-progress")) return !(out.progress = false).value();
  FLICKRFS_TRY(auto jobs, cursor.value_of("--jobs"));
  if (jobs) {
    FLICKRFS_TRY(auto n, parse_count("--jobs", *jobs, 1));
    out.run.exec.jobs = static_cast<unsigned>(std::min<std::size_t>(n, 256));
    return true;
  }
  FLICKRFS_TRY(auto max_errors, cursor.value_of("--max-errors"));
  if (max_errors) {
    FLICKRFS_TRY(out.run.exec.max_errors, parse_count("--max-errors", *max_errors, 0));
    return true;
  }
  FLICKRFS_TRY(auto only, cursor.value_of("--only"));
  if (only) {
    FLICKRFS_TRY(plan.only,
                 parse_choice<mirror::OnlyFilter>("--only", *only,
                                                  {{"images", mirror::OnlyFilter::images},
                                                   {"metadata", mirror::OnlyFilter::metadata}}));
    return true;
  }
  FLICKRFS_TRY(auto order, cursor.value_of("--order"));
  if (order) {
    FLICKRFS_TRY(plan.order, parse_choice<mirror::Order>("--order", *order,
                                                         {{"oldest", mirror::Order::oldest},
                                                          {"newest", mirror::Order::newest}}));
    return true;
  }
  FLICKRFS_TRY(auto sizes, cursor.value_of("--sizes"));
  if (sizes) {
    out.sizes = *sizes;
    return true;
  }
  return false;
}

Result<MirrorArgs> parse_args(Args args) {
  MirrorArgs out;
  ArgCursor cursor(args);
  std::vector<std::string> positional;
  while (!cursor.done()) {
    FLICKRFS_TRY(const bool global, parse_global_option(cursor, out.global));
    if (global) continue;
    FLICKRFS_TRY(const bool mine, parse_mirror_option(cursor, out));
    if (mine) continue;
    const std::string_view arg = cursor.next();
    if (arg.size() > 1 && arg.front() == '-') {
      return make_error(Errc::invalid_argument,
                        "mirror: unknown option '" + std::string(arg) + "' (try flickrfs --help)");
    }
    positional.emplace_back(arg);
  }
  if (positional.size() != 2) {
    return make_error(Errc::invalid_argument, "usage: flickrfs mirror SRC DEST [options]");
  }
  (void)adopt_running_mount(out.global, positional[0]);
  apply_environment_defaults(out.global);
  out.src = positional[0];
  out.dest = positional[1];
  while (out.dest.size() > 1 && out.dest.back() == '/')
    out.dest.pop_back();
  out.run.dest = out.dest;
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  out.run.exec.terminal = terminal;
  out.run.exec.progress = out.progress.value_or(terminal);
  return out;
}

int exit_code_of(const mirror::MirrorOutcome& outcome, const std::string& dest) {
  if (!outcome.message.empty()) {
    std::fprintf(stderr, "flickrfs mirror: %s\n", outcome.message.c_str());
  }
  switch (outcome.status) {
    case mirror::MirrorStatus::ok:
      return kExitOk;
    case mirror::MirrorStatus::partial:
      std::fprintf(stderr,
                   "flickrfs mirror: some items failed; see %s/.flickrfs-mirror/failed.txt\n",
                   dest.c_str());
      return kExitPartial;
    case mirror::MirrorStatus::interrupted:
      std::fputs("flickrfs mirror: interrupted; rerun to resume\n", stderr);
      return kExitInterrupted;
    case mirror::MirrorStatus::no_space:
    case mirror::MirrorStatus::error:
      return kExitUsage;
  }
  return kExitUsage;
}

int fail(const Error& error) {
  print_error("mirror", error);
  return exit_code_for(error);
}

bool same_directory(const std::string& a, const std::string& b) {
  struct stat sa {};
  struct stat sb {};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

// The user of the mount at `mount_point` when its status file lies under `cache_root`, i.e.
// when the mount uses the cache this command resolves; nullopt otherwise.
std::optional<std::string> mount_user(const std::string& cache_root,
                                      const std::string& mount_point) {
  for (auto& [path, fields] : fs::read_status_files(cache_root)) {
    const std::string& point = fields["mountpoint"];
    if (point == mount_point || same_directory(point, mount_point)) return fields["user"];
  }
  return std::nullopt;
}

// SRC on a mount: its cache serves the images it already holds and the sizes it knows.
// Any reason not to use it only costs downloads, so it is reported with -v, never fatal.
std::unique_ptr<mirror::CacheFetcher> open_mount_cache(const MirrorArgs& options,
                                                       const std::string& mount_point,
                                                       const api::Credentials& credentials,
                                                       mirror::Fetcher& fallback) {
  const auto say = [&](const std::string& why) {
    if (options.global.verbosity > 0) {
      std::fprintf(stderr, "flickrfs mirror: not using the mount's cache: %s\n", why.c_str());
    }
  };
  auto root = cache::resolve_cache_dir(options.global.cache_dir);
  if (!root) {
    say(root.error().message);
    return nullptr;
  }
  const auto user = mount_user(*root, mount_point);
  if (!user) {
    say("no status of " + mount_point + " under " + *root + " (another --cache-dir?)");
    return nullptr;
  }
  std::string nsid = *user;
  if (nsid.find('@') == std::string::npos) nsid = credentials.user_nsid;
  if (nsid.empty()) {
    auto cached = resolve_cached_user(*root, "me");
    if (!cached) {
      say(cached.error().message);
      return nullptr;
    }
    nsid = *cached;
  }
  auto opened = mirror::CacheFetcher::open(*root, nsid, fallback);
  if (!opened) {
    say(opened.error().message);
    return nullptr;
  }
  return std::move(opened).value();
}

int mirror_plain_directory(const MirrorArgs& options) {
  auto tree = mirror::scan_local_tree(options.src);
  if (!tree) return fail(tree.error());
  mirror::LocalFetcher fetcher;
  return exit_code_of(mirror::run_mirror(*tree, fetcher, options.run, g_interrupted), options.dest);
}

// The account through the API: listing calls only, then parallel downloads.
// The progress output says when the run waits for Flickr's call budget (DESIGN section 3a),
// at most every 5 s: "flickrfs mirror: waiting for Flickr's call budget: 3600 of 3600 calls
// used in the last 3600 s; next call in 41 s".
void say_when_waiting_for_budget(api::FlickrClient& client, bool terminal) {
  auto last = std::make_shared<std::atomic<std::int64_t>>(0);
  client.rate_limiter().set_budget_wait_listener([&client, last, terminal](api::Clock::duration) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::steady_clock::now().time_since_epoch())
                         .count();
    std::int64_t before = last->load();
    if (now - before < 5 || !last->compare_exchange_strong(before, now)) return;
    std::fprintf(stderr, "%sflickrfs mirror: waiting for Flickr's call budget: %s\n",
                 terminal ? "\r\033[K" : "", api::describe(client.budget_state()).c_str());
    std::fflush(stderr);
  });
}

// `mount_point`: SRC's flickrfs mount, whose cache is used; empty for flickr:.
int mirror_flickr(const MirrorArgs& options, std::string subtree, const std::string& mount_point) {
  if (options.global.offline) {
    return fail(make_error(Errc::invalid_argument, "mirror needs the network; drop --offline"));
  }
  while (!subtree.empty() && subtree.back() == '/')
    subtree.pop_back();
  auto sizes = model::parse_sizes_list(options.sizes);
  if (!sizes) return fail(sizes.error());
  const auto started = std::chrono::steady_clock::now();
  auto client_opts = client_options(options.global);
  if (!client_opts) return fail(client_opts.error());
  // A mirror is a batch job: when the key's budget is spent (by this run or another flickrfs
  // process) it waits for the window to free up, up to a whole window, instead of failing.
  client_opts->rate_limit_max_wait = std::chrono::hours(1) + std::chrono::minutes(1);
  client_opts->cancel = &g_interrupted;
  const api::Credentials credentials = client_opts->credentials;
  api::FlickrClient client(std::move(client_opts).value());
  if (options.run.exec.progress) say_when_waiting_for_budget(client, options.run.exec.terminal);
  mirror::ListingOptions listing;
  listing.user = options.global.user;
  listing.jobs = options.run.exec.jobs;
  listing.comments = options.run.plan.only != mirror::OnlyFilter::images;
  auto comment_cache = mirror::load_comment_cache(options.dest);
  listing.comment_cache = &comment_cache;
  auto video_sizes = mirror::load_video_size_cache(options.dest);
  listing.video_sizes = &video_sizes;
  // exif.json is metadata: --only images skips it like the sidecars.
  listing.exif = options.exif && options.run.plan.only != mirror::OnlyFilter::images;
  auto exif_cache = mirror::load_exif_cache(options.dest);
  listing.exif_cache = &exif_cache;
  mirror::HttpFetcher http(client);
  std::unique_ptr<mirror::CacheFetcher> cached;
  if (!mount_point.empty()) cached = open_mount_cache(options, mount_point, credentials, http);
  if (cached) {
    listing.mount_comments = [&cached](const api::Photo& photo) {
      return cached->comments_of(photo);
    };
    listing.mount_exif = [&cached](const api::Photo& photo) { return cached->exif_of(photo); };
  }
  auto catalog = mirror::list_flickr_catalog(client, listing, g_interrupted);
  if (!catalog) return fail(catalog.error());

  if (options.global.verbosity > 0) {
    std::fprintf(stderr,
                 "flickrfs mirror: listed %zu photos, %zu albums: %zu listing pages, %zu comment "
                 "calls (%zu from the last run, %zu from the mount's cache)\n",
                 catalog->photos.size(), catalog->albums.size(), catalog->listing_calls,
                 catalog->comment_calls, catalog->comments_from_cache,
                 catalog->comments_from_mount);
    if (listing.exif) {
      std::fprintf(stderr,
                   "flickrfs mirror: %zu getExif calls (%zu from the last run, %zu from the "
                   "mount's cache)\n",
                   catalog->exif_calls, catalog->exif_from_cache, catalog->exif_from_mount);
    }
  }
  mirror::FlickrTreeOptions tree_options{std::move(sizes).value(), subtree, listing.exif};
  auto tree = mirror::desired_tree_from_catalog(std::move(catalog).value(), tree_options);
  if (!tree) return fail(tree.error());
  mirror::Fetcher* fetcher = &http;
  if (cached) {
    const std::size_t known = cached->fill_known_sizes(*tree);
    fetcher = cached.get();
    if (options.global.verbosity > 0) {
      std::fprintf(stderr, "flickrfs mirror: the mount's cache knows %zu image sizes\n", known);
    }
  }
  mirror::MirrorOptions run = options.run;
  run.started = started;
  const auto outcome = mirror::run_mirror(*tree, *fetcher, run, g_interrupted);
  if (cached && options.global.verbosity > 0) {
    std::fprintf(stderr,
                 "flickrfs mirror: %zu images copied from the mount's cache, %zu cached copies "
                 "rejected (size or sha256) and downloaded\n",
                 cached->copied_from_cache(), cached->rejected_blobs());
  }
  // Saved after the run (which creates DEST); losing it only costs comment calls next time.
  if (!options.run.dry_run && listing.comments && outcome.status != mirror::MirrorStatus::error) {
    (void)mirror::save_comment_cache(options.dest, comment_cache);
  }
  if (!options.run.dry_run && outcome.status != mirror::MirrorStatus::error) {
    (void)mirror::save_video_size_cache(options.dest, video_sizes);
  }
  if (!options.run.dry_run && listing.exif && outcome.status != mirror::MirrorStatus::error) {
    (void)mirror::save_exif_cache(options.dest, exif_cache);
  }
  return exit_code_of(outcome, options.dest);
}

}  // namespace

constexpr const char* kMirrorUsage =
    "usage: flickrfs mirror SRC DEST [options]\n"
    "  SRC is a path in a flickrfs mount, flickr: (the account, without a mount), or any\n"
    "  directory; DEST gets the same tree, written atomically, resumable, incremental.\n"
    "  --jobs N               parallel downloads\n"
    "  --delete               remove local photos gone from Flickr (not on an incomplete list)\n"
    "  -n, --dry-run          show what would be done\n"
    "  -c, --checksum         compare contents, not only sizes and times\n"
    "  --sizes LIST           sizes to copy, as for the mount (default best)\n"
    "  --exif                 also write <stem>.exif.json, as mount --exif shows it\n"
    "  --only images|metadata copy only the images, or only sidecars and album files\n"
    "  --order oldest|newest  which photos come first\n"
    "  --progress, --no-progress  a progress line (default on a terminal)\n"
    "  --max-errors N         stop after N failed items\n"
    "  (plus the options of every command: see flickrfs --help)\n";

int cmd_mirror(Args args) {
  if (!args.empty() && (args.front() == "--help" || args.front() == "-h")) {
    std::fputs(kMirrorUsage, stdout);
    return kExitOk;
  }
  auto parsed = parse_args(args);
  if (!parsed) {
    std::fprintf(stderr, "flickrfs: %s\n", parsed.error().message.c_str());
    return kExitUsage;
  }
  MirrorArgs& options = *parsed;
  install_interrupt_handler();
  constexpr std::string_view kFlickrPrefix = "flickr:";
  if (options.src.rfind(kFlickrPrefix, 0) == 0) {
    return mirror_flickr(options, options.src.substr(kFlickrPrefix.size()), "");
  }
  auto mount = mirror::detect_flickrfs_mount(options.src);
  if (!mount) return fail(mount.error());
  if (*mount) return mirror_flickr(options, (*mount)->subtree, (*mount)->mount_point);
  return mirror_plain_directory(options);
}

}  // namespace flickrfs::cli
