#pragma once
// The vocabulary of the tree (DESIGN section 3): inode numbers, node kinds, attributes and
// directory entries, as plain values. No fuse header: fs/ops translates these into
// struct stat and fuse_entry_param.
//
// Thread contract: plain values; thread-compatible.

#include <cstdint>
#include <optional>
#include <string>

namespace flickrfs::model {

using Ino = std::uint64_t;

inline constexpr Ino kRootIno = 1;  // FUSE_ROOT_ID

enum class NodeKind : std::uint8_t {
  root,         // MOUNT/
  photostream,  // MOUNT/photostream/
  sets,         // MOUNT/sets/
  page_dir,     // MOUNT/photostream/page-0001/
  album_dir,    // MOUNT/sets/<title>_<album id>/
  photo_dir,    // .../page-0001/<stem>/
  image_file,   // .../<stem>/<stem>.<ext>: the best size (or the video stream / poster)
  size_file,    // .../<stem>/<stem>.<label>.<ext>: an extra size asked for with --sizes
  info_json,    // .../<stem>/info.json
  album_link,   // .../sets/<album>/0001_<stem> -> ../../photostream/page-NNNN/<stem>
};

[[nodiscard]] bool is_directory(NodeKind kind) noexcept;
[[nodiscard]] bool is_regular_file(NodeKind kind) noexcept;

// Where a node lives in the snapshot it came from. `index` is the photo index (photo_dir,
// image_file, size_file, info_json, album_link), the album index (album_dir) or the page
// number (page_dir); `sub` is the variant index (0 = best, i = i-th --sizes label) for files
// and the 0-based album position for album_link.
struct Node {
  Ino ino = 0;
  NodeKind kind = NodeKind::root;
  std::uint32_t index = 0;
  std::uint32_t sub = 0;
  std::uint32_t album = 0;  // album index, for album_link only
};

// What stat(2) shows. `size` is empty while a byte size is not known yet: callers must not
// invent one (DESIGN section 3 "Sizes are exact").
struct Attr {
  Ino ino = 0;
  NodeKind kind = NodeKind::root;
  std::optional<std::uint64_t> size;
  std::int64_t mtime = 0;  // unix seconds
  std::uint32_t nlink = 1;
  // True when the content can never change under this inode number (image files: their
  // inode is derived from the URL, which carries the secret). Drives the kernel timeouts.
  bool immutable = false;
};

struct DirEntry {
  std::string name;
  Ino ino = 0;
  NodeKind kind = NodeKind::root;
};

}  // namespace flickrfs::model
