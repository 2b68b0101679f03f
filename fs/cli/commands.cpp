// The command table and the top-level usage text.
#include "fs/cli/commands.hpp"

namespace flickrfs::cli {

namespace {

constexpr Command kCommands[] = {
    {"mount", cmd_mount, "mount MOUNTPOINT [options]      mount; daemonizes unless -f", true},
    {"auth", cmd_auth, "auth [--perms read|write|delete] OAuth out-of-band flow; stores the token"},
    {"mirror", cmd_mirror, "mirror SRC DEST [options]       full, incremental offline copy", true},
    {"cache", cmd_cache, "cache stats|verify|clear|pin PATH|unpin PATH", true},
    {"status", cmd_status, "status [MOUNTPOINT]             online/offline, calls left, cache use"},
    {"call", cmd_call, "call METHOD [name=value ...] [--post] one signed API call, prints JSON"},
    {"upload", cmd_upload, "upload FILE... [--public|--private] [--title T]  resumable upload"},
    {"replace", cmd_replace, "replace PHOTO_ID FILE           replace a photo's file"},
};

}  // namespace

std::span<const Command> commands() {
  return kCommands;
}

std::string usage_text() {
  std::string text =
      "usage: flickrfs MOUNTPOINT [options]           same as `flickrfs mount MOUNTPOINT`\n";
  for (const auto& command : kCommands) {
    text += "       flickrfs ";
    text += command.synopsis;
    text += '\n';
  }
  text +=
      "       flickrfs --help | --version\n"
      "\n"
      "options for every command:\n"
      "  --api-url URL      Flickr base URL (env FLICKRFS_API_URL, default "
      "https://api.flickr.com)\n"
      "  --cache-dir DIR    cache directory (env FLICKRFS_CACHE_DIR, default "
      "$XDG_CACHE_HOME/flickrfs)\n"
      "  --config FILE      credentials file (env FLICKRFS_CONFIG, default "
      "$XDG_CONFIG_HOME/flickrfs/config)\n"
      "  --user NSID|NAME|me  whose photos (default me; others show public photos only)\n"
      "  --offline          serve only what is cached; make no network call\n"
      "  --ca-file FILE     extra CA certificate; TLS is always verified\n"
      "  -v, --log-file FILE  more logging (never secrets)\n"
      "\n"
      "credentials: FLICKRFS_API_KEY, FLICKRFS_API_SECRET, FLICKRFS_OAUTH_TOKEN,\n"
      "FLICKRFS_OAUTH_TOKEN_SECRET override the config file written by `flickrfs auth`.\n"
      "exit codes: 0 ok, 1 usage/config, 2 auth, 3 network and nothing cached, 23 partial,\n"
      "130 interrupted.\n";
  return text;
}

std::string command_usage_text(const Command& command) {
  std::string text = "usage: flickrfs ";
  text += command.synopsis;
  text += "\n  (plus the options of every command: see flickrfs --help)\n";
  return text;
}

}  // namespace flickrfs::cli
