// See favorites_sync.hpp.
#include "fs/sync/favorites_sync.hpp"

#include "fs/log.hpp"
#include "fs/sync/video_streams.hpp"

namespace flickrfs::fs {

namespace {

constexpr std::string_view kStateKey = "favorites";

}  // namespace

FavoritesSync::FavoritesSync(api::FlickrClient* client, cache::MetaStore& meta,
                             Connectivity& connectivity, std::string user)
    : m_client(client), m_meta(meta), m_connectivity(connectivity), m_user(std::move(user)) {}

std::string FavoritesSync::encode(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids)
    out.append(id).append("\n");
  return out;
}

std::vector<std::string> FavoritesSync::decode(std::string_view text) {
  std::vector<std::string> ids;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    if (!line.empty()) ids.emplace_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return ids;
}

Result<void> FavoritesSync::fetch() {
  if (m_client == nullptr) return make_error(Errc::offline, "offline: favorites not listed");
  auto walk = m_client->all_favorites(m_user);
  if (!walk.ok()) {
    m_connectivity.report(walk.error());
    log::warning("favorites not refreshed: %s", walk.error().describe().c_str());
    if (is_temporary(walk.error())) return std::move(walk).error();  // the caller's retry covers it
    m_failed = true;
    return success();
  }
  std::vector<std::string> ids;
  ids.reserve(walk->photos.size());
  for (const auto& photo : walk->photos)
    ids.push_back(photo.id);
  // A walk that came back short must not shrink the stored list (a network error means
  // "unknown", never "unfaved"); a complete one is the truth.
  FLICKRFS_TRY(const auto stored, m_meta.state(kStateKey));
  if (!walk->complete && stored && ids.size() < decode(*stored).size()) {
    return make_error(Errc::unavailable, "favorites listing incomplete; keeping the cache");
  }
  FLICKRFS_CHECK(m_meta.upsert_photos(walk->photos, cache::PhotoSource::list));
  // Before the list is stored, so a favorite's name does not change under a reader.
  FLICKRFS_CHECK(fetch_video_streams(*m_client, m_meta, m_connectivity, walk->photos,
                                     OnTemporaryFailure::stop));
  m_failed = false;
  return m_meta.put_state(kStateKey, encode(ids));
}

Result<void> FavoritesSync::read_into(model::CatalogInput& input) const {
  FLICKRFS_TRY(const auto stored, m_meta.state(kStateKey));
  input.favorites_listed = stored.has_value() || m_failed.load();
  input.favorites.clear();
  if (!stored) return success();
  const auto ids = decode(*stored);
  FLICKRFS_TRY(auto photos, m_meta.photos(ids));
  for (auto& cached : photos) {
    if (cached) input.favorites.push_back(std::move(cached->photo));
  }
  return success();
}

}  // namespace flickrfs::fs
