// The EXIF a photo's camera wrote (see world.hpp): derived from the photo's id and dates, so
// every photo has its own values and the same ones on every run. Videos have none, about
// one photo in eight has no Make/Model (a scan, an edited export: camera ""), and an Artist
// tag sometimes carries text a renderer must escape.
#include <cstdio>

#include "util.hpp"
#include "world.hpp"

namespace flickrfs::emulator {

namespace {

struct Camera {
  const char* make;
  const char* model;
};

constexpr Camera kCameras[] = {
    {"Canon", "Canon EOS 5D Mark III"},
    {"NIKON CORPORATION", "NIKON D750"},
    {"FUJIFILM", "X-T3"},
    {"Apple", "iPhone 12 mini"},
    {"SONY", "ILCE-7M3"},
};

constexpr const char* kShutter[] = {"1/30", "1/60", "1/125", "1/250", "1/500", "1/1000"};
constexpr const char* kShutterClean[] = {
    "0.033 sec (1/30)",  "0.017 sec (1/60)",  "0.008 sec (1/125)",
    "0.004 sec (1/250)", "0.002 sec (1/500)", "0.001 sec (1/1000)",
};
constexpr const char* kAperture[] = {"1.8", "2.8", "4.0", "5.6", "8.0", "11.0"};
constexpr int kIso[] = {100, 200, 400, 800, 1600, 3200};
constexpr int kFocal[] = {24, 35, 50, 85, 135};

std::uint64_t id_hash(const Photo& p) {
  std::uint64_t h = 0x9e3779b97f4a7c15ULL;
  for (const char c : p.id)
    h = mix64(h ^ static_cast<std::uint8_t>(c));
  return h;
}

}  // namespace

ExifData exif_of(const Photo& p) {
  ExifData exif;
  if (p.is_video) return exif;
  const std::uint64_t h = id_hash(p);
  const auto add = [&](const char* space, const char* tag, const char* label, std::string raw,
                       std::string clean = {}) {
    exif.tags.push_back({space, 0, tag, label, std::move(raw), std::move(clean)});
  };
  const bool has_camera = pick(h, 8) != 0;
  if (has_camera) {
    const Camera& camera = kCameras[pick(h >> 4, std::size(kCameras))];
    exif.camera = camera.model;
    add("IFD0", "Make", "Make", camera.make);
    add("IFD0", "Model", "Model", camera.model);
  }
  if (pick(h >> 8, 6) == 0) add("IFD0", "Artist", "Artist", "Zo\xc3\xab \"Z\" O'Brien\t<z>");
  std::string taken = mysql_datetime(p.date_taken);  // "YYYY-MM-DD HH:MM:SS"
  if (taken.size() >= 10) taken[4] = taken[7] = ':';
  add("ExifIFD", "DateTimeOriginal", "Date and Time (Original)", taken);
  if (!has_camera) return exif;
  const std::size_t shutter = pick(h >> 12, std::size(kShutter));
  add("ExifIFD", "ExposureTime", "Exposure", kShutter[shutter], kShutterClean[shutter]);
  const char* aperture = kAperture[pick(h >> 16, std::size(kAperture))];
  add("ExifIFD", "FNumber", "Aperture", aperture, std::string("f/") + aperture);
  add("ExifIFD", "ISO", "ISO Speed", std::to_string(kIso[pick(h >> 20, std::size(kIso))]));
  const int focal = kFocal[pick(h >> 24, std::size(kFocal))];
  add("ExifIFD", "FocalLength", "Focal Length", std::to_string(focal) + ".0 mm",
      std::to_string(focal) + " mm");
  add("ExifIFD", "Flash", "Flash", pick(h >> 28, 3) == 0 ? "Fired" : "Off, Did not fire");
  return exif;
}

}  // namespace flickrfs::emulator
