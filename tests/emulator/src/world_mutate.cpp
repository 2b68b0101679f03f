// Photo mutations of the emulated world (/_emulator/mutate): add, delete, retitle, replace,
// add_comment. Every mutation bumps last_update to a strictly increasing wall-clock time so
// flickr.photos.recentlyUpdated sees it.
#include <algorithm>
#include <chrono>
#include <mutex>

#include "world.hpp"

namespace flickrfs::emulator {

std::int64_t World::touch_locked(std::uint32_t index) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  m_clock = std::max<std::int64_t>(m_clock + 1, now);
  m_overrides[index].last_update = m_clock;
  return m_clock;
}

std::optional<std::uint32_t> World::live_index_locked(const std::string& id,
                                                      std::string* error) const {
  const auto index = index_of(id);
  if (!index || !live_locked(*index)) {
    *error = "unknown photo " + id;
    return std::nullopt;
  }
  return index;
}

std::vector<std::string> World::add_photos(int count, const std::string& title,
                                           const std::optional<std::string>& description) {
  std::unique_lock lock(m_mutex);
  std::vector<std::string> ids;
  for (int k = 0; k < count; ++k) {
    const std::uint32_t index = m_count++;
    auto& o = m_overrides[index];
    if (!title.empty()) o.title = title;
    if (description) o.description = *description;
    o.date_upload = touch_locked(index);  // a new upload is the newest
    ids.push_back(photo_id_for(index));
  }
  rebuild_live_locked();
  return ids;
}

std::string World::add_upload(const std::string& title, bool is_public, const std::string& format) {
  std::unique_lock lock(m_mutex);
  const std::uint32_t index = m_count++;
  auto& o = m_overrides[index];
  o.title = title;
  o.is_public = is_public;
  o.format = format;
  o.date_upload = touch_locked(index);
  rebuild_live_locked();
  return photo_id_for(index);
}

bool World::delete_photo(const std::string& id, std::string* error) {
  std::unique_lock lock(m_mutex);
  const auto index = live_index_locked(id, error);
  if (!index) return false;
  touch_locked(*index);
  m_overrides[*index].deleted = true;
  for (std::size_t k = 0; k < m_albums.size(); ++k) {
    auto& members = m_albums[k].members;
    const auto before = members.size();
    std::erase(members, *index);
    if (members.size() != before) resort_album_locked(k);
  }
  rebuild_live_locked();
  return true;
}

bool World::retitle(const std::string& id, const std::string& title,
                    const std::optional<std::string>& description, std::string* error) {
  std::unique_lock lock(m_mutex);
  const auto index = live_index_locked(id, error);
  if (!index) return false;
  m_overrides[*index].title = title;
  if (description) m_overrides[*index].description = *description;
  touch_locked(*index);
  return true;
}

bool World::replace(const std::string& id, std::string* error) {
  std::unique_lock lock(m_mutex);
  const auto index = live_index_locked(id, error);
  if (!index) return false;
  ++m_overrides[*index].generation;
  touch_locked(*index);
  return true;
}

std::string World::add_comment(const std::string& id, const std::string& text, std::string* error) {
  std::unique_lock lock(m_mutex);
  const auto index = live_index_locked(id, error);
  if (!index) return "";
  auto& o = m_overrides[*index];
  Comment c;
  c.date_create = touch_locked(*index);
  c.id = "12345678-" + id + "-9" + std::to_string(c.date_create) +
         std::to_string(o.extra_comments.size());
  c.author = "87654321@N01";
  c.authorname = "friend_one";
  c.text = text;
  o.extra_comments.push_back(c);
  return c.id;
}

}  // namespace flickrfs::emulator
