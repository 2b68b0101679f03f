#pragma once
// The freedesktop.org Thumbnail Managing Standard, as the file managers on this machine
// read it (checked by running them; README "Thumbnails"):
// - per-user cache $XDG_CACHE_HOME/thumbnails/<flavor>/<md5 of the URI>.png, flavors
//   normal (128 px), large (256), x-large (512), xx-large (1024);
// - the URI is the one GLib's g_file_get_uri() gives (Thunar, tumbler and libfm all use it):
//   "file://" + the absolute path, every byte outside GLib's path-safe set percent-encoded
//   with upper-case hex (space -> %20, '#' -> %23, 'é' -> %C3%A9; "!$&'()*+,-.:=@_~/" kept);
// - an album symlink is keyed by its own URI (not its target's), and its Thumb::MTime is
//   the target's mtime (what tumbler writes for a link);
// - the smallest Flickr rendition whose longer side reaches the flavor's size is enough;
//   square crops (Square, Large Square) are never used: a thumbnail keeps the aspect ratio.
//
// Thread contract: pure functions; safe from any thread.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/types.hpp"
#include "base/result.hpp"

namespace flickrfs::fs::thumbnail {

enum class Flavor : std::uint8_t { normal, large, x_large, xx_large };

inline constexpr Flavor kAllFlavors[] = {Flavor::normal, Flavor::large, Flavor::x_large,
                                         Flavor::xx_large};

// 128, 256, 512, 1024: the longer side of a thumbnail of this flavor.
[[nodiscard]] int flavor_pixels(Flavor flavor) noexcept;
// "normal", "large", "x-large", "xx-large": the flavor's directory name.
[[nodiscard]] std::string_view flavor_name(Flavor flavor) noexcept;
// Parses "normal,large" (names as above, no duplicates kept); Errc::invalid_argument names
// the bad entry.
[[nodiscard]] Result<std::vector<Flavor>> parse_flavors(std::string_view list);

// "file:///abs/path" with GLib's escaping (see above). `path` must be absolute.
[[nodiscard]] std::string file_uri(std::string_view absolute_path);
// Lower-case hex MD5 of `uri` + ".png": the thumbnail's file name.
[[nodiscard]] std::string thumbnail_name(std::string_view uri);
// $XDG_CACHE_HOME/thumbnails, else $HOME/.cache/thumbnails; empty when neither is set
// (or set to a relative path, which the spec says to ignore).
[[nodiscard]] std::string user_thumbnail_root(const char* xdg_cache_home, const char* home);

// The rendition to build a `flavor` thumbnail from: the smallest photo-media size (a video's
// poster renditions included, its streams never) whose longer side is at least the flavor's
// size; when none is that large, the largest there is. Square crops are skipped, and so is
// the original unless it is the only size. nullptr when the photo lists no usable size.
[[nodiscard]] const api::Size* choose_rendition(std::span<const api::Size> sizes, Flavor flavor);

// What a thumbnail says about its source (tEXt chunks).
struct ThumbMeta {
  std::string uri;                    // Thumb::URI
  std::int64_t mtime = 0;             // Thumb::MTime: the file's st_mtime, integer seconds
  std::optional<std::uint64_t> size;  // Thumb::Size: the file's st_size, when known
  std::string mimetype;               // Thumb::Mimetype, e.g. "image/jpeg"
};

// The MIME type a file manager guesses from the name's extension ("jpg" -> "image/jpeg").
[[nodiscard]] std::string mimetype_for_extension(std::string_view ext);

}  // namespace flickrfs::fs::thumbnail
