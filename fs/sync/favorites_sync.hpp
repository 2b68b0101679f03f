#pragma once
// FavoritesSync: the listing behind MOUNT/favorites/ (model/tree.hpp): the photos the user
// faved, other members' photos shown as real files.
//
// fetch() walks flickr.favorites.getList with the photostream's extras, 500 a page (ceil(F/500)
// calls while the list holds still; names, sizes and dates need no call per photo; a video's
// streams one getSizes, once, as in the photostream), stores
// the photos in MetaStore like listed photostream photos (so info.json, size probes, blobs and
// exif.json work unchanged) and the list's order as one sync-state record, so favorites/ is
// there offline. It runs with the album list (Refresher::fetch_album_list): favorites refresh
// with the listing. A failed walk keeps what is stored; with nothing stored, a permanent
// failure shows favorites/ empty (the next refresh tries again) and a transient one is
// returned for the caller's retry. read_into() puts the stored list into a snapshot's input.
//
// Thread contract: fetch() on the refresh thread (the Refresher's m_refresh_mutex);
// read_into() from any thread; MetaStore is thread-safe underneath.

#include <atomic>
#include <string>
#include <vector>

#include "api/flickr_client.hpp"
#include "base/result.hpp"
#include "cache/meta_store.hpp"
#include "fs/model/tree.hpp"
#include "fs/sync/connectivity.hpp"

namespace flickrfs::fs {

class FavoritesSync {
 public:
  // `client` may be null (offline mount: fetch() is never called then).
  FavoritesSync(api::FlickrClient* client, cache::MetaStore& meta, Connectivity& connectivity,
                std::string user);

  [[nodiscard]] Result<void> fetch();
  [[nodiscard]] Result<void> read_into(model::CatalogInput& input) const;
  // True while the last getList failed for good (favorites/ shows empty): a snapshot input
  // that MetaStore does not hold.
  [[nodiscard]] bool failed() const { return m_failed.load(); }

  // The stored order as one record: ids, one a line.
  [[nodiscard]] static std::string encode(const std::vector<std::string>& ids);
  [[nodiscard]] static std::vector<std::string> decode(std::string_view text);

 private:
  api::FlickrClient* m_client;
  cache::MetaStore& m_meta;
  Connectivity& m_connectivity;
  const std::string m_user;
  std::atomic<bool> m_failed{false};  // getList failed for good: favorites/ shows empty
};

}  // namespace flickrfs::fs
