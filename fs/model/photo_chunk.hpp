#pragma once
// What a Tree snapshot keeps of each photo, held one page at a time: a PhotoChunk is one
// photostream page's records (500 photos; favorites/ is one more chunk), their files and the
// strings both point to. A chunk is immutable once built and shared by every snapshot whose
// page built to the same thing (Tree::build's `previous`): a rebuild after a new upload, or
// at the end of a first fill whose pages were published as they became final, allocates
// only the pages that changed, and the current snapshot and the one being built hold one
// copy of the rest. At 1,000,000 photos the records were 390 of the 580 bytes a photo and
// snapshot cost, and the two snapshots alive during a rebuild were the peak.
//
// Thread contract: built by the one thread running Tree::build; immutable once that build
// shares it, then read from any thread.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/types.hpp"
#include "fs/model/media_choice.hpp"
#include "fs/model/node.hpp"
#include "fs/model/string_arena.hpp"

namespace flickrfs::model {

// A FileChoice as a snapshot keeps it: its strings live in the chunk's StringArena
// (labels and extensions once per distinct value).
struct StoredChoice {
  std::string_view label;
  std::string_view ext;
  std::string_view url;
  int width = 0;
  int height = 0;
  ChoiceSource source = ChoiceSource::largest_size;

  [[nodiscard]] FileChoice to_choice() const {
    return {std::string(label), std::string(ext), std::string(url), width, height, source};
  }
  [[nodiscard]] bool operator==(const StoredChoice&) const = default;
};

// One file of a photo directory. Views point into the snapshot: copy what must outlive it.
struct PhotoFile {
  std::string_view name;
  Ino ino = 0;
  std::string_view sizes_label;  // "best" or the --sizes label (TreeOptions::sizes)
  StoredChoice choice;

  [[nodiscard]] bool operator==(const PhotoFile&) const = default;
};

// What a snapshot keeps of a photo beyond its names and files. info.json's other fields
// (title, description, tags, owner, geo ...) are read from where the snapshot came from when
// it is rendered (the mount: MetaStore; the mirror: its listing). Flickr's ids and secrets
// fit std::string's inline buffer, so a core owns its strings without a heap block.
struct PhotoCore {
  std::string id;
  std::string secret;  // the shared secret: a blob's key when its URL has no secret of its own
  std::int64_t date_upload = 0;
  std::int64_t last_update = 0;
  std::int64_t count_comments = 0;
  api::Media media = api::Media::photo;

  [[nodiscard]] bool operator==(const PhotoCore&) const = default;
};

// What a snapshot keeps of `photo` (its other fields are dropped).
[[nodiscard]] PhotoCore core_of(api::Photo&& photo);

// A photo's albums are not part of its record (they change without the photo changing):
// Tree::albums_of().
struct PhotoRecord {
  PhotoCore photo;
  std::string_view stem;  // a prefix of the best file's name when there is one
  Ino sidecar_ino = 0;
  std::uint32_t page = 0;      // 1-based; 0 for a favorite
  bool sizes_pending = false;  // a video whose streams are not fetched yet
  std::int64_t taken_mtime = 0;
  std::int64_t dir_mtime = 0;        // the newest of taken_mtime and last_update
  std::span<const PhotoFile> files;  // files[0] is the best file when the photo has one
};

struct PhotoChunk {
  // A chunk's strings take about 55 KB: blocks of the arena's default 1 MB would waste most
  // of each.
  static constexpr std::size_t kStringBlock = std::size_t{16} << 10;

  std::vector<PhotoRecord> records;
  std::vector<PhotoFile> files;  // the records' files, record by record
  std::vector<Ino> exif_inos;    // by record; empty without --exif
  StringArena strings{kStringBlock};

  // True when `other` holds the same records, files, names and inode numbers: a snapshot
  // may then serve `other` in this chunk's place.
  [[nodiscard]] bool same_as(const PhotoChunk& other) const;
};

}  // namespace flickrfs::model
