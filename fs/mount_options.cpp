// See mount_options.hpp.
#include "fs/mount_options.hpp"

#include <array>
#include <charconv>

#include "fs/model/media_choice.hpp"

namespace flickrfs::fs {

namespace {

constexpr std::array<std::string_view, 22> kIgnoredMountOptions = {
    "rw",       "defaults", "nofail",  "_netdev",  "noauto", "auto",   "user",
    "users",    "nouser",   "dev",     "nodev",    "suid",   "nosuid", "exec",
    "noexec",   "atime",    "noatime", "relatime", "async",  "sync",   "default_permissions",
    "nonempty",
};

Result<std::uint64_t> parse_number(std::string_view text, std::string_view what) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return make_error(Errc::invalid_argument,
                      "invalid " + std::string(what) + " '" + std::string(text) + "'");
  }
  return value;
}

// One "--name value" or "-o name=value" setting of the mount command itself.
Result<bool> apply_setting(MountConfig& config, std::string_view name, std::string_view value) {
  if (name == "sizes") {
    FLICKRFS_TRY(config.sizes, model::parse_sizes_list(value));
  } else if (name == "dir-cache-time") {
    FLICKRFS_TRY(config.dir_cache_time, parse_duration(value));
  } else if (name == "poll-interval") {
    FLICKRFS_TRY(config.poll_interval, parse_duration(value));
  } else if (name == "cache-size") {
    FLICKRFS_TRY(config.cache_size, parse_byte_size(value));
  } else if (name == "jobs") {
    FLICKRFS_TRY(const auto jobs, parse_number(value, "--jobs"));
    if (jobs == 0 || jobs > 64) return make_error(Errc::invalid_argument, "--jobs must be 1..64");
    config.jobs = static_cast<unsigned>(jobs);
  } else if (name == "thumbnail-sizes") {
    FLICKRFS_TRY(config.thumbnail_sizes, thumbnail::parse_flavors(value));
  } else if (name == "prefetch") {
    FLICKRFS_TRY(const auto window, parse_number(value, "--prefetch"));
    if (window > 1024) return make_error(Errc::invalid_argument, "--prefetch must be 0..1024");
    config.prefetch = static_cast<std::size_t>(window);
  } else if (name == "api-url") {
    config.global.api_url = value;
  } else if (name == "cache-dir") {
    config.global.cache_dir = value;
  } else if (name == "config") {
    config.global.config = value;
  } else if (name == "user") {
    config.global.user = value;
  } else if (name == "ca-file") {
    config.global.ca_file = value;
  } else if (name == "log-file") {
    config.global.log_file = value;
  } else {
    return false;
  }
  return true;
}

bool is_ignored(std::string_view option) {
  for (const auto ignored : kIgnoredMountOptions) {
    if (option == ignored) return true;
  }
  return option.starts_with("x-") || option.starts_with("comment=") ||
         option.starts_with("fsname=") || option.starts_with("subtype=");
}

Result<void> apply_o_list(MountConfig& config, std::string_view list) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (item.empty() || item == "ro" || is_ignored(item)) continue;
    if (item == "allow_other") {
      config.allow_other = true;
    } else if (item == "offline") {
      config.global.offline = true;
    } else if (item == "no_prefetch" || item == "no-prefetch") {
      config.prefetch = 0;
    } else if (item == "no_thumbnails" || item == "no-thumbnails") {
      config.thumbnails = false;
    } else if (item == "writable") {
      config.writable = true;
    } else if (item == "exif") {
      config.exif = true;
    } else if (item == "allow_delete" || item == "allow-delete") {
      config.allow_delete = true;
    } else if (item == "foreground") {
      config.foreground = true;
    } else if (item == "debug") {
      config.debug = config.foreground = true;
    } else {
      const auto eq = item.find('=');
      std::string name(item.substr(0, eq));
      for (char& c : name) {
        if (c == '_') c = '-';
      }
      if (eq == std::string_view::npos) {
        return make_error(Errc::invalid_argument,
                          "unknown mount option '" + std::string(item) + "'");
      }
      FLICKRFS_TRY(const bool known, apply_setting(config, name, item.substr(eq + 1)));
      if (!known) {
        return make_error(Errc::invalid_argument,
                          "unknown mount option '" + std::string(item) + "'");
      }
    }
  }
  return success();
}

}  // namespace

Result<std::chrono::seconds> parse_duration(std::string_view text) {
  std::uint64_t unit = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = 60;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'd':
        unit = 86400;
        break;
      default:
        unit = 0;
        break;
    }
    if (unit != 0) text.remove_suffix(1);
    if (unit == 0) unit = 1;
  }
  FLICKRFS_TRY(const auto value, parse_number(text, "duration"));
  return std::chrono::seconds(static_cast<std::int64_t>(value * unit));
}

Result<std::uint64_t> parse_byte_size(std::string_view text) {
  for (const std::string_view suffix : {"iB", "B"}) {
    if (text.size() > suffix.size() + 1 && text.ends_with(suffix)) {
      text.remove_suffix(suffix.size());
      break;
    }
  }
  std::uint64_t unit = 1;
  if (!text.empty()) {
    const char last = text.back();
    const std::string_view units = "KMGT";
    const auto at = units.find(static_cast<char>(last >= 'a' ? last - 'a' + 'A' : last));
    if (at != std::string_view::npos) {
      unit = std::uint64_t{1} << (10 * (at + 1));
      text.remove_suffix(1);
    }
  }
  FLICKRFS_TRY(const auto value, parse_number(text, "size"));
  return value * unit;
}

