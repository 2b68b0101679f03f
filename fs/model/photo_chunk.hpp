#pragma once
// What a Tree snapshot keeps of each photo, held one page at a time: a PhotoChunk is one
// photostream page's records (500 photos; favorites/ is one more chunk), their files and the
// text both point to. A chunk is immutable once built and shared by every snapshot whose
// page built to the same thing (Tree::build's `previous`): a rebuild after a new upload, or
// at the end of a first fill whose pages were published as they became final, allocates
// only the pages that changed, and the current snapshot and the one being built hold one
// copy of the rest.
//
// The chunk stores compact records (StoredRecord, StoredFile: offsets into one text buffer
// and indices into a table of the chunk's distinct words) and hands out views of them
// (PhotoRecord, PhotoFile) by value. At 1,000,000 photos the chunks are most of a snapshot;
// as string_views, std::strings and spans a photo and its file took 264 bytes plus about 110
// of strings. Here they take 104 plus their text: the stem, the URL after its directory, and
// the secret when none of the photo's URLs holds it (tree.cpp's ChunkBuilder stores each
// string once: a photo's id is the end of its stem).
//
// Thread contract: built by the one thread running Tree::build; immutable once that build
// shares it, then read from any thread. Views point into the chunk: copy what must outlive
// the snapshot.

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "api/types.hpp"
#include "fs/model/media_choice.hpp"
#include "fs/model/node.hpp"

namespace flickrfs::model {

struct PhotoChunk;

// A FileChoice as a snapshot keeps it. Its URL is stored as the directory (shared by the
// chunk's files on the same server) and the file name after it.
struct ChoiceRef {
  std::string_view label;
  std::string_view ext;
  std::string_view url_dir;   // up to and including the URL's last '/'
  std::string_view url_file;  // the rest
  int width = 0;
  int height = 0;
  ChoiceSource source = ChoiceSource::largest_size;

  [[nodiscard]] std::string url() const { return std::string(url_dir).append(url_file); }
  [[nodiscard]] FileChoice to_choice() const {
    return {std::string(label), std::string(ext), url(), width, height, source};
  }
};

// One file of a photo directory, named "<stem>.<ext>".
struct PhotoFile {
  Ino ino = 0;
  std::string_view stem;
  std::string_view sizes_label;  // "best" or the --sizes label (TreeOptions::sizes)
  ChoiceRef choice;

  [[nodiscard]] std::string name() const {
    return std::string(stem).append(".").append(choice.ext);
  }
  [[nodiscard]] bool has_name(std::string_view name) const {
    return name.size() == stem.size() + 1 + choice.ext.size() && name.starts_with(stem) &&
           name[stem.size()] == '.' && name.ends_with(choice.ext);
  }
};

// A photo's files: files[0] is the best file when the photo has one. Its iterators hold a copy
// of it, so they stay valid after a temporary PhotoRecord is gone.
class PhotoFiles {
 public:
  class iterator;

  PhotoFiles() = default;
  PhotoFiles(const PhotoChunk* chunk, std::string_view stem, std::uint32_t first,
             std::uint32_t count)
      : m_chunk(chunk), m_stem(stem), m_first(first), m_count(count) {}

  [[nodiscard]] std::size_t size() const { return m_count; }
  [[nodiscard]] bool empty() const { return m_count == 0; }
  [[nodiscard]] PhotoFile operator[](std::size_t k) const;
  [[nodiscard]] iterator begin() const;
  [[nodiscard]] iterator end() const;

 private:
  const PhotoChunk* m_chunk = nullptr;
  std::string_view m_stem;
  std::uint32_t m_first = 0;
  std::uint32_t m_count = 0;
};

class PhotoFiles::iterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = PhotoFile;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = PhotoFile;

  iterator() = default;
  iterator(const PhotoFiles& files, std::size_t at) : m_files(files), m_at(at) {}
  [[nodiscard]] PhotoFile operator*() const { return m_files[m_at]; }
  iterator& operator++() {
    ++m_at;
    return *this;
  }
  iterator operator++(int) {
    iterator before = *this;
    ++m_at;
    return before;
  }
  [[nodiscard]] bool operator==(const iterator& other) const { return m_at == other.m_at; }

 private:
  PhotoFiles m_files;
  std::size_t m_at = 0;
};

inline PhotoFiles::iterator PhotoFiles::begin() const {
  return {*this, 0};
}
inline PhotoFiles::iterator PhotoFiles::end() const {
  return {*this, m_count};
}

// What a snapshot keeps of a photo beyond its names and files, as a copy that owns its
// strings (to keep past the snapshot). info.json's other fields (title, description, tags,
// owner, geo ...) are read from where the snapshot came from when it is rendered (the mount:
// MetaStore; the mirror: its listing).
struct PhotoCore {
  std::string id;
  std::string secret;  // the shared secret: a blob's key when its URL has no secret of its own
  std::int64_t date_upload = 0;
  std::int64_t last_update = 0;
  std::int64_t count_comments = 0;
  api::Media media = api::Media::photo;

