#pragma once
// The tree of DESIGN section 3 as an immutable snapshot: built once from the catalog's
// photos and albums, then queried by inode and by (parent, name) from any thread.
// A refresh builds a new Tree and swaps the shared_ptr (fs/sync/catalog.hpp); readers keep
// the snapshot they started with, so a listing never mixes two generations.
//
//   MOUNT/photostream/page-0001/<stem>.<ext>     best file (media_choice.hpp)
//                               <stem>.json      its sidecar (info_json.hpp)
//                               <stem>.exif.json its EXIF (--exif; exif_json.hpp)
//                               .hidden          the sidecars' names, one a line
//   MOUNT/sets/<title>_<album id>/0001_<stem>.<ext> -> ../../photostream/page-0001/<stem>.<ext>
//                                 0001_<stem>.json  -> ../../photostream/page-0001/<stem>.json
//                                 album.json, .hidden (album_json.hpp)
//   MOUNT/sizes/<label>/page-0001/<stem>.<ext>   --sizes extras, one tree per label
//   MOUNT/tags/ by-date/ by-upload/              views: symlinks into photostream/ (views.hpp)
//   MOUNT/favorites/<stem>.<ext>, <stem>.json ... others' photos the user faved: real files,
//                                                flat like a page, Flickr's order (newest faved
//                                                first), best size only
//
// A favorite is a photo record like the photostream's (files, sidecar, exif.json, sizes),
// after them: indices [photo_count(), record_count()), page 0, in no album and no view.
// page_range(0) is their range, so what walks a page walks favorites/ too.
//
// Photos are ordered oldest upload first (ties by id), 500 per page, so a new upload only
// changes the last page. Album photos missing from the photostream (not visible to the
// caller) are left out of the album directory. Byte sizes are not part of the snapshot's
// value: they are learnt over time and passed in by the caller (attr()); the snapshot only
// remembers the ones the catalog has learnt for it (file_size(), info_size()).
//
// Thread contract: immutable after build() except those size memos (relaxed atomics, only
// ever written with a final value); safe from any thread.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "api/types.hpp"
#include "base/result.hpp"
#include "cache/page.hpp"
#include "fs/model/ino_set.hpp"
#include "fs/model/media_choice.hpp"
#include "fs/model/node.hpp"
#include "fs/model/photo_chunk.hpp"
#include "fs/model/string_arena.hpp"
#include "fs/model/views.hpp"

