// Text of the emulated world: titles (about 5 % hostile), descriptions, tags, machine tags,
// comments, album titles and geo. Pure functions of (seed, index).
#include <array>
#include <cstdio>

#include "util.hpp"
#include "world.hpp"

namespace flickrfs::emulator {

namespace {
enum Stream : std::uint64_t { kTitle = 101, kDescription, kTags, kMachine, kComments, kGeo };

constexpr std::array<const char*, 16> kAdjectives = {
    "Sunset", "Misty", "Golden", "Quiet",   "Winter", "Autumn", "Blue",   "Early",
    "Late",   "Old",   "Hidden", "Distant", "Summer", "Rainy",  "Bright", "Frozen"};
constexpr std::array<const char*, 16> kNouns = {
    "harbour",   "forest", "bridge",   "market", "lighthouse", "garden", "station", "valley",
    "cathedral", "river",  "mountain", "street", "beach",      "meadow", "castle",  "skyline"};
constexpr std::array<const char*, 12> kPlaces = {"Lisbon",  "Oslo",  "Kyoto",  "Porto",
                                                 "Tallinn", "Cusco", "Hanoi",  "Bergen",
                                                 "Ghent",   "Lyon",  "Zürich", "São Paulo"};

// Hostile titles: each breaks a naive path builder in its own way.
const std::array<std::string, 16>& hostile_titles() {
  static const std::array<std::string, 16> titles = {
      "a/b/c with slashes",
      "..",
      ".",
      "",
      std::string(40, 'L') + " very long title " + std::string(280, 'x'),
      "Beach day \xF0\x9F\x8C\x85\xF0\x9F\x8F\x96\xEF\xB8\x8F family \xF0\x9F\x91\xA8\xE2\x80"
      "\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7",
      "\xE2\x80\xAEgpj.exe",  // U+202E right-to-left override
      "tab\there\nnewline\x01"
      "control\x7f",
      "Duplicate title",
      "Duplicate title",
      "  leading and trailing spaces  ",
      "back\\slash: colon * star ? \"quote\" <lt> |pipe|",
      "Cafe\xCC\x81 decomposed vs Caf\xC3\xA9 composed",
      "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xD8\xB3\xD9\x84\xD8\xA7\xD9\x85",  // Hebrew, Arabic
      "CON",
      "trailing dot.",
  };
  return titles;
}
}  // namespace

std::string derive_title(std::uint64_t seed, std::uint32_t index) {
  const std::uint64_t h = hash_of(seed, index, kTitle);
  if (pick(h, 100) < 5) {
    const auto& titles = hostile_titles();
    return titles[pick(h >> 8, titles.size())];
  }
  std::string title = std::string(kAdjectives[pick(h >> 8, kAdjectives.size())]) + " " +
                      kNouns[pick(h >> 16, kNouns.size())];
  if (pick(h >> 24, 3) == 0) title += std::string(" in ") + kPlaces[pick(h >> 28, kPlaces.size())];
  if (pick(h >> 36, 4) == 0) title += " #" + std::to_string(pick(h >> 40, 50));
  return title;
}

std::string derive_description(std::uint64_t seed, std::uint32_t index) {
  const std::uint64_t h = hash_of(seed, index, kDescription);
  switch (pick(h, 5)) {
    case 0:
      return "";
    case 1:
      return "Shot handheld.\nSecond line with <b>markup</b> & an ampersand.";
    case 2:
      return std::string("Walking around ") + kPlaces[pick(h >> 8, kPlaces.size())] + ".";
    case 3:
      return "Unicode: \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x93\xB7 \"quotes\" / slash";
    default:
      return "A photo.";
  }
}

std::vector<std::string> derive_tags(std::uint64_t seed, std::uint32_t index) {
  const std::uint64_t h = hash_of(seed, index, kTags);
  std::vector<std::string> tags;
  const auto count = pick(h, 5);
  for (std::uint64_t i = 0; i < count; ++i) {
    std::string tag = kNouns[pick(h >> (8 + 6 * i), kNouns.size())];
    bool seen = false;
    for (const auto& t : tags)
      seen = seen || t == tag;
    if (!seen) tags.push_back(tag);
  }
  return tags;
}

std::vector<std::string> derive_machine_tags(std::uint64_t seed, std::uint32_t index) {
  const std::uint64_t h = hash_of(seed, index, kMachine);
  if (pick(h, 4) != 0) return {};
  std::vector<std::string> tags = {"camera:make=" +
                                   std::string(pick(h >> 8, 2) ? "fuji" : "canon")};
  if (pick(h >> 16, 2) == 0) tags.emplace_back("flickrfs:seq=" + std::to_string(index));
  return tags;
}

std::vector<Comment> derive_comments(std::uint64_t seed, const Photo& photo) {
  const std::uint64_t h = hash_of(seed, photo.index, kComments);
  std::vector<Comment> out;
  if (pick(h, 5) != 0) return out;
  const auto count = 1 + pick(h >> 8, 5);
  static const std::array<const char*, 5> kTexts = {
      "Lovely light!", "Where is this?", "Great shot \xF0\x9F\x91\x8D",
      "<a href=\"https://example.com/\">link</a> & more", "Second line\nhere"};
  for (std::uint64_t i = 0; i < count; ++i) {
    Comment c;
    c.id = "12345678-" + photo.id + "-7215770" + std::to_string(1000000 + photo.index * 7 + i);
    c.author = i % 2 == 0 ? "87654321@N01" : "11223344@N02";
    c.authorname = i % 2 == 0 ? "friend_one" : "Second Friend";
    c.date_create = photo.date_upload + 3600 * static_cast<std::int64_t>(i + 1);
    c.text = kTexts[pick(h >> (16 + 4 * i), kTexts.size())];
    out.push_back(std::move(c));
  }
  return out;
}

std::string derive_album_title(std::uint64_t seed, std::uint32_t album) {
  static const std::array<const char*, 10> kTitles = {
      "Holidays",      "Family", "Holidays", "Best of",
      "Travel / 2019", "Street", "Holidays", "Favourites \xE2\x98\x85",
      "Archive",       ".."};
  if (album == 0) return "Empty album";
  const std::uint64_t h = hash_of(seed, album, 977);
  return std::string(kTitles[pick(h, kTitles.size())]) +
         (pick(h >> 8, 3) == 0 ? "" : " " + std::to_string(album));
}

std::optional<Geo> derive_geo(std::uint64_t seed, std::uint32_t index) {
  const std::uint64_t h = hash_of(seed, index, kGeo);
  if (pick(h, 10) >= 3) return std::nullopt;
  Geo g;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", -60.0 + static_cast<double>(pick(h >> 8, 120000)) / 1000);
  g.latitude = buf;
  std::snprintf(buf, sizeof buf, "%.6f",
                -170.0 + static_cast<double>(pick(h >> 28, 340000)) / 1000);
  g.longitude = buf;
  g.accuracy = 6 + static_cast<int>(pick(h >> 48, 11));
  g.place_id = "pl" + std::to_string(pick(h >> 20, 100000));
  g.woeid = std::to_string(100000 + pick(h >> 30, 900000));
  g.locality = kPlaces[pick(h >> 40, kPlaces.size())];
  g.country = "Somewhere";
  return g;
}

}  // namespace flickrfs::emulator
