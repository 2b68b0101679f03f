// SidecarService (see sidecar_service.hpp): <stem>.exif.json of a --exif mount (issue 22).
//
// EXIF is what the camera wrote, so it never changes: one flickr.photos.getExif per photo,
// made only when someone reads the file or needs its exact size (never for a listing),
// rendered once (model/exif_json.hpp) and stored forever in MetaStore; a re-read and a
// remount answer from there. Calls run on m_exif_fetcher (single flight per photo, the
// asking thread's wait bounded), each taking its token from the client's call budget as a
// foreground call: a user is waiting for it.
//
// A program that stats a page's files one after another (`ls -l`, a file manager, rsync)
// stats the exif.json files too: the stat walk-ahead (Catalog::note_attr_wanted) queues the getExif
// of the photos it is about to reach, on spare budget only, as it does for comments.
//
// An owner who hides EXIF makes Flickr answer error code 2 (Errc::permission): that is the
// photo's EXIF as far as anyone can know, so it is stored as {"id", "hidden_by_owner": true}
// like any other reply. Any other failure is not stored and reaches the reader as an error.
#include "fs/log.hpp"
#include "fs/model/exif_json.hpp"
#include "fs/sync/sidecar_service.hpp"

namespace flickrfs::fs {

std::optional<std::uint64_t> SidecarService::stored_exif_size(
    const model::PhotoCoreRef& photo) const {
  const auto stored = m_meta.exif_json(photo.id);
  if (!stored.ok() || !stored->has_value()) return std::nullopt;
  return (*stored)->size();
}

Result<SizeResolver::Found> SidecarService::fetch_exif(const model::PhotoCoreRef& photo) {
  // A walk-ahead fetch may have stored it between the caller's look and this one.
  if (const auto stored = stored_exif_size(photo)) return SizeResolver::Found{*stored, {}};
  if (!online())
    return make_error(Errc::offline, "offline: EXIF of " + std::string(photo.id) + " unknown");
  auto text = model::exif_json_of(photo.id,
                                  m_client->exif(std::string(photo.id), std::string(photo.secret)));
  if (!text.ok()) {
    log::info("EXIF of %s unknown: %s", std::string(photo.id).c_str(),
              text.error().describe().c_str());
    m_connectivity.report(text.error());
    return std::move(text).error();
  }
  FLICKRFS_CHECK(m_meta.put_exif_json(photo.id, *text));
  return SizeResolver::Found{text->size(), {}};
}

void SidecarService::prefetch_exif(const model::PhotoCoreRef& photo) {
  if (!online() || stored_exif_size(photo)) return;
  // Spare budget only: with the API bucket empty, the foreground fetches what it needs.
  if (m_client->rate_limiter().api_wait_time().count() > 0) return;
  m_exif_fetcher.prefetch("exif:" + std::string(photo.id),
                          [this, photo_copy = photo.copy()] { return fetch_exif(photo_copy); });
}

Result<std::string> SidecarService::exif_json(const model::PhotoCoreRef& photo,
                                              std::chrono::milliseconds bound) {
  FLICKRFS_TRY(auto stored, m_meta.exif_json(photo.id));
  if (stored) return std::move(*stored);
  if (!online())
    return make_error(Errc::offline, "offline: EXIF of " + std::string(photo.id) + " unknown");
  FLICKRFS_CHECK(m_exif_fetcher.resolve(
      "exif:" + std::string(photo.id),
      [this, photo_copy = photo.copy()] { return fetch_exif(photo_copy); }, bound));
  FLICKRFS_TRY(stored, m_meta.exif_json(photo.id));
  if (!stored)
    return make_error(Errc::unavailable, "EXIF of photo " + std::string(photo.id) + " lost");
  return std::move(*stored);
}

}  // namespace flickrfs::fs
