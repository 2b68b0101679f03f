#pragma once
// The views of a Tree snapshot (DESIGN section 3, issue "The rest of Flickr as folders"):
// directories of relative symlinks into photostream/, so a copy holds each photo's bytes once.
//
//   MOUNT/tags/<tag>/<stem>.<ext>             -> ../../photostream/page-NNNN/<stem>.<ext>
//   MOUNT/tags/machine/<ns:pred=value>/...    machine tags, one level deeper
//   MOUNT/by-date/YYYY/MM/...                 by date taken; a year-only or circa date
//                                             (granularity 6 and 8) sits in by-date/YYYY/,
//                                             an unknown one in by-date/unknown/
//   MOUNT/by-upload/YYYY/MM/...               by upload date (UTC)
//   MOUNT/collections/<title>_<id>/...        Flickr's collection tree (one getTree call):
//        <child collection>/ ...              nested collections, then one link per album
//        <album dir> -> ../../sets/<album dir>  (as many ../ as the folder is deep)
//
// Each directory with photos has a `.hidden` naming its sidecar links. Everything but the
// collections comes from the photostream listing's extras (tags, machine_tags, datetaken*,
// dateupload): no API call.
//
// Layout kept compact for 100,000-photo accounts: the directories in one array (a parent's
// children contiguous and sorted by name), every membership as a photo index (4 B) plus the
// image link's inode (8 B; the sidecar link's is that | 1) plus a slot in an inode-sorted
// index (4 B): 16 bytes a (photo, directory) pair, for both of its links.
//
// Thread contract: plain data, immutable once the Tree that owns it is built.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "api/types.hpp"
#include "fs/model/node.hpp"

namespace flickrfs::model {

inline constexpr std::uint32_t kNoViewDir = UINT32_MAX;

struct ViewDir {
  std::string_view name;  // in the snapshot's StringArena (or a literal for the roots)
  Ino ino = 0;
  Ino hidden_ino = 0;                 // 0 when the directory holds no photos
  std::uint32_t parent = kNoViewDir;  // kNoViewDir: a child of MOUNT/
  std::uint32_t first_child = 0;
  std::uint32_t child_count = 0;
  std::uint32_t first_member = 0;
  std::uint32_t member_count = 0;
  std::int64_t mtime = 0;
  std::uint32_t first_album_link = 0;  // collections: links to albums, into album_links
  std::uint32_t album_link_count = 0;
  std::uint32_t depth = 1;        // path components below MOUNT/: tags = 1, tags/x = 2
  bool from_collections = false;  // listed once the collection tree and albums are known
  // ino_hash_prefix(view_link, {path}): its members' link inodes follow from it and the
  // photo id (Tree::view_member_ino).
  std::uint64_t link_hash = 0;
};

struct ViewData {
  std::vector<ViewDir> dirs;           // the roots first, then breadth first
  std::vector<std::uint32_t> members;  // photo indices, directory by directory, ascending
  // Member slots sorted by their image link inode (Tree::view_member_ino). The inodes are not
  // kept: at 1,000,000 photos the views hold some 5,700,000 members, and 8 bytes each were
  // 46 MB of every snapshot.
  std::vector<std::uint32_t> by_ino;
  // Member slot -> salt, for the few whose hash had to be salted (a collision).
  std::unordered_map<std::uint32_t, std::uint32_t> link_salts;
  std::vector<std::uint32_t> album_links;  // album indices, directory by directory
  std::vector<Ino> album_link_inos;        // parallel to album_links
};

// Build-time: view directories by path, and (directory, photo index) pairs. The roots
// (collections, tags, by-date, by-upload) exist from the start, so an account without tags
// still shows tags/. Thread contract: one thread (Tree::build).
class ViewCollector {
 public:
  struct Dir {
    std::string path;  // below MOUNT/, '/'-separated
    std::string name;  // the last component
    std::uint32_t parent = kNoViewDir;
    std::uint32_t depth = 1;
    bool from_collections = false;
  };
  ViewCollector();
  // The directory at `path` (and its ancestors), created if new.
  std::uint32_t dir(std::string_view path);
  void add(std::uint32_t dir, std::uint32_t photo_index) {
    m_members.emplace_back(dir, photo_index);
  }
  // collections/<title>_<id>/... for Flickr's collection tree, with its album links.
  void add_collections(const std::vector<api::Collection>& collections) {
    add_collections(collections, "collections");
  }
  // (directory, album id) in collection order.
  [[nodiscard]] const std::vector<std::pair<std::uint32_t, std::string>>& album_links() const {
    return m_album_links;
  }
  [[nodiscard]] const std::vector<Dir>& dirs() const { return m_dirs; }
  [[nodiscard]] std::vector<std::pair<std::uint32_t, std::uint32_t>>& members() {
    return m_members;
  }

 private:
  void add_collections(const std::vector<api::Collection>& collections, const std::string& parent);
  std::unordered_map<std::string, std::uint32_t> m_by_path;
  std::vector<std::pair<std::uint32_t, std::string>> m_album_links;
  std::vector<Dir> m_dirs;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> m_members;  // (dir, photo index)
};

// The view directories one photo belongs to, as paths below MOUNT/ ("tags/sunset",
// "by-date/2019/07", ...), each component a valid file name (naming.hpp). Pure.
[[nodiscard]] std::vector<std::string> view_paths_of(const api::Photo& photo);

// "by-date/2019/07", "by-date/2019" or "by-date/unknown" for a photo.
[[nodiscard]] std::string taken_view_path(const api::Photo& photo);

}  // namespace flickrfs::model