namespace flickrfs::model {

using cache::kPhotosPerPage;
inline constexpr std::string_view kSidecarExt = ".json";
inline constexpr std::string_view kHiddenName = ".hidden";
inline constexpr std::string_view kAlbumJsonName = "album.json";

// The page order of DESIGN section 3: oldest upload first, ties by numeric id (shorter first).
[[nodiscard]] constexpr bool upload_before(std::int64_t upload_a, std::string_view id_a,
                                           std::int64_t upload_b, std::string_view id_b) {
  if (upload_a != upload_b) return upload_a < upload_b;
  if (id_a.size() != id_b.size()) return id_a.size() < id_b.size();
  return id_a < id_b;
}

struct AlbumInput {
  api::Photoset set;
  std::vector<std::string> photo_ids;  // album order
  bool members_listed = true;          // false: the album's photos were never fetched
};

// One photo as a PhotoFeed hands it over.
struct FeedPhoto {
  api::Photo photo;
  bool sizes_pending = false;  // see CatalogInput::sizes_pending
};

// Photos handed to Tree::build one at a time (CatalogInput::feed), so a caller that reads a
// large account from its cache never holds them all: at 100,000 photos that list, even
// stripped (Tree::strip_for_build), was the largest part of a rebuild's peak.
// next() fills `out` and returns true, or returns false at the end. Photos must come in
// upload order (oldest first, ties by id, as build() sorts them); build() keeps a photo only
// when it comes after the previous one (so a repeated id is kept once, as with `photos`).
// A feed whose source may be out of order must check it and say so to its owner.
// Thread contract: used by the one thread running build().
class PhotoFeed {
 public:
  virtual ~PhotoFeed() = default;
  [[nodiscard]] virtual std::size_t size_hint() const = 0;  // for reserve(); may be off
  [[nodiscard]] virtual bool next(FeedPhoto& out) = 0;
  // The account's NSID when CatalogInput::owner is empty (read from the first photo).
  [[nodiscard]] virtual std::string owner() const { return {}; }
  // When the next photos are `chunk`'s records (the same ids in the same order) and none of
  // them changed since `chunk` was built from this source: moves past them and returns true,
  // and build() shares `chunk` without reading them. Else returns false and consumes nothing;
  // a feed that cannot tell always does.
  [[nodiscard]] virtual bool skip_unchanged(const PhotoChunk& /*chunk*/) { return false; }
};

// What the catalog knows. The *_listed flags and sizes_pending say which listings are not
// fetched yet (a first mount fills them in the background): such a directory is shown
// with what is known, and Tree::listed() tells the ops to wait (bounded) for the rest.
struct CatalogInput {
  std::vector<api::Photo> photos;  // any order; build() sorts them
  // Instead of `photos` (which must then be empty): photos read one at a time, in order.
  std::shared_ptr<PhotoFeed> feed;
  std::vector<AlbumInput> albums;  // album-list order (kept)
  bool photostream_listed = true;
  bool albums_listed = true;
  // Videos whose streams are not known yet (list calls give only the poster): their page
  // counts as not listed, so its file names do not change under a reader.
  std::unordered_set<std::string> sizes_pending;
  std::string owner;  // the account's NSID, for album.json's URL (empty: "url": null)
  std::vector<api::Collection> collections;  // collections.getTree (views.hpp)
  bool collections_listed = true;
  // favorites.getList, in its order; a photo also in the photostream is left out.
  std::vector<api::Photo> favorites;
  bool favorites_listed = true;
};

struct TreeOptions {
  std::vector<std::string> sizes = {"best"};  // parse_sizes_list() output
  std::size_t page_size = kPhotosPerPage;
  bool exif = false;  // --exif: <stem>.exif.json beside each sidecar, linked from albums

  [[nodiscard]] bool operator==(const TreeOptions&) const = default;
};

struct AlbumRecord {
  api::Photoset set;
  std::string name;
  Ino ino = 0;
  std::int64_t mtime = 0;
  std::vector<std::uint32_t> members;  // photo indices, album order
  // The links' inode numbers are not stored (Tree::album_member_node): a member's follow from
  // this, ino_hash_prefix(album_link, {set id}), and the photo id, as view links' do.
  std::uint64_t link_hash = 0;
  std::unordered_map<std::uint32_t, std::uint32_t> link_salts;  // slot -> salt, when not 0
  Ino hidden_ino = 0;
  Ino json_ino = 0;
  bool listed = true;  // members fetched (else shown empty)
};

class Tree {
 public:
  using EntryFn = std::function<bool(const DirEntry& entry, std::uint64_t next_offset)>;

  // `previous` (optional, and only read during the call): the snapshot this one replaces;
  // each page that builds to the same records as one of its pages shares that page's
  // PhotoChunk instead of a copy (photo_chunk.hpp).
  [[nodiscard]] static std::shared_ptr<const Tree> build(CatalogInput input, TreeOptions options,
                                                         const Tree* previous = nullptr);
  // Drops from `photo` what build() does not keep (description, tags, geo, the size rows no
  // file uses ...), so a caller reading 100,000 photos holds only what the tree needs.
  // build() gives the same tree for the stripped photo as for the full one.
  static void strip_for_build(api::Photo& photo, const TreeOptions& options);

