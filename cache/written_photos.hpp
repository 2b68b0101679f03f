#pragma once
// WrittenPhotos: the ids of the photo records MetaStore changed since its reader last took
// them. The reader is the mount's rebuild (fs/sync/refresher.hpp): a page of the snapshot it
// replaces whose photos none of these ids name is still what the cache holds, so the rebuild
// shares that page instead of reading it again (fs/sync/cache_feed.hpp). At 1,000,000
// photos a refresh after one upload then reads one page, not two thousand.
//
// "Any" (take() returns nullopt) whenever the ids are not known to be complete: before the
// first take() (nothing in this process saw the cache before), after clear_metadata(), after
// more than kLimit writes (a first walk; a full read costs no more than such a rebuild), or
// after a reader said it could not use what it took (note_all()).
//
// Thread contract: thread-safe; m_mutex is a leaf. A writer notes an id before its txn
// commits: a reader that takes the ids first may miss the new value, but then finds the id
// in its next take(), and MetaStore's tree revision (bumped after the commit) makes sure there
// is a next one.

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace flickrfs::cache {

class WrittenPhotos {
 public:
  using Ids = std::unordered_set<std::string>;
  static constexpr std::size_t kLimit = 100'000;  // about 6 MB of ids

  void note(std::string_view photo_id) {
    std::lock_guard lock(m_mutex);
    if (m_all) return;
    m_ids.emplace(photo_id);
    if (m_ids.size() > kLimit) set_all_locked();
  }
  void note_all() {
    std::lock_guard lock(m_mutex);
    set_all_locked();
  }
  // The ids noted since the last take(), or nullopt for "any"; starts over with none.
  [[nodiscard]] std::optional<Ids> take() {
    std::lock_guard lock(m_mutex);
    std::optional<Ids> out;
    if (!m_all) out = std::move(m_ids);
    m_ids = Ids();
    m_all = false;
    return out;
  }

 private:
  void set_all_locked() {
    m_all = true;
    Ids().swap(m_ids);
  }

  std::mutex m_mutex;  // guards the two below
  Ids m_ids;
  bool m_all = true;
};

}  // namespace flickrfs::cache
