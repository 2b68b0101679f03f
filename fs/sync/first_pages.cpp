// FirstPages (see first_pages.hpp).
#include "fs/sync/first_pages.hpp"

#include <algorithm>

#include "fs/model/tree.hpp"

namespace flickrfs::fs {

void FirstPages::add(const api::PhotoPage& page) {
  if (page.page <= 1) {
    ++m_passes;
    return;
  }
  if (m_passes != 1) return;
  std::int64_t newest = 0;
  for (const auto& photo : page.photos) {
    if (photo.id.empty()) continue;
    m_older.emplace_back(photo.date_upload, photo.id);
    newest = std::max(newest, photo.date_upload);
  }
  if (!page.photos.empty()) m_boundary = newest;
}

std::vector<std::string> FirstPages::final_ids() const {
  std::vector<const std::pair<std::int64_t, std::string>*> keys;
  for (const auto& key : m_older) {
    if (key.first < m_boundary) keys.push_back(&key);
  }
  // The stored photostream's order; a photo seen twice (a page boundary moved) is kept once.
  const auto before = [](const auto* a, const auto* b) {
    return model::upload_before(a->first, a->second, b->first, b->second);
  };
  std::sort(keys.begin(), keys.end(), before);
  keys.erase(std::unique(keys.begin(), keys.end(),
                         [](const auto* a, const auto* b) { return a->second == b->second; }),
             keys.end());
  keys.resize(keys.size() / m_page_size * m_page_size);
  std::vector<std::string> ids;
  ids.reserve(keys.size());
  for (const auto* key : keys)
    ids.push_back(key->second);
  return ids;
}

}  // namespace flickrfs::fs