  // The node an inode number names in this snapshot; empty if it does not exist (any more).
  [[nodiscard]] std::optional<Node> node(Ino ino) const;
  [[nodiscard]] std::optional<Node> lookup(Ino parent, std::string_view name) const;
  // Children of `dir` from `offset` (0 = first, "." and ".." included), in order, until
  // `fn` returns false. Errc::not_found if `dir` is not a directory of this snapshot.
  [[nodiscard]] Result<void> list(Ino dir, std::uint64_t offset, const EntryFn& fn) const;
  // Attributes; `file_size` is the known byte size of a regular file (ignored otherwise).
  [[nodiscard]] Attr attr(const Node& node, std::optional<std::uint64_t> file_size) const;
  [[nodiscard]] std::string name_of(const Node& node) const;
  [[nodiscard]] Ino parent_of(const Node& node) const;
  // False while the listing of directory `dir` is not known yet (CatalogInput's flags):
  // the photostream before its first walk, sets/ before the album list, an album before
  // its members, a page holding a video whose streams are unknown.
  [[nodiscard]] bool listed(const Node& dir) const;
  // True when the album list and every album's members are known (info.json "sets").
  [[nodiscard]] bool albums_complete() const;
  // True when every directory is listed (nothing left for the background fill).
  [[nodiscard]] bool complete() const;
  // "../../photostream/page-0003/<stem>.<ext>" (or ".json") for an album_link (sidecar_link).
  [[nodiscard]] std::string link_target(const Node& node) const;
  // "<stem>.json".
  [[nodiscard]] std::string sidecar_name(std::uint32_t photo_index) const;
  // "<stem>.exif.json" (only meaningful with --exif).
  [[nodiscard]] std::string exif_name(std::uint32_t photo_index) const;
  // The photo's exif_file inode; 0 without --exif.
  [[nodiscard]] Ino exif_ino(std::uint32_t photo_index) const;
  // True for a favorite's record (favorites/), false for a photostream photo.
  [[nodiscard]] bool is_favorite(std::uint32_t photo_index) const {
    return photo_index >= m_stream_count;
  }
  // True when the photo has a best file (files[0]); a photo without one shows its sidecar only.
  [[nodiscard]] bool has_image(std::uint32_t photo_index) const;
  // The bytes of a file rendered from the snapshot alone (hidden_list, album_json); empty
  // for any other node. Never touches the network (tree_text.cpp).
  [[nodiscard]] std::string generated_text(const Node& node) const;
  [[nodiscard]] static bool is_generated(NodeKind kind) noexcept {
    return kind == NodeKind::hidden_list || kind == NodeKind::album_json;
  }
  // The index of a --sizes label in options().sizes, or empty.
  [[nodiscard]] std::optional<std::uint32_t> label_index(std::string_view label) const;
  // sizes/<label>/page-NNNN for a label index >= 1; 0 if there is none.
  [[nodiscard]] Ino size_page_ino(std::uint32_t label, std::size_t page) const;

  // A view of the photo's record (photo_chunk.hpp), valid while this snapshot lives.
  [[nodiscard]] PhotoRecord photo(std::uint32_t index) const {
    const auto [chunk, offset] = chunk_of(index);
    return m_chunks[chunk]->record(offset);
  }
  [[nodiscard]] std::string_view photo_id(std::uint32_t index) const {
    const auto [chunk, offset] = chunk_of(index);
    return m_chunks[chunk]->text_of(m_chunks[chunk]->records[offset].id);
  }
  // Album indices holding the photo, in album-list order.
  [[nodiscard]] std::span<const std::uint32_t> albums_of(std::uint32_t photo_index) const;
  // The chunk holding a 1-based page's records (page 0: the favorites'); null if none. Two
  // snapshots with the same chunk for a page list that page the same way.
  [[nodiscard]] const PhotoChunk* page_chunk(std::size_t page) const;
  [[nodiscard]] const AlbumRecord& album(std::uint32_t index) const { return m_albums[index]; }
  // The file an image_file / size_file node serves.
  [[nodiscard]] PhotoFile file(const Node& node) const;
  [[nodiscard]] std::vector<api::PhotosetRef> sets_of(std::uint32_t photo_index) const;
  [[nodiscard]] std::optional<std::uint32_t> photo_index(std::string_view photo_id) const;
  [[nodiscard]] std::optional<std::uint32_t> album_index(std::string_view album_id) const;