  [[nodiscard]] bool operator==(const PhotoCore&) const = default;
};

// The same as views into a snapshot, or into a PhotoCore.
struct PhotoCoreRef {
  std::string_view id;
  std::string_view secret;
  std::int64_t date_upload = 0;
  std::int64_t last_update = 0;
  std::int64_t count_comments = 0;
  api::Media media = api::Media::photo;

  PhotoCoreRef() = default;
  PhotoCoreRef(std::string_view id_, std::string_view secret_, std::int64_t upload,
               std::int64_t update, std::int64_t comments, api::Media media_)
      : id(id_),
        secret(secret_),
        date_upload(upload),
        last_update(update),
        count_comments(comments),
        media(media_) {}
  PhotoCoreRef(const PhotoCore& core)  // NOLINT(google-explicit-constructor): a view of it
      : PhotoCoreRef(core.id, core.secret, core.date_upload, core.last_update, core.count_comments,
                     core.media) {}

  [[nodiscard]] PhotoCore copy() const {
    return {std::string(id), std::string(secret), date_upload, last_update, count_comments, media};
  }
};

// What a snapshot keeps of `photo` (its other fields are dropped).
[[nodiscard]] PhotoCore core_of(api::Photo&& photo);

// A photo as a snapshot hands it out. Its albums are not part of it (they change without the
// photo changing): Tree::albums_of().
struct PhotoRecord {
  PhotoCoreRef photo;
  std::string_view stem;
  Ino sidecar_ino = 0;
  std::uint32_t page = 0;      // 1-based; 0 for a favorite
  bool sizes_pending = false;  // a video whose streams are not fetched yet
  std::int64_t taken_mtime = 0;
  std::int64_t dir_mtime = 0;  // the newest of taken_mtime and last_update
  PhotoFiles files;
};

// [offset, offset + size) of PhotoChunk::text.
struct TextRef {
  std::uint32_t offset = 0;
  std::uint32_t size = 0;

  [[nodiscard]] bool operator==(const TextRef&) const = default;
};

// A photo as its chunk stores it: 64 bytes.
struct StoredRecord {
  std::int64_t date_upload = 0;
  std::int64_t last_update = 0;
  std::int64_t taken_mtime = 0;
  Ino sidecar_ino = 0;
  TextRef id;
  TextRef secret;
  std::uint32_t stem = 0;  // offset; photo_stem() keeps a stem within kMaxNameBytes
  std::uint16_t stem_size = 0;
  std::uint8_t media = 0;  // api::Media
  std::uint8_t sizes_pending = 0;
  std::uint32_t count_comments = 0;   // a count beyond 2^32 - 1 is kept as that
  std::uint32_t first_file : 27 = 0;  // index into PhotoChunk::files
  std::uint32_t file_count : 5 = 0;   // up to 15: "best" and the 14 --sizes labels

  // The photo directory's share of its page's mtime: the newer of taken and last update.
  [[nodiscard]] std::int64_t dir_mtime() const { return std::max(taken_mtime, last_update); }
  [[nodiscard]] bool operator==(const StoredRecord&) const = default;
};

// A file as its chunk stores it: 40 bytes. Words are indices into PhotoChunk::words.
struct StoredFile {
  Ino ino = 0;
  TextRef url_file;
  std::int32_t width = 0;
  std::int32_t height = 0;
  std::uint32_t url_dir = 0;
  std::uint32_t label = 0;
  std::uint32_t ext = 0;
  std::uint8_t sizes_label = 0;  // words[1 + i] is TreeOptions::sizes[i]
  ChoiceSource source = ChoiceSource::largest_size;

  [[nodiscard]] bool operator==(const StoredFile&) const = default;
};

struct PhotoChunk {
  std::uint32_t page = 0;  // 1-based; 0: the favorites
  std::vector<StoredRecord> records;
  std::vector<StoredFile> files;  // the records' files, record by record
  std::vector<Ino> exif_inos;     // by record; empty without --exif
  std::string text;               // every string of the chunk, each stored once
  // "", the --sizes labels, then labels, extensions and URL directories, once each.
  std::vector<TextRef> words;

  [[nodiscard]] std::size_t size() const { return records.size(); }
  [[nodiscard]] PhotoRecord record(std::size_t k) const;
  [[nodiscard]] std::string_view text_of(TextRef ref) const {
    return std::string_view(text).substr(ref.offset, ref.size);
  }
  [[nodiscard]] std::string_view word(std::uint32_t index) const { return text_of(words[index]); }
  // True for a photo's best file ("best" label), false for a --sizes extra.
  [[nodiscard]] bool is_best(const StoredFile& file) const {
    return word(file.sizes_label) == "best";
  }

  // True when `other` holds the same records, files, names and inode numbers: a snapshot
  // may then serve `other` in this chunk's place.
  [[nodiscard]] bool same_as(const PhotoChunk& other) const;
};

}  // namespace flickrfs::model
