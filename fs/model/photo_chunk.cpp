// See photo_chunk.hpp.
#include "fs/model/photo_chunk.hpp"

#include <algorithm>

namespace flickrfs::model {

static_assert(sizeof(StoredRecord) == 64);
static_assert(sizeof(StoredFile) == 40);

PhotoCore core_of(api::Photo&& photo) {
  return {std::move(photo.id), std::move(photo.secret), photo.date_upload,
          photo.last_update,   photo.count_comments,    photo.media};
}

PhotoFile PhotoFiles::operator[](std::size_t k) const {
  const StoredFile& stored = m_chunk->files[m_first + k];
  const PhotoChunk& chunk = *m_chunk;
  return {stored.ino,
          m_stem,
          chunk.word(stored.sizes_label),
          {chunk.word(stored.label), chunk.word(stored.ext), chunk.word(stored.url_dir),
           chunk.text_of(stored.url_file), stored.width, stored.height, stored.source}};
}

PhotoRecord PhotoChunk::record(std::size_t k) const {
  const StoredRecord& stored = records[k];
  const std::string_view stem = text_of({stored.stem, stored.stem_size});
  PhotoRecord out;
  out.photo = {text_of(stored.id), text_of(stored.secret), stored.date_upload,
               stored.last_update, stored.count_comments,  static_cast<api::Media>(stored.media)};
  out.stem = stem;
  out.sidecar_ino = stored.sidecar_ino;
  out.page = page;
  out.sizes_pending = stored.sizes_pending != 0;
  out.taken_mtime = stored.taken_mtime;
  out.dir_mtime = stored.dir_mtime();
  out.files = PhotoFiles(this, stem, stored.first_file, stored.file_count);
  return out;
}

bool PhotoChunk::same_as(const PhotoChunk& other) const {
  // Built by the same code from the same photos, two chunks hold the same bytes.
  return page == other.page && records == other.records && files == other.files &&
         exif_inos == other.exif_inos && text == other.text && words == other.words;
}

}  // namespace flickrfs::model