  // info.json byte sizes rendered for this snapshot: a memo the catalog fills once a photo's
  // info.json is final (its comments, best file size and albums known), so `ls -l` asks
  // MetaStore once per photo and snapshot instead of on every stat. Any thread.
  [[nodiscard]] std::optional<std::uint64_t> info_size(std::uint32_t photo_index) const;
  void remember_info_size(std::uint32_t photo_index, std::uint64_t size) const;
  // The same for image and size files, whose byte size never changes once known (their
  // inode number follows the URL): a stat answers from memory, not from MetaStore.
  [[nodiscard]] std::optional<std::uint64_t> file_size(const Node& file) const;
  void remember_file_size(const Node& file, std::uint64_t size) const;

  // The photostream's photos; record_count() adds the favorites after them.
  [[nodiscard]] std::size_t photo_count() const { return m_stream_count; }
  [[nodiscard]] std::size_t favorite_count() const { return m_record_count - m_stream_count; }
  [[nodiscard]] std::size_t record_count() const { return m_record_count; }
  [[nodiscard]] std::size_t album_count() const { return m_albums.size(); }
  [[nodiscard]] std::size_t page_count() const { return m_page_mtimes.size(); }
  // How many pages (favorites/ counts as one) build() shared with its `previous`.
  [[nodiscard]] std::size_t shared_pages() const { return m_shared_pages; }
  [[nodiscard]] std::span<const AlbumRecord> albums() const { return m_albums; }
  [[nodiscard]] const TreeOptions& options() const { return m_options; }
  [[nodiscard]] const ViewData& views() const { return m_views; }
  // The image link inode of member `slot` of view directory `dir` (the sidecar link's is
  // this | 1, the exif.json link's this | 2).
  [[nodiscard]] Ino view_member_ino(std::uint32_t dir, std::uint32_t slot) const;
  // A link of member `slot` of album `album` (of view directory `dir`). part: 0 the image
  // link (none when the photo has no image), 1 the sidecar link, 2 the exif.json link (--exif
  // only).
  [[nodiscard]] std::optional<Node> album_member_node(std::uint32_t album, std::uint32_t slot,
                                                      std::uint32_t part) const;
  [[nodiscard]] std::optional<Node> view_member_node(std::uint32_t dir, std::uint32_t slot,
                                                     std::uint32_t part) const;
  [[nodiscard]] Ino page_ino(std::size_t page) const;
  // The .hidden of a page_dir or of favorites/.
  [[nodiscard]] Ino page_hidden_ino(const Node& dir) const;
  // Photo indices of a 1-based page; page 0: the favorites.
  [[nodiscard]] std::pair<std::size_t, std::size_t> page_range(std::size_t page) const;

  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;

