#pragma once
// Deterministic, valid image and video bytes. JPEG: baseline grayscale whose every 8x8
// block is "DC diff 0 + EOB" (any size encodes cheaply and decodes to flat grey); PNG: 8-bit
// grey rows through zlib; GIF: 2-colour LZW; MP4: ISO-BMFF ftyp + mdat boxes. Each is padded
// with a comment/private segment of seeded bytes up to the target size, so sizes vary
// realistically around --image-kb while staying decodable.
//
// Thread contract: pure functions.

#include <cstdint>
#include <string>

namespace flickrfs::emulator {

struct ImageRequest {
  std::string format;  // jpg, png, gif, mp4
  int width = 1;
  int height = 1;
  int target_bytes = 0;
  std::uint64_t seed = 0;
};

std::string render_image(const ImageRequest& request);
std::string content_type_for_format(const std::string& format);

}  // namespace flickrfs::emulator