Result<MountConfig> parse_mount_args(std::span<const std::string> args) {
  MountConfig config;
  std::vector<std::string> positionals;
  cli::ArgCursor cursor(args);
  while (!cursor.done()) {
    FLICKRFS_TRY(const bool global, cli::parse_global_option(cursor, config.global));
    if (global) continue;
    if (cursor.flag("-f") || cursor.flag("--foreground")) {
      config.foreground = true;
      continue;
    }
    if (cursor.flag("-d") || cursor.flag("--debug")) {
      config.debug = config.foreground = true;
      continue;
    }
    if (cursor.flag("--no-prefetch")) {
      config.prefetch = 0;
      continue;
    }
    if (cursor.flag("--no-thumbnails")) {
      config.thumbnails = false;
      continue;
    }
    if (cursor.flag("--writable")) {
      config.writable = true;
      continue;
    }
    if (cursor.flag("--exif")) {
      config.exif = true;
      continue;
    }
    if (cursor.flag("--allow-delete")) {
      config.allow_delete = true;
      continue;
    }
    if (cursor.flag("-h") || cursor.flag("--help")) {
      config.help = true;
      continue;
    }
    FLICKRFS_TRY(const auto o_list, cursor.value_of("-o"));
    if (o_list) {
      FLICKRFS_CHECK(apply_o_list(config, *o_list));
      continue;
    }
    const std::string_view arg = cursor.peek();
    if (arg.starts_with("-o") && arg.size() > 2) {  // "-oallow_other,ro"
      FLICKRFS_CHECK(apply_o_list(config, arg.substr(2)));
      cursor.next();
      continue;
    }
    bool consumed = false;
    for (const std::string_view name : {"sizes", "dir-cache-time", "poll-interval", "cache-size",
                                        "jobs", "prefetch", "thumbnail-sizes"}) {
      FLICKRFS_TRY(const auto value, cursor.value_of("--" + std::string(name)));
      if (!value) continue;
      FLICKRFS_TRY(consumed, apply_setting(config, name, *value));
      break;
    }
    if (consumed) continue;
    if (arg.starts_with("-") && arg.size() > 1) {
      return make_error(Errc::invalid_argument, "unknown option '" + std::string(arg) + "'");
    }
    positionals.emplace_back(cursor.next());
  }
  if (config.help) return config;
  if (positionals.size() == 2) {
    // mount.fuse3 form: SOURCE MOUNTPOINT. The source names the user unless generic.
    if (positionals[0] != "flickrfs" && positionals[0] != "none" && config.global.user == "me") {
      config.global.user = positionals[0];
    }
    positionals.erase(positionals.begin());
  }
  if (positionals.size() != 1) {
    return make_error(Errc::invalid_argument,
                      "expected one MOUNTPOINT (try flickrfs mount --help)");
  }
  config.mountpoint = positionals[0];
  if (config.allow_delete && !config.writable) {
    return make_error(Errc::invalid_argument,
                      "--allow-delete needs --writable (deleting is a write): add --writable");
  }
  if (config.writable && config.global.offline) {
    return make_error(Errc::invalid_argument,
                      "--writable needs Flickr (it checks the token's permissions): drop "
                      "--offline");
  }
  cli::apply_environment_defaults(config.global);
  return config;
}

std::string mount_usage() {
  return "usage: flickrfs [mount] MOUNTPOINT [options]\n"
         "       flickrfs SOURCE MOUNTPOINT -o OPTIONS       (mount.fuse3 / fstab form)\n"
         "  -f, --foreground        stay in the foreground (logs to stderr)\n"
         "  -d, --debug             also trace every FUSE request (implies -f)\n"
         "  -o allow_other          let other users see the mount (needs user_allow_other)\n"
         "  -o ro                   read-only (the default)\n"
         "  --writable              MOUNT/upload/: files copied there are uploaded, and\n"
         "                          copying over a photostream image replaces it (needs\n"
         "                          `flickrfs auth --perms write`)\n"
         "  --allow-delete          with --writable: rm in photostream/ deletes on Flickr\n"
         "                          (needs `flickrfs auth --perms delete`)\n"
         "  -o NAME=VALUE           any long option below, '_' for '-' (for fstab)\n"
         "  --sizes LIST            files per photo: best (default), plus e.g. large,thumb\n"
         "  --exif                  add <stem>.exif.json beside each sidecar (one getExif call\n"
         "                          per photo, when first read; kept forever)\n"
         "  --dir-cache-time D      re-check listings older than D (default 60s)\n"
         "  --poll-interval D       poll flickr.photos.recentlyUpdated every D (default 5m)\n"
         "  --cache-size SIZE       keep at most SIZE of image bytes (e.g. 10G; default "
         "unlimited)\n"
         "  --jobs N                parallel downloads (default 8)\n"
         "  --prefetch N            prefetch up to N photos ahead of cp/rsync/tar walks (default "
         "32)\n"
         "  --no-prefetch           no walk-ahead prefetch\n"
         "  --no-thumbnails         do not write desktop thumbnails from Flickr's small sizes\n"
         "  --thumbnail-sizes LIST  freedesktop sizes to write: normal,large (default), x-large,\n"
         "                          xx-large\n"
         "  (plus the options of every command: see flickrfs --help)\n"
         "unmount with: fusermount3 -u MOUNTPOINT (or SIGTERM / Ctrl-C with -f)\n";
}

}  // namespace flickrfs::fs