 private:
  Tree() = default;
  class ChunkBuilder;  // tree.cpp
  void add_photos(PhotoFeed& feed, std::vector<api::Photo> favorites, ViewCollector& views,
                  const Tree* previous);
  // Adds `chunk` as the next page (or favorites/); `shared`: taken from the previous snapshot.
  void append_chunk(std::shared_ptr<const PhotoChunk> chunk, bool shared);
  // Appends `built`, or `previous`'s chunk for its page when that came out the same.
  void add_chunk(std::shared_ptr<PhotoChunk> built, const Tree* previous);
  // Shares `previous`'s chunk for `page` when the feed has it unchanged (skip_unchanged)
  // and its inode numbers are still free in this build.
  [[nodiscard]] bool reuse_page(PhotoFeed& feed, const Tree& previous, std::uint32_t page);
  // The view memberships of the photos of the pages marked in `reused`, as `previous` has them.
  void add_reused_views(const Tree& previous, const std::vector<bool>& reused,
                        ViewCollector& views) const;
  // (chunk, offset in it) of a record index.
  [[nodiscard]] std::pair<std::size_t, std::size_t> chunk_of(std::uint32_t index) const {
    if (index < m_stream_count) return {index / m_options.page_size, index % m_options.page_size};
    return {m_chunks.size() - 1, index - m_stream_count};
  }
  void add_albums(std::vector<AlbumInput> albums);
  // tree_views.cpp: the views' layout, inode numbers and mtimes, then their queries.
  void add_views(ViewCollector collector);
  void assign_view_link_inos(const std::vector<std::string>& paths);
  void add_collection_links(const std::vector<std::pair<std::uint32_t, std::string>>& links,
                            const std::vector<std::uint32_t>& slot_of,
                            const std::vector<std::string>& paths);
  void compute_view_mtimes();
  [[nodiscard]] std::optional<Node> view_link_node(Ino ino) const;
  // The view directory whose member range holds `slot`.
  [[nodiscard]] std::uint32_t view_dir_of(std::uint32_t slot) const;
  // The low bits of an album or view link's inode that name its part: 1 bit, 2 with --exif.
  [[nodiscard]] Ino link_part_mask() const { return m_options.exif ? 3 : 1; }
  // Album and view links alike: whether the photo's member has link `part` (see
  // album_member_node), its image link inode from the directory's hash prefix and the salt
  // kept for its slot, and whether a build may still hand out every part of `base`.
  [[nodiscard]] bool has_link_part(std::uint32_t photo, std::uint32_t part) const;
  [[nodiscard]] Ino salted_link_ino(std::uint64_t prefix,
                                    const std::unordered_map<std::uint32_t, std::uint32_t>& salts,
                                    std::uint32_t slot, std::uint32_t photo) const;
  [[nodiscard]] bool link_parts_free(Ino base) const;
  // Whether `ino` is a part of an album link this build handed out (build time only).
  [[nodiscard]] bool is_album_link_part(Ino ino) const;
  // The first base from hash `salt` on whose parts link_parts_free(); `salt` is left at it.
  [[nodiscard]] Ino free_link_base(std::uint64_t prefix, std::string_view photo_id,
                                   std::uint32_t& salt) const;
  [[nodiscard]] std::optional<Node> lookup_in_view(const Node& dir, std::string_view name) const;
  void list_view(const Node& dir, std::uint64_t first, const std::function<bool(DirEntry)>& emit,
                 std::uint64_t& position) const;
  [[nodiscard]] std::string view_hidden_text(std::uint32_t dir) const;
  void compute_dir_mtimes();
  void index_nodes();
  Ino unique_ino(NodeKind kind, std::initializer_list<std::string_view> parts);
  void list_fixed(const Node& dir, std::vector<DirEntry>& out) const;
  [[nodiscard]] std::optional<Node> lookup_in(const Node& dir, std::string_view name) const;
  [[nodiscard]] std::int64_t dir_mtime(const Node& node) const;
  [[nodiscard]] std::string hidden_text(const Node& node) const;
  void list_page(const Node& dir, std::uint64_t first, const std::function<bool(DirEntry)>& emit,
                 std::uint64_t& position) const;
  void list_album(const Node& dir, std::uint64_t first, const std::function<bool(DirEntry)>& emit,
                  std::uint64_t& position) const;
  [[nodiscard]] std::optional<Node> lookup_in_album(const Node& dir, std::string_view name) const;
  [[nodiscard]] std::optional<Node> lookup_in_page(const Node& dir, std::string_view name) const;

