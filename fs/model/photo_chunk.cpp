// See photo_chunk.hpp.
#include "fs/model/photo_chunk.hpp"

#include <algorithm>

namespace flickrfs::model {

PhotoCore core_of(api::Photo&& photo) {
  return {std::move(photo.id), std::move(photo.secret), photo.date_upload,
          photo.last_update,   photo.count_comments,    photo.media};
}

namespace {

bool same_record(const PhotoRecord& a, const PhotoRecord& b) {
  return a.photo == b.photo && a.stem == b.stem && a.sidecar_ino == b.sidecar_ino &&
         a.page == b.page && a.sizes_pending == b.sizes_pending && a.taken_mtime == b.taken_mtime &&
         a.dir_mtime == b.dir_mtime &&
         std::equal(a.files.begin(), a.files.end(), b.files.begin(), b.files.end());
}

}  // namespace

bool PhotoChunk::same_as(const PhotoChunk& other) const {
  return exif_inos == other.exif_inos &&
         std::equal(records.begin(), records.end(), other.records.begin(), other.records.end(),
                    same_record);
}

}  // namespace flickrfs::model
