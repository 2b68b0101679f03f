// Photo derivation and read access of the emulated world (see world.hpp). Mutations live in
// world_mutate.cpp, albums in world_albums.cpp, text in world_text.cpp.
#include "world.hpp"

#include <algorithm>
#include <mutex>

#include "util.hpp"

namespace flickrfs::emulator {

namespace {
constexpr std::uint64_t kIdBase = 52000000000ULL;
constexpr std::uint64_t kIdStride = 16;

// Distinct streams of randomness per attribute, so changing one never shifts another.
enum Stream : std::uint64_t {
  kSecret = 1,
  kShape,
  kFlags,
  kDates,
  kOriginal,
  kMisc,
  kSize,
};

std::string hex_secret(std::uint64_t h) {
  static const char* hex = "0123456789abcdef";
  std::string out(10, '0');
  for (char& c : out) {
    c = hex[h & 15];
    h >>= 4;
  }
  return out;
}

void derive_shape(Photo& p, std::uint64_t seed) {
  const std::uint64_t h = hash_of(seed, p.index, kShape);
  if (p.is_video) {
    const bool hd = pick(h, 2) == 0;
    p.o_width = hd ? 1920 : 1280;
    p.o_height = hd ? 1080 : 720;
    p.video_duration = 3 + static_cast<int>(pick(h >> 8, 120));
    return;
  }
  if (p.original_format == "gif") {  // GIFs are small on Flickr too
    p.o_width = 160 + static_cast<int>(pick(h, 640));
    p.o_height = 120 + static_cast<int>(pick(h >> 16, 480));
    return;
  }
  const int long_edge = 640 + static_cast<int>(pick(h, 5400));
  const int kind = static_cast<int>(pick(h >> 20, 10));
  int short_edge = long_edge * 2 / 3;
  if (kind == 0) short_edge = long_edge;      // square
  if (kind == 1) short_edge = long_edge / 2;  // 2:1 panorama
  if (kind >= 2 && kind <= 4) short_edge = long_edge * 3 / 4;
  const bool portrait = pick(h >> 30, 4) == 0;
  p.o_width = portrait ? short_edge : long_edge;
  p.o_height = portrait ? long_edge : short_edge;
}

void derive_dates(Photo& p, std::uint64_t seed, std::uint32_t base_count) {
  const std::uint64_t h = hash_of(seed, p.index, kDates);
  const std::int64_t span = kWorldEnd - kWorldStart;
  const std::int64_t n = std::max<std::int64_t>(1, base_count);
  const std::int64_t slot = std::max<std::int64_t>(1, span / n);
  // Monotonic in the index: index order is upload order, so upload-date filters can bisect.
  p.date_upload = kWorldStart + static_cast<std::int64_t>(p.index) * span / n +
                  static_cast<std::int64_t>(pick(h, static_cast<std::uint64_t>(slot)));
  const int granularity_roll = static_cast<int>(pick(h >> 12, 100));
  p.taken_granularity = granularity_roll < 90   ? 0
                        : granularity_roll < 94 ? 4
                        : granularity_roll < 97 ? 6
                                                : 8;
  p.taken_unknown = pick(h >> 20, 20) == 0;
  p.date_taken = p.taken_unknown
                     ? p.date_upload
                     : p.date_upload - static_cast<std::int64_t>(pick(h >> 24, 3 * 365 * 86400));
  p.last_update = std::min<std::int64_t>(
      kWorldEnd, p.date_upload + static_cast<std::int64_t>(pick(h >> 40, 400 * 86400)));
}

struct Member {
  const char* nsid;
  const char* name;
  const char* alias;  // "" when the member never chose one
};

constexpr Member kOtherMembers[] = {
    {"27182818@N03", "euler", "euler"},
    {"31415926@N07", "Srinivasa R.", ""},
    {"16180339@N02", "golden\u00e9 ratio", "golden"},  // not ASCII: JSON sends \u00e9
    {"14142135@N05", "root two", ""},
    {"66260701@N04", "planck", "planck"},
};

// Favorite k = index - kFavoriteBase: faved newest first (about 11 hours apart), owned by
// one of kOtherMembers, uploaded before it was faved; every seventh (k % 7 == 3) has since
// been made private by its owner.
void derive_favorite(Photo& p, std::uint64_t seed) {
  const std::uint64_t k = p.index - kFavoriteBase;
  const std::uint64_t h = hash_of(seed, p.index, kDates, 7);
  const Member& owner = kOtherMembers[pick(h, std::size(kOtherMembers))];
  p.owner = owner.nsid;
  p.owner_name = owner.name;
  p.owner_alias = owner.alias;
  p.date_faved = kWorldEnd - static_cast<std::int64_t>(k) * 40000 -
                 static_cast<std::int64_t>(pick(h >> 8, 30000));
  const auto window =
      static_cast<std::uint64_t>(std::max<std::int64_t>(1, p.date_faved - kWorldStart));
  p.date_upload = kWorldStart + static_cast<std::int64_t>(pick(h >> 24, window));
  p.date_taken = p.taken_unknown ? p.date_upload : p.date_upload - 86400 * 3;
  p.last_update = p.date_upload + static_cast<std::int64_t>(pick(h >> 40, 1000));
  p.owner_private = k % 7 == 3;
  p.is_public = !p.owner_private;
  p.is_friend = p.is_family = false;
}

}  // namespace

std::string photo_id_for(std::uint32_t index) {
  const std::uint64_t jitter = mix64(index) % kIdStride;
  return std::to_string(kIdBase + static_cast<std::uint64_t>(index) * kIdStride + jitter);
}

bool derive_is_public(std::uint64_t seed, std::uint32_t index) {
  return pick(hash_of(seed, index, kFlags) >> 8, 100) >= 8;
}

World::World(WorldConfig config) : m_config(config), m_count(config.photos) {
  rebuild_live_locked();
  build_albums();
}

std::optional<std::uint32_t> World::index_of(const std::string& id) const {
  std::uint64_t value = 0;
  if (!parse_uint(id, &value) || value < kIdBase) return std::nullopt;
  const std::uint64_t index = (value - kIdBase) / kIdStride;
  if (index >= m_count || photo_id_for(static_cast<std::uint32_t>(index)) != id)
    return std::nullopt;
  return static_cast<std::uint32_t>(index);
}

Photo World::derive(std::uint32_t index) const {
  const std::uint64_t seed = m_config.seed;
  Photo p;
  p.index = index;
  p.id = photo_id_for(index);
  const std::uint64_t flags = hash_of(seed, index, kFlags);
  p.is_video = pick(flags, 100) < 3;
  p.is_public = derive_is_public(seed, index);
  p.is_friend = !p.is_public && pick(flags >> 16, 2) == 0;
  p.is_family = !p.is_public && pick(flags >> 17, 3) == 0;
  p.original_allowed = pick(flags >> 24, 100) >= 15;
  p.exif_hidden = pick(flags >> 32, 10) == 0;
  p.safety_level = pick(flags >> 40, 20) == 0 ? 1 : 0;
  const int format_roll = static_cast<int>(pick(hash_of(seed, index, kOriginal), 100));
  p.original_format = p.is_video         ? "jpg"
                      : format_roll < 80 ? "jpg"
                      : format_roll < 92 ? "png"
                                         : "gif";
  derive_shape(p, seed);
  derive_dates(p, seed, m_config.photos);
  const std::uint64_t server_roll = hash_of(seed, index, kMisc);
  p.server =
      pick(server_roll, 4) == 0 ? std::to_string(1000 + pick(server_roll >> 8, 8000)) : "65535";
  p.farm = p.server == "65535" ? 66 : 1 + static_cast<int>(pick(server_roll >> 20, 9));
  p.license = static_cast<int>(pick(server_roll >> 28, 11));
  p.views = static_cast<int>(pick(server_roll >> 36, 5000));
  p.faves = static_cast<int>(pick(server_roll >> 50, 12));
  const std::uint64_t size_roll = hash_of(seed, index, kSize);
  const double factor = 0.5 + static_cast<double>(pick(size_roll, 1000)) / 1000.0;
  double scale = p.original_format == "png" ? 2.0 : p.original_format == "gif" ? 0.3 : 1.0;
  p.target_bytes = static_cast<int>(m_config.image_kb * 1024.0 * factor * scale);
  p.title = derive_title(seed, index);
  p.description = derive_description(seed, index);
  p.tags = derive_tags(seed, index);
  p.machine_tags = derive_machine_tags(seed, index);
  p.geo = derive_geo(seed, index);
  if (index >= kFavoriteBase) derive_favorite(p, seed);
  return p;
}

Photo World::photo(std::uint32_t index) const {
  Photo p = derive(index);
  std::shared_lock lock(m_mutex);
  const auto it = m_overrides.find(index);
  const Override* o = it == m_overrides.end() ? nullptr : &it->second;
  if (o != nullptr) {
    if (o->title) p.title = *o->title;
    if (o->description) p.description = *o->description;
    if (o->date_upload) {
      p.date_upload = *o->date_upload;
      p.date_taken = p.date_upload;
      p.last_update = p.date_upload;
    }
    if (o->last_update) p.last_update = *o->last_update;
    p.generation = o->generation;
    if (o->is_public) {
      p.is_public = *o->is_public;
      p.is_friend = p.is_family = false;
    }
    if (o->format) {  // an upload: a still image whose original is always downloadable
      p.original_format = *o->format;
      p.is_video = false;
      p.original_allowed = true;
      p.geo.reset();
    }
  }
  const std::uint64_t seed = m_config.seed + static_cast<std::uint64_t>(p.generation) * 7919;
  p.secret = hex_secret(hash_of(seed, index, kSecret, 1));
  p.original_secret = hex_secret(hash_of(seed, index, kSecret, 2));
  p.secret_h = hex_secret(hash_of(seed, index, kSecret, 3));
  p.secret_k = hex_secret(hash_of(seed, index, kSecret, 4));
  p.comments = derive_comments(m_config.seed, p);
  if (o != nullptr) {
    p.comments.insert(p.comments.end(), o->extra_comments.begin(), o->extra_comments.end());
  }
  return p;
}

std::pair<std::int64_t, std::int64_t> World::dates_of(std::uint32_t index) const {
  Photo p;
  p.index = index;
  derive_dates(p, m_config.seed, m_config.photos);
  std::shared_lock lock(m_mutex);
  const auto it = m_overrides.find(index);
  if (it != m_overrides.end()) {
    if (it->second.date_upload) p.date_upload = p.last_update = *it->second.date_upload;
    if (it->second.last_update) p.last_update = *it->second.last_update;
  }
  return {p.date_upload, p.last_update};
}

std::int64_t World::date_upload(std::uint32_t index) const {
  return dates_of(index).first;
}

std::int64_t World::last_update(std::uint32_t index) const {
  return dates_of(index).second;
}

bool World::live_locked(std::uint32_t index) const {
  if (index >= m_count) return false;
  const auto it = m_overrides.find(index);
  return it == m_overrides.end() || !it->second.deleted;
}

bool World::public_locked(std::uint32_t index) const {
  const auto it = m_overrides.find(index);
  if (it != m_overrides.end() && it->second.is_public) return *it->second.is_public;
  return derive_is_public(m_config.seed, index);
}

std::optional<Photo> World::find(const std::string& photo_id) const {
  const auto index = index_of(photo_id);
  if (!index) return std::nullopt;
  {
    std::shared_lock lock(m_mutex);
    if (!live_locked(*index)) return std::nullopt;
  }
  return photo(*index);
}

std::optional<Photo> World::find_image(const std::string& photo_id) const {
  if (auto photo = find(photo_id)) return photo;
  std::uint64_t value = 0;
  if (!parse_uint(photo_id, &value) || value < kIdBase) return std::nullopt;
  const std::uint64_t index = (value - kIdBase) / kIdStride;
  if (index < kFavoriteBase || index - kFavoriteBase >= m_config.favorites ||
      photo_id_for(static_cast<std::uint32_t>(index)) != photo_id)
    return std::nullopt;
  return photo(static_cast<std::uint32_t>(index));
}

std::vector<Photo> World::favorites() const {
  std::vector<Photo> out;
  out.reserve(m_config.favorites);
  for (std::uint32_t k = 0; k < m_config.favorites; ++k)
    out.push_back(photo(kFavoriteBase + k));
  return out;
}

World::IndexList World::live(bool public_only) const {
  std::shared_lock lock(m_mutex);
  return public_only ? m_live_public : m_live;
}

void World::rebuild_live_locked() {
  auto all = std::make_shared<std::vector<std::uint32_t>>();
  auto pub = std::make_shared<std::vector<std::uint32_t>>();
  all->reserve(m_count);
  pub->reserve(m_count);
  for (std::uint32_t i = 0; i < m_count; ++i) {
    if (!live_locked(i)) continue;
    all->push_back(i);
    if (public_locked(i)) pub->push_back(i);
  }
  m_live = std::move(all);
  m_live_public = std::move(pub);
}

}  // namespace flickrfs::emulator
