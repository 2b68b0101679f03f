#pragma once
// Decoding a Flickr rendition and encoding a freedesktop thumbnail, with libjpeg-turbo and
// libpng (why these: docs/thumbnails.md). Flickr serves every rendition below the original
// as a baseline or progressive JPEG, so JPEG is the one input format; PNG is the one output.
//
// Thread contract: pure functions over their arguments; safe from any thread (libjpeg and
// libpng keep all state in per-call structs; errors come back through setjmp in this file).

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "fs/thumbnail/freedesktop.hpp"

namespace flickrfs::fs::thumbnail {

// 8-bit RGB, rows top to bottom, no padding.
struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;  // width * height * 3
};

// Decodes a JPEG, letting libjpeg scale by 1/2, 1/4 or 1/8 while decoding as long as the
// longer side stays at least `min_longer_side` (0: full size). Errc::bad_response for bytes
// that are not a JPEG it can decode.
[[nodiscard]] Result<Image> decode_jpeg(std::string_view bytes, int min_longer_side = 0);

// Scales down (box filter: every source pixel counts once) so that the longer side is at
// most `max_side`, keeping the aspect ratio; an image already that small is returned as is
// (a thumbnail is never scaled up). Each side stays at least 1 pixel.
[[nodiscard]] Image fit_within(const Image& image, int max_side);

// PNG bytes of `image` with the tEXt chunks Thumb::URI, Thumb::MTime, Thumb::Size (when
// known), Thumb::Mimetype and Software.
[[nodiscard]] Result<std::string> encode_thumbnail_png(const Image& image, const ThumbMeta& meta);

// The tEXt chunks of a PNG (key -> text) and its size; Errc::bad_response if it is not a
// PNG. Used to tell whether a thumbnail already in the cache is valid.
struct PngInfo {
  int width = 0;
  int height = 0;
  std::map<std::string, std::string> text;
};
[[nodiscard]] Result<PngInfo> read_png_info(std::string_view bytes);

// The whole job for one picture: decode the rendition, fit it in the flavor's size, encode.
[[nodiscard]] Result<std::string> make_thumbnail(std::string_view jpeg, Flavor flavor,
                                                 const ThumbMeta& meta);

}  // namespace flickrfs::fs::thumbnail
