// Albums of the emulated world: built once from the seed (overlapping ranges, one empty
// album, duplicate titles, three orderings) and changed only through mutations.
#include <algorithm>
#include <mutex>

#include "util.hpp"
#include "world.hpp"

namespace flickrfs::emulator {

namespace {
constexpr std::uint64_t kAlbumIdBase = 72157700000000000ULL;

std::string album_id_for(std::uint32_t album) {
  return std::to_string(kAlbumIdBase + static_cast<std::uint64_t>(album) * 1000 +
                        mix64(album) % 1000);
}
}  // namespace

void World::build_albums() {
  const std::uint64_t seed = m_config.seed;
  const std::uint32_t n = m_config.photos;
  for (std::uint32_t j = 0; j < m_config.sets; ++j) {
    Album a;
    a.id = album_id_for(j);
    a.title = derive_album_title(seed, j);
    a.description = j % 2 == 0 ? "" : "Album number " + std::to_string(j);
    const std::uint64_t h = hash_of(seed, j, 4242);
    a.date_create = kWorldStart + static_cast<std::int64_t>(pick(h, 86400ULL * 3000));
    a.date_update = a.date_create + static_cast<std::int64_t>(pick(h >> 20, 86400ULL * 400));
    a.views = static_cast<int>(pick(h >> 40, 900));
    const bool empty = j == 0 && m_config.sets >= 3;
    if (!empty && n > 0) {
      const std::uint64_t span = std::max<std::uint64_t>(1, 3ULL * n / m_config.sets);
      const std::uint64_t start = pick(h >> 8, n);
      const std::uint64_t len = std::min<std::uint64_t>(n, 1 + pick(h >> 24, span));
      for (std::uint64_t k = 0; k < len; ++k) {
        const auto i = static_cast<std::uint32_t>((start + k) % n);
        if (pick(hash_of(seed, i, j, 99), 3) != 0) a.members.push_back(i);
      }
      if (a.members.empty()) a.members.push_back(static_cast<std::uint32_t>(start));
      if (j % 3 == 1) std::reverse(a.members.begin(), a.members.end());
      if (j % 3 == 2) {  // a custom order: by a per-album hash, computed once per photo
        std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed;
        keyed.reserve(a.members.size());
        for (auto i : a.members)
          keyed.emplace_back(hash_of(seed, i, j, 7), i);
        std::sort(keyed.begin(), keyed.end());
        for (std::size_t k = 0; k < keyed.size(); ++k)
          a.members[k] = keyed[k].second;
      }
    }
    m_albums.push_back(std::move(a));
    m_album_sorted.emplace_back();
    resort_album_locked(m_albums.size() - 1);
  }
}

void World::resort_album_locked(std::size_t album) {
  auto& sorted = m_album_sorted[album];
  sorted = m_albums[album].members;
  std::sort(sorted.begin(), sorted.end());
}

std::optional<std::size_t> World::album_slot_locked(const std::string& set_id) const {
  for (std::size_t k = 0; k < m_albums.size(); ++k) {
    if (m_albums[k].id == set_id) return k;
  }
  return std::nullopt;
}

std::vector<Album> World::albums() const {
  std::shared_lock lock(m_mutex);
  std::vector<Album> out;
  out.reserve(m_albums.size());
  for (const auto& a : m_albums) {
    Album copy = a;
    std::erase_if(copy.members, [&](std::uint32_t i) { return !live_locked(i); });
    out.push_back(std::move(copy));
  }
  return out;
}

std::vector<CollectionDef> World::collections() const {
  const auto all = albums();
  if (all.empty()) return {};
  const auto make = [&](const char* id, std::string title, std::vector<std::size_t> slots) {
    CollectionDef c;
    c.id = std::string("12345678-") + id;
    c.title = std::move(title);
    c.description = "Collection " + c.title;
    for (const auto slot : slots) {
      if (slot < all.size()) c.set_ids.push_back(all[slot].id);
    }
    return c;
  };
  // Flickr lets a collection hold albums or collections, never both.
  CollectionDef travel = make("72157600000000001", "Travel", {});
  CollectionDef older = make("72157600000000003", "Older", {});
  older.children.push_back(make("72157600000000004", "Deep/../er \xE2\x80\xAE", {3, 1, 6}));
  travel.children.push_back(std::move(older));
  travel.children.push_back(make("72157600000000006", "Roads", {1, 2}));
  return {std::move(travel), make("72157600000000002", "More", {4, 5}),
          make("72157600000000005", "Travel", {})};
}

std::optional<Album> World::album(const std::string& set_id) const {
  std::shared_lock lock(m_mutex);
  const auto slot = album_slot_locked(set_id);
  if (!slot) return std::nullopt;
  Album copy = m_albums[*slot];
  std::erase_if(copy.members, [&](std::uint32_t i) { return !live_locked(i); });
  return copy;
}

std::vector<std::string> World::albums_of(std::uint32_t index) const {
  std::shared_lock lock(m_mutex);
  std::vector<std::string> out;
  for (std::size_t k = 0; k < m_albums.size(); ++k) {
    const auto& sorted = m_album_sorted[k];
    if (std::binary_search(sorted.begin(), sorted.end(), index)) out.push_back(m_albums[k].id);
  }
  return out;
}

std::optional<std::pair<std::size_t, std::uint32_t>> World::album_and_photo_locked(
    const std::string& set_id, const std::string& id, std::string* error) const {
  const auto slot = album_slot_locked(set_id);
  const auto index = live_index_locked(id, error);
  if (!slot) *error = "unknown set " + set_id;
  if (!slot || !index) return std::nullopt;
  return std::make_pair(*slot, *index);
}

bool World::set_add(const std::string& set_id, const std::string& id, std::string* error) {
  std::unique_lock lock(m_mutex);
  const auto target = album_and_photo_locked(set_id, id, error);
  if (!target) return false;
  const auto [slot, index] = *target;
  auto& members = m_albums[slot].members;
  if (std::find(members.begin(), members.end(), index) != members.end()) {
    *error = "photo already in set";
    return false;
  }
  members.push_back(index);
  resort_album_locked(slot);
  m_albums[slot].date_update = touch_locked(index);
  return true;
}

bool World::set_remove(const std::string& set_id, const std::string& id, std::string* error) {
  std::unique_lock lock(m_mutex);
  const auto target = album_and_photo_locked(set_id, id, error);
  if (!target) return false;
  const auto [slot, index] = *target;
  auto& members = m_albums[slot].members;
  const auto it = std::find(members.begin(), members.end(), index);
  if (it == members.end()) {
    *error = "photo not in set";
    return false;
  }
  members.erase(it);
  resort_album_locked(slot);
  m_albums[slot].date_update = touch_locked(index);
  return true;
}

std::string World::set_create(const std::string& title, const std::vector<std::string>& ids,
                              std::string* error, bool first) {
  std::unique_lock lock(m_mutex);
  Album a;
  const auto number = static_cast<std::uint32_t>(m_albums.size());
  a.id = album_id_for(number);
  a.title = title;
  for (const auto& id : ids) {
    const auto index = live_index_locked(id, error);
    if (!index) return "";
    a.members.push_back(*index);
  }
  if (a.members.empty()) {
    *error = "set_create needs at least one photo (Flickr needs a primary photo)";
    return "";
  }
  for (auto index : a.members)
    a.date_update = touch_locked(index);
  a.date_create = a.date_update;
  const std::size_t slot = first ? 0 : m_albums.size();
  const std::string id = a.id;
  m_albums.insert(m_albums.begin() + static_cast<std::ptrdiff_t>(slot), std::move(a));
  m_album_sorted.insert(m_album_sorted.begin() + static_cast<std::ptrdiff_t>(slot),
                        std::vector<std::uint32_t>());
  resort_album_locked(slot);
  return id;
}

}  // namespace flickrfs::emulator
