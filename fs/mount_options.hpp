#pragma once
// Everything `flickrfs [mount] MOUNTPOINT` accepts, parsed into one MountConfig:
//   flickrfs MOUNTPOINT [options]                 (the usual form)
//   flickrfs SOURCE MOUNTPOINT -o opt,opt=value   (mount.fuse3 / fstab: "SOURCE MOUNTPOINT
//                                                  fuse.flickrfs opts 0 0"; SOURCE is the
//                                                  user: me, an NSID or a username, or
//                                                  "flickrfs" for the default)
// Options: the global ones (fs/cli/options.hpp), -f/--foreground, -d/--debug, -o LIST,
// --sizes LIST, --dir-cache-time DURATION, --poll-interval DURATION, --cache-size SIZE,
// --jobs N, --prefetch N, --no-prefetch, --exif, -o allow_other, -o ro. Every long option also
// works inside -o with '_' for
// '-' (cache_dir=..., dir_cache_time=30s), since fstab can pass nothing else. Generic mount
// options that mount(8) and mount.fuse3 pass along (rw, defaults, nofail, _netdev, noauto,
// dev, suid, x-systemd.* ...) are accepted and ignored; anything else is an error.
//
// Thread contract: pure functions; safe from any thread.

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "fs/cli/options.hpp"
#include "fs/thumbnail/freedesktop.hpp"

namespace flickrfs::fs {

struct MountConfig {
  cli::GlobalOptions global;
  std::string mountpoint;
  bool foreground = false;
  bool debug = false;
  bool allow_other = false;
  bool help = false;
  // --writable: MOUNT/upload/ takes new photos, and writing over a photostream image
  // replaces it; --allow-delete: rm in photostream/ deletes on Flickr (issue 23).
  bool writable = false;
  bool allow_delete = false;
  std::vector<std::string> sizes = {"best"};
  // --exif: <stem>.exif.json beside each sidecar, one flickr.photos.getExif per photo when
  // first read (issue 22).
  bool exif = false;
  std::chrono::seconds dir_cache_time{60};
  std::chrono::seconds poll_interval{300};
  std::uint64_t cache_size = 0;  // bytes; 0 = unlimited
  unsigned jobs = 8;
  std::size_t prefetch = 32;  // --prefetch N: walk-ahead window cap; 0 = --no-prefetch
  // Desktop thumbnails from Flickr's small renditions (fs/thumbnail/); --no-thumbnails
  // turns them off, --thumbnail-sizes picks the freedesktop sizes written.
  bool thumbnails = true;
  std::vector<thumbnail::Flavor> thumbnail_sizes = {thumbnail::Flavor::normal,
                                                    thumbnail::Flavor::large};
};

[[nodiscard]] Result<MountConfig> parse_mount_args(std::span<const std::string> args);

// "90", "90s", "5m", "2h", "1d" -> seconds.
[[nodiscard]] Result<std::chrono::seconds> parse_duration(std::string_view text);
// "1048576", "512K", "100M", "10G", "1T" (also "10GiB", "10GB": powers of 1024) -> bytes.
[[nodiscard]] Result<std::uint64_t> parse_byte_size(std::string_view text);

[[nodiscard]] std::string mount_usage();

}  // namespace flickrfs::fs