  TreeOptions m_options;
  // The photostream's pages in order, then the favorites' chunk when there are favorites.
  std::vector<std::shared_ptr<const PhotoChunk>> m_chunks;
  std::vector<std::size_t> m_chunk_first_file;  // file_slot() of each chunk's first file
  std::size_t m_record_count = 0;
  std::size_t m_file_count = 0;
  std::size_t m_shared_pages = 0;  // see shared_pages()
  std::vector<AlbumRecord> m_albums;
  std::vector<std::int64_t> m_page_mtimes;  // index page-1
  std::vector<Ino> m_page_inos;
  std::vector<Ino> m_page_hidden_inos;  // index page-1
  std::size_t m_stream_count = 0;       // photostream records; the favorites follow
  Ino m_favorites_hidden_ino = 0;
  std::int64_t m_favorites_mtime = 0;
  bool m_favorites_listed = true;
  std::vector<std::uint8_t> m_page_pending;  // index page-1: holds a sizes_pending photo
  std::vector<Ino> m_size_dir_inos;          // index label-1 (labels after "best")
  std::vector<Ino> m_size_page_inos;         // index (label-1) * pages + page-1
  std::string m_owner;
  bool m_photostream_listed = true;
  bool m_albums_listed = true;
  bool m_collections_listed = true;
  std::int64_t m_photostream_mtime = 0;
  std::int64_t m_sets_mtime = 0;
  StringArena m_strings;  // view names (the photos' strings are in their chunks)
  ViewData m_views;
  std::vector<std::uint32_t> m_photo_albums;  // every photo's album indices, photo by photo
  // albums_of(i) is m_photo_albums[m_albums_begin[i], m_albums_begin[i + 1]); empty: no
  // photo is in an album.
  std::vector<std::uint32_t> m_albums_begin;
  // A Node in 16 bytes instead of 24: the kind in the top 8 bits of `sub` (a file's variant
  // index), no album. About 3.3 per photo: 2.6 MB less at 100,000 photos.
  struct PackedNode {
    Ino ino = 0;
    std::uint32_t index = 0;
    std::uint32_t kind_sub = 0;
    static std::uint32_t pack(NodeKind kind, std::uint32_t sub) {
      return static_cast<std::uint32_t>(kind) << 24 | (sub & 0xFFFFFFu);
    }
    [[nodiscard]] Node unpack() const {
      return {ino, static_cast<NodeKind>(kind_sub >> 24), index, kind_sub & 0xFFFFFFu, 0};
    }
  };
  std::vector<PackedNode> m_by_ino;  // every node but links into albums, sorted by ino
  // An album member, for the links' index: 8 bytes, where two stored inode numbers in the
  // album and two 24-byte Nodes in the index were 64 (1,000,000 members at 1,000,000 photos
  // in the emulator's albums).
  struct AlbumLink {
    std::uint32_t album = 0;
    std::uint32_t slot = 0;
  };
  // The image link inode of an album member; the sidecar link's is this | 1, the exif.json
  // link's this | 2 (link_part_mask()).
  [[nodiscard]] Ino album_member_ino(std::uint32_t album, std::uint32_t slot) const;
  // Sorts `links` (image link inode, member), salting a member whose number another took,
  // into m_album_links and m_album_link_bases.
  void settle_album_links(std::vector<std::pair<Ino, AlbumLink>>& links);
  std::vector<AlbumLink> m_album_links;  // every album member, sorted by album_member_ino
  std::vector<Ino> m_album_link_bases;   // their image link inodes, sorted; build time only
  std::vector<Node> m_collection_links;  // collections/ links to album dirs, sorted by ino
  // info_size() memo, by photo index; 0 = not known (an info.json is never empty).
  mutable std::unique_ptr<std::atomic<std::uint32_t>[]> m_info_sizes;
  // file_size() memo, by file_slot(); UINT64_MAX = not known (0 is a valid size).
  mutable std::unique_ptr<std::atomic<std::uint64_t>[]> m_file_sizes;
  [[nodiscard]] std::size_t file_slot(const Node& file) const;
  // Photo indices sorted by photo id: 4 bytes a photo, one block instead of a hash node each.
  std::vector<std::uint32_t> m_photo_by_id;
  std::unordered_map<std::string_view, std::uint32_t> m_album_by_id;  // views into m_albums
  InoSet m_used_inos;  // build-time collision check; cleared after
};

}  // namespace flickrfs::model
