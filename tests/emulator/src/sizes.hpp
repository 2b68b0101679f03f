#pragma once
// The size ladder of a photo, as Flickr's getSizes and url_* extras present it, including the
// suffix trap (url_s -> _m, url_m -> no suffix, url_l -> _b), per-size secrets (h, k and the
// original each have their own), originals only where permitted, and video streams.
//
// Thread contract: pure functions.

#include <optional>
#include <string>
#include <vector>

#include "world.hpp"

namespace flickrfs::emulator {

struct SizeSpec {
  std::string label;        // getSizes label: "Small", "Original", "Site MP4", ...
  std::string extra;        // url_* extra letter: "s" for url_s; empty for video streams
  std::string suffix;       // file-name suffix: "m" for Small; empty for Medium
  std::string page_letter;  // getSizes url /sizes/<letter>/
  int width = 0;
  int height = 0;
  std::string secret;
  std::string format;  // jpg, png, gif, mp4
  bool video = false;
  // URL path below the server base: /static/<server>/<id>_<secret>[_<suffix>].<ext>
  std::string path;
  int target_bytes = 0;
};

// Every size the photo has (originals included only if permitted), smallest first.
std::vector<SizeSpec> sizes_for(const Photo& photo);
// The size a /static path names, if the photo serves it.
std::optional<SizeSpec> size_for_path(const Photo& photo, const std::string& path);

// Deterministic seed of a size's bytes: changes when the photo is replaced.
std::uint64_t image_seed(std::uint64_t world_seed, const Photo& photo, const SizeSpec& size);

}  // namespace flickrfs::emulator
