// Size ladder of a photo (see sizes.hpp).
#include "sizes.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "util.hpp"

namespace flickrfs::emulator {

namespace {

struct Rung {
  const char* label;
  const char* extra;
  const char* suffix;
  int edge;
  bool square;
};

// DOC-URLS ladder (flickr-api.md section 7); h and k carry their own secrets.
constexpr std::array<Rung, 12> kLadder = {{
    {"Square", "sq", "s", 75, true},
    {"Large Square", "q", "q", 150, true},
    {"Thumbnail", "t", "t", 100, false},
    {"Small", "s", "m", 240, false},
    {"Small 320", "n", "n", 320, false},
    {"Small 400", "w", "w", 400, false},
    {"Medium", "m", "", 500, false},
    {"Medium 640", "z", "z", 640, false},
    {"Medium 800", "c", "c", 800, false},
    {"Large", "l", "b", 1024, false},
    {"Large 1600", "h", "h", 1600, false},
    {"Large 2048", "k", "k", 2048, false},
}};

std::string file_path(const Photo& p, const std::string& secret, const std::string& suffix,
                      const std::string& ext) {
  return "/static/" + p.server + "/" + p.id + "_" + secret + (suffix.empty() ? "" : "_" + suffix) +
         "." + ext;
}

int scaled_bytes(const Photo& p, int width, int height) {
  const double area = static_cast<double>(width) * height;
  const double full = static_cast<double>(p.o_width) * p.o_height;
  const int extra = p.generation * 997;  // a replaced photo has a different size
  // Smaller renditions compress worse per pixel, so bytes shrink slower than the area.
  return std::max(1200, static_cast<int>(p.target_bytes * std::pow(area / full, 0.8)) + extra);
}

}  // namespace

std::vector<SizeSpec> sizes_for(const Photo& p) {
  std::vector<SizeSpec> out;
  const int long_edge = std::max(p.o_width, p.o_height);
  for (const auto& rung : kLadder) {
    if (!rung.square && long_edge < rung.edge) break;
    SizeSpec s;
    s.label = rung.label;
    s.extra = rung.extra;
    s.suffix = rung.suffix;
    s.page_letter = rung.extra;
    if (rung.square) {
      s.width = s.height = std::min(rung.edge, std::min(p.o_width, p.o_height));
    } else {
      const double scale = static_cast<double>(rung.edge) / long_edge;
      s.width = std::max(1, static_cast<int>(std::lround(p.o_width * scale)));
      s.height = std::max(1, static_cast<int>(std::lround(p.o_height * scale)));
    }
    s.secret = s.suffix == "h" ? p.secret_h : s.suffix == "k" ? p.secret_k : p.secret;
    s.format = "jpg";
    s.path = file_path(p, s.secret, s.suffix, s.format);
    s.target_bytes = scaled_bytes(p, s.width, s.height);
    out.push_back(std::move(s));
  }
  if (p.original_allowed) {
    SizeSpec o;
    o.label = "Original";
    o.extra = "o";
    o.suffix = "o";
    o.page_letter = "o";
    o.width = p.o_width;
    o.height = p.o_height;
    o.secret = p.original_secret;
    o.format = p.original_format;
    o.path = file_path(p, o.secret, "o", o.format);
    o.target_bytes = scaled_bytes(p, o.width, o.height);
    out.push_back(std::move(o));
  }
  if (p.is_video) {
    const std::array<std::pair<const char*, int>, 2> streams = {{{"Site MP4", 360}, {"720p", 720}}};
    for (const auto& [label, height] : streams) {
      if (height > p.o_height) continue;
      SizeSpec v;
      v.label = label;
      v.video = true;
      v.height = height;
      v.width = p.o_width * height / p.o_height;
      v.secret = p.secret;
      v.format = "mp4";
      const std::string name = height == 360 ? "site" : "720p";
      v.page_letter = name;
      v.path = "/static/video/" + p.id + "/" + p.secret + "/" + name + ".mp4";
      v.target_bytes = p.video_duration * height * 60;
      out.push_back(std::move(v));
    }
  }
  return out;
}

std::optional<SizeSpec> size_for_path(const Photo& photo, const std::string& path) {
  for (auto& s : sizes_for(photo)) {
    if (s.path == path) return s;
  }
  return std::nullopt;
}

std::uint64_t image_seed(std::uint64_t world_seed, const Photo& photo, const SizeSpec& size) {
  std::uint64_t label_hash = 1469598103934665603ULL;
  for (char c : size.label)
    label_hash = (label_hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return hash_of(world_seed, photo.index, static_cast<std::uint64_t>(photo.generation), label_hash);
}

}  // namespace flickrfs::emulator
