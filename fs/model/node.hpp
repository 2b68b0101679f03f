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

// The numbers are part of every stable inode number (model/inode.hpp): never renumber.
enum class NodeKind : std::uint8_t {
  root = 0,            // MOUNT/
  photostream = 1,     // MOUNT/photostream/
  sets = 2,            // MOUNT/sets/
  page_dir = 3,        // MOUNT/photostream/page-0001/
  album_dir = 4,       // MOUNT/sets/<title>_<album id>/
  image_file = 6,      // page-0001/<stem>.<ext>: the best size (or the video stream / poster)
  size_file = 7,       // sizes/<label>/page-0001/<stem>.<ext>: an extra size (--sizes)
  sidecar = 8,         // page-0001/<stem>.json: the photo's metadata
  album_link = 9,      // sets/<album>/0001_<stem>.<ext> -> ../../photostream/page-NNNN/<stem>.<ext>
  sizes = 10,          // MOUNT/sizes/ (only with --sizes extras)
  size_dir = 11,       // MOUNT/sizes/<label>/
  size_page_dir = 12,  // MOUNT/sizes/<label>/page-0001/
  hidden_list = 13,    // page-0001/.hidden or sets/<album>/.hidden: the sidecars' names
  album_json = 14,     // sets/<album>/album.json
  sidecar_link = 15,   // sets/<album>/0001_<stem>.json -> ../../photostream/page-NNNN/<stem>.json
  view_dir = 16,       // tags/, tags/<tag>/, by-date/YYYY/MM/ ... (views.hpp)
  view_link = 17,      // tags/<tag>/<stem>.<ext> -> ../../photostream/page-NNNN/<stem>.<ext>
  view_sidecar_link = 18,  // tags/<tag>/<stem>.json -> ../../photostream/page-NNNN/<stem>.json
  collection_link = 19,    // collections/<c>/<album dir> -> ../../sets/<album dir>
  exif_file = 20,          // page-0001/<stem>.exif.json: getExif's reply (--exif)
  exif_link = 21,          // sets/<album>/0001_<stem>.exif.json -> (like sidecar_link)
  favorites = 22,          // MOUNT/favorites/: others' photos the user faved, real files
  view_exif_link = 23,     // tags/<tag>/<stem>.exif.json -> (like view_sidecar_link; --exif)
  // MOUNT/upload/ of a --writable mount and what is in it (fs/upload/, not part of a Tree).
  upload_dir = 30,
  upload_file = 31,
};

[[nodiscard]] bool is_directory(NodeKind kind) noexcept;
[[nodiscard]] bool is_regular_file(NodeKind kind) noexcept;
[[nodiscard]] bool is_symlink(NodeKind kind) noexcept;
// A file of one photo (image, extra size or sidecar): Node::index is the photo's index. Not
// exif_file, which has one too: image prefetch and thumbnails leave it alone.
[[nodiscard]] bool is_photo_file(NodeKind kind) noexcept;

// Where a node lives in the snapshot it came from. `index` is the photo index (photo files,
// exif files and album links of every kind), the album index (album_dir, album_json, an album's
// hidden_list), the page number (page_dir, size_page_dir, a page's hidden_list), the --sizes label
// index (size_dir) or the view directory (view_dir, a view's hidden_list). `sub` is the variant
// index into the photo's files (0 = best) for image and size files, the 0-based position
// for links, the label index for size_page_dir, and for hidden_list 0 (a page's), 1 (an
// album's), 2 (a view directory's) or 3 (favorites/'). A favorite's files and the favorites
// directory itself have page 0 (tree.hpp).
struct Node {
  Ino ino = 0;
  NodeKind kind = NodeKind::root;
  std::uint32_t index = 0;
  std::uint32_t sub = 0;
  std::uint32_t album = 0;  // album index (album links) or view directory (view links)

  [[nodiscard]] bool operator==(const Node&) const = default;
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
  // The size is exact for now but the content will change (CatalogView::provisional_size):
  // no kernel attribute caching.
  bool provisional = false;
};

struct DirEntry {
  std::string name;
  Ino ino = 0;
  NodeKind kind = NodeKind::root;
};

}  // namespace flickrfs::model
