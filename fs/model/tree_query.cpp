// Queries on a Tree snapshot (see tree.hpp): by inode, by name, names, links, attributes.
// Listings are in tree_listing.cpp.
#include <algorithm>
#include <charconv>

#include "fs/model/exif_json.hpp"
#include "fs/model/inode.hpp"
#include "fs/model/naming.hpp"
#include "fs/model/tree.hpp"

namespace flickrfs::model {

namespace {

constexpr std::uint64_t kDirSize = 4096;

// The id at the end of "<...>_<id>" (or the whole name when it has no '_').
std::string_view trailing_id(std::string_view name) {
  const auto underscore = name.rfind('_');
  return underscore == std::string_view::npos ? name : name.substr(underscore + 1);
}

// The id in "<...>_<id>.<ext>" (or "<...>_<id>.exif.json").
std::string_view file_id(std::string_view name) {
  if (name.ends_with(kExifExt)) name.remove_suffix(kExifExt.size() - 1);
  const auto dot = name.rfind('.');
  return trailing_id(dot == std::string_view::npos ? name : name.substr(0, dot));
}

// The page number of "page-0001", or 0.
std::size_t page_number(std::string_view name) {
  if (name.size() <= 5 || name.substr(0, 5) != "page-") return 0;
  std::size_t page = 0;
  const auto digits = name.substr(5);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), page);
  return ec == std::errc() && end == digits.data() + digits.size() ? page : 0;
}

// The 1-based number before the first '_' of "0001_<stem>", or 0.
std::size_t leading_position(std::string_view name) {
  const auto underscore = name.find('_');
  if (underscore == std::string_view::npos || underscore == 0) return 0;
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + underscore, value);
  return ec == std::errc() && end == name.data() + underscore ? value : 0;
}

}  // namespace

bool is_directory(NodeKind kind) noexcept {
  switch (kind) {
    case NodeKind::root:
    case NodeKind::photostream:
    case NodeKind::sets:
    case NodeKind::page_dir:
    case NodeKind::album_dir:
    case NodeKind::sizes:
    case NodeKind::size_dir:
    case NodeKind::size_page_dir:
    case NodeKind::view_dir:
    case NodeKind::favorites:
    case NodeKind::upload_dir:
      return true;
    default:
      return false;
  }
}

bool is_regular_file(NodeKind kind) noexcept {
  return is_photo_file(kind) || kind == NodeKind::hidden_list || kind == NodeKind::album_json ||
         kind == NodeKind::exif_file || kind == NodeKind::upload_file;
}

bool is_symlink(NodeKind kind) noexcept {
  return kind == NodeKind::album_link || kind == NodeKind::sidecar_link ||
         kind == NodeKind::exif_link || kind == NodeKind::view_link ||
         kind == NodeKind::view_sidecar_link || kind == NodeKind::view_exif_link ||
         kind == NodeKind::collection_link;
}

bool is_photo_file(NodeKind kind) noexcept {
  return kind == NodeKind::image_file || kind == NodeKind::size_file || kind == NodeKind::sidecar;
}

std::optional<Node> Tree::node(Ino ino) const {
  const auto it = std::lower_bound(m_by_ino.begin(), m_by_ino.end(), ino,
                                   [](const PackedNode& n, Ino value) { return n.ino < value; });
  if (it != m_by_ino.end() && it->ino == ino) return it->unpack();
  const Ino base = ino & ~link_part_mask();
  const auto link = std::lower_bound(
      m_album_links.begin(), m_album_links.end(), base,
      [&](const AlbumLink& l, Ino value) { return album_member_ino(l.album, l.slot) < value; });
  if (link != m_album_links.end() && album_member_ino(link->album, link->slot) == base) {
    return album_member_node(link->album, link->slot,
                             static_cast<std::uint32_t>(ino & link_part_mask()));
  }
  const auto collection =
      std::lower_bound(m_collection_links.begin(), m_collection_links.end(), ino,
                       [](const Node& n, Ino value) { return n.ino < value; });
  if (collection != m_collection_links.end() && collection->ino == ino) return *collection;
  return view_link_node(ino);
}

bool Tree::has_link_part(std::uint32_t photo, std::uint32_t part) const {
  return part == 1 || (part == 0 && has_image(photo)) || (part == 2 && m_options.exif);
}

Ino Tree::salted_link_ino(std::uint64_t prefix,
                          const std::unordered_map<std::uint32_t, std::uint32_t>& salts,
                          std::uint32_t slot, std::uint32_t photo_index) const {
  const auto salted = salts.empty() ? salts.end() : salts.find(slot);
  const std::uint32_t salt = salted == salts.end() ? 0 : salted->second;
  return stable_ino_after(prefix, photo_id(photo_index), salt) & ~link_part_mask();
}

bool Tree::link_parts_free(Ino base) const {
  return base >= 16 && !m_used_inos.contains(base) && !m_used_inos.contains(base | 1) &&
         (link_part_mask() == 1 || !m_used_inos.contains(base | 2)) && !is_album_link_part(base);
}

bool Tree::is_album_link_part(Ino ino) const {
  return std::binary_search(m_album_link_bases.begin(), m_album_link_bases.end(),
                            ino & ~link_part_mask());
}

Ino Tree::free_link_base(std::uint64_t prefix, std::string_view photo_id,
                         std::uint32_t& salt) const {
  for (;; ++salt) {
    const Ino base = stable_ino_after(prefix, photo_id, salt) & ~link_part_mask();
    if (link_parts_free(base)) return base;
  }
}

Ino Tree::album_member_ino(std::uint32_t album_index, std::uint32_t slot) const {
  const AlbumRecord& album = m_albums[album_index];
  return salted_link_ino(album.link_hash, album.link_salts, slot, album.members[slot]);
}

std::optional<Node> Tree::album_member_node(std::uint32_t album, std::uint32_t slot,
                                            std::uint32_t part) const {
  const std::uint32_t photo = m_albums[album].members[slot];
  if (!has_link_part(photo, part)) return std::nullopt;
  static constexpr NodeKind kKinds[] = {NodeKind::album_link, NodeKind::sidecar_link,
                                        NodeKind::exif_link};
  return Node{album_member_ino(album, slot) | part, kKinds[part], photo, slot, album};
}

Ino Tree::page_hidden_ino(const Node& dir) const {
  return dir.kind == NodeKind::favorites ? m_favorites_hidden_ino
                                         : m_page_hidden_inos[dir.index - 1];
}

Ino Tree::page_ino(std::size_t page) const {
  return page >= 1 && page <= m_page_inos.size() ? m_page_inos[page - 1] : 0;
}

Ino Tree::size_page_ino(std::uint32_t label, std::size_t page) const {
  if (label == 0 || label > m_size_dir_inos.size() || page == 0 || page > m_page_inos.size())
    return 0;
  return m_size_page_inos[(label - 1) * m_page_inos.size() + page - 1];
}

std::optional<std::uint32_t> Tree::label_index(std::string_view label) const {
  for (std::uint32_t i = 0; i < m_options.sizes.size(); ++i) {
    if (m_options.sizes[i] == label) return i;
  }
  return std::nullopt;
}

bool Tree::has_image(std::uint32_t photo_index) const {
  const auto [chunk, offset] = chunk_of(photo_index);
  const PhotoChunk& stored = *m_chunks[chunk];
  const StoredRecord& record = stored.records[offset];
  return record.file_count != 0 && stored.is_best(stored.files[record.first_file]);
}

std::string Tree::sidecar_name(std::uint32_t photo_index) const {
  return std::string(photo(photo_index).stem).append(kSidecarExt);
}

std::string Tree::exif_name(std::uint32_t photo_index) const {
  return std::string(photo(photo_index).stem).append(kExifExt);
}

Ino Tree::exif_ino(std::uint32_t photo_index) const {
  if (!m_options.exif) return 0;
  const auto [chunk, offset] = chunk_of(photo_index);
  return m_chunks[chunk]->exif_inos[offset];
}

std::pair<std::size_t, std::size_t> Tree::page_range(std::size_t page) const {
  if (page == 0) return {m_stream_count, m_record_count};
  const std::size_t begin = std::min(m_stream_count, (page - 1) * m_options.page_size);
  return {begin, std::min(m_stream_count, begin + m_options.page_size)};
}

std::optional<std::uint32_t> Tree::photo_index(std::string_view photo_id) const {
  const auto found = std::lower_bound(
      m_photo_by_id.begin(), m_photo_by_id.end(), photo_id,
      [&](std::uint32_t index, std::string_view id) { return this->photo_id(index) < id; });
  if (found == m_photo_by_id.end() || this->photo_id(*found) != photo_id) return std::nullopt;
  return *found;
}

std::optional<std::uint32_t> Tree::album_index(std::string_view album_id) const {
  const auto found = m_album_by_id.find(album_id);
  if (found == m_album_by_id.end()) return std::nullopt;
  return found->second;
}

std::optional<std::uint64_t> Tree::info_size(std::uint32_t photo_index) const {
  const std::uint32_t size = m_info_sizes[photo_index].load(std::memory_order_relaxed);
  if (size == 0) return std::nullopt;
  return size;
}

void Tree::remember_info_size(std::uint32_t photo_index, std::uint64_t size) const {
  if (size == 0 || size > UINT32_MAX) return;  // not representable: rendered every time
  m_info_sizes[photo_index].store(static_cast<std::uint32_t>(size), std::memory_order_relaxed);
}

std::size_t Tree::file_slot(const Node& file) const {
  const auto [chunk, offset] = chunk_of(file.index);
  return m_chunk_first_file[chunk] + m_chunks[chunk]->records[offset].first_file + file.sub;
}

std::optional<std::uint64_t> Tree::file_size(const Node& file) const {
  const std::uint64_t size = m_file_sizes[file_slot(file)].load(std::memory_order_relaxed);
  if (size == UINT64_MAX) return std::nullopt;
  return size;
}

void Tree::remember_file_size(const Node& file, std::uint64_t size) const {
  if (size == UINT64_MAX) return;
  m_file_sizes[file_slot(file)].store(size, std::memory_order_relaxed);
}

PhotoFile Tree::file(const Node& node) const {
  return photo(node.index).files[node.sub];
}

std::vector<api::PhotosetRef> Tree::sets_of(std::uint32_t photo_index) const {
  std::vector<api::PhotosetRef> sets;
  for (const auto a : albums_of(photo_index))
    sets.push_back({m_albums[a].set.id, m_albums[a].set.title});
  return sets;
}

std::optional<Node> Tree::lookup(Ino parent, std::string_view name) const {
  if (name.empty() || name.size() > kMaxNameBytes) return std::nullopt;
  const auto dir = node(parent);
  if (!dir || !is_directory(dir->kind)) return std::nullopt;
  if (name == ".") return dir;
  if (name == "..") return node(parent_of(*dir));
  return lookup_in(*dir, name);
}

std::optional<Node> Tree::lookup_in(const Node& dir, std::string_view name) const {
  std::optional<Node> candidate;
  switch (dir.kind) {
    case NodeKind::root:
      if (name == "photostream") candidate = node(kPhotostreamIno);
      if (name == "sets") candidate = node(kSetsIno);
      if (name == "sizes") candidate = node(kSizesIno);
      if (name == "favorites") candidate = node(kFavoritesIno);
      for (const auto& view : m_views.dirs) {
        if (view.parent == kNoViewDir && view.name == name) candidate = node(view.ino);
      }
      break;
    case NodeKind::photostream:
      candidate = node(page_ino(page_number(name)));
      break;
    case NodeKind::sets: {
      if (const auto index = album_index(trailing_id(name))) candidate = node(m_albums[*index].ino);
      break;
    }
    case NodeKind::sizes:
      if (const auto label = label_index(name); label && *label > 0)
        candidate = node(m_size_dir_inos[*label - 1]);
      break;
    case NodeKind::size_dir:
      candidate = node(size_page_ino(dir.index, page_number(name)));
      break;
    case NodeKind::size_page_dir: {
      const auto index = photo_index(file_id(name));
      if (!index || photo(*index).page != dir.index) break;
      const auto& label = m_options.sizes[dir.sub];
      for (const auto& file : photo(*index).files) {
        if (file.sizes_label == label) candidate = node(file.ino);
      }
      break;
    }
    case NodeKind::page_dir:
    case NodeKind::favorites:  // index 0: the favorites' page number
      return lookup_in_page(dir, name);
    case NodeKind::album_dir:
      return lookup_in_album(dir, name);
    case NodeKind::view_dir:
      return lookup_in_view(dir, name);
    default:
      return std::nullopt;
  }
  // The id or position only located the candidate; the whole name must match.
  if (candidate && name_of(*candidate) == name) return candidate;
  return std::nullopt;
}

std::optional<Node> Tree::lookup_in_page(const Node& dir, std::string_view name) const {
  if (name == kHiddenName) {
    if (page_range(dir.index).first == page_range(dir.index).second) return std::nullopt;
    return node(page_hidden_ino(dir));
  }
  const auto index = photo_index(file_id(name));
  if (!index || photo(*index).page != dir.index) return std::nullopt;
  const auto record = photo(*index);
  const std::string_view stem = record.stem;
  if (name.size() == stem.size() + kExifExt.size() && name.starts_with(stem) &&
      name.ends_with(kExifExt)) {
    const Ino exif = exif_ino(*index);
    return exif != 0 ? node(exif) : std::nullopt;
  }
  if (name.size() == stem.size() + kSidecarExt.size() && name.starts_with(stem) &&
      name.ends_with(kSidecarExt)) {
    return node(record.sidecar_ino);
  }
  if (has_image(*index) && record.files[0].has_name(name)) return node(record.files[0].ino);
  return std::nullopt;
}

std::optional<Node> Tree::lookup_in_album(const Node& dir, std::string_view name) const {
  const auto& album = m_albums[dir.index];
  if (name == kHiddenName) return node(album.hidden_ino);
  if (name == kAlbumJsonName) return node(album.json_ino);
  const std::size_t position = leading_position(name);
  if (position < 1 || position > album.members.size()) return std::nullopt;
  // ".exif.json" ends in ".json" too: the longer suffix first.
  const std::uint32_t part = name.ends_with(kExifExt) ? 2 : name.ends_with(kSidecarExt) ? 1 : 0;
  const auto candidate =
      album_member_node(dir.index, static_cast<std::uint32_t>(position - 1), part);
  if (candidate && name_of(*candidate) == name) return candidate;
  return std::nullopt;
}

std::string Tree::name_of(const Node& node) const {
  switch (node.kind) {
    case NodeKind::root:
      return "/";
    case NodeKind::photostream:
      return "photostream";
    case NodeKind::sets:
      return "sets";
    case NodeKind::sizes:
      return "sizes";
    case NodeKind::favorites:
      return "favorites";
    case NodeKind::size_dir:
      return m_options.sizes[node.index];
    case NodeKind::page_dir:
    case NodeKind::size_page_dir:
      return page_dir_name(node.index);
    case NodeKind::album_dir:
      return m_albums[node.index].name;
    case NodeKind::image_file:
    case NodeKind::size_file:
      return file(node).name();
    case NodeKind::sidecar:
      return sidecar_name(node.index);
    case NodeKind::exif_file:
      return exif_name(node.index);
    case NodeKind::hidden_list:
      return std::string(kHiddenName);
    case NodeKind::album_json:
      return std::string(kAlbumJsonName);
    case NodeKind::album_link:
      return album_entry_name(node.sub + 1, m_albums[node.album].members.size(),
                              photo(node.index).files[0].name());
    case NodeKind::sidecar_link:
      return album_entry_name(node.sub + 1, m_albums[node.album].members.size(),
                              sidecar_name(node.index));
    case NodeKind::exif_link:
      return album_entry_name(node.sub + 1, m_albums[node.album].members.size(),
                              exif_name(node.index));
    case NodeKind::view_dir:
      return std::string(m_views.dirs[node.index].name);
    case NodeKind::view_link:
      return photo(node.index).files[0].name();
    case NodeKind::view_sidecar_link:
      return sidecar_name(node.index);
    case NodeKind::view_exif_link:
      return exif_name(node.index);
    case NodeKind::collection_link:
      return m_albums[node.index].name;
    case NodeKind::upload_dir:  // not tree nodes (fs/upload/)
    case NodeKind::upload_file:
      break;
  }
  return {};
}

Ino Tree::parent_of(const Node& node) const {
  switch (node.kind) {
    case NodeKind::root:
    case NodeKind::photostream:
    case NodeKind::sets:
    case NodeKind::sizes:
    case NodeKind::favorites:
      return kRootIno;
    case NodeKind::page_dir:
      return kPhotostreamIno;
    case NodeKind::album_dir:
      return kSetsIno;
    case NodeKind::size_dir:
      return kSizesIno;
    case NodeKind::size_page_dir:
      return m_size_dir_inos[node.sub - 1];
    case NodeKind::image_file:
    case NodeKind::sidecar:
    case NodeKind::exif_file: {
      const std::uint32_t page = photo(node.index).page;
      return page == 0 ? kFavoritesIno : page_ino(page);
    }
    case NodeKind::size_file: {
      const auto label = label_index(file(node).sizes_label);
      return size_page_ino(label.value_or(0), photo(node.index).page);
    }
    case NodeKind::hidden_list:
      if (node.sub == 2) return m_views.dirs[node.index].ino;
      if (node.sub == 3) return kFavoritesIno;
      return node.sub == 0 ? page_ino(node.index) : m_albums[node.index].ino;
    case NodeKind::album_json:
      return m_albums[node.index].ino;
    case NodeKind::album_link:
    case NodeKind::sidecar_link:
    case NodeKind::exif_link:
      return m_albums[node.album].ino;
    case NodeKind::view_dir: {
      const std::uint32_t parent = m_views.dirs[node.index].parent;
      return parent == kNoViewDir ? kRootIno : m_views.dirs[parent].ino;
    }
    case NodeKind::view_link:
    case NodeKind::view_sidecar_link:
    case NodeKind::view_exif_link:
    case NodeKind::collection_link:
      return m_views.dirs[node.album].ino;
    case NodeKind::upload_dir:  // not tree nodes (fs/upload/)
    case NodeKind::upload_file:
      break;
  }
  return kRootIno;
}

std::string Tree::link_target(const Node& node) const {
  if (node.kind == NodeKind::collection_link) {
    std::string up;
    for (std::uint32_t d = 0; d < m_views.dirs[node.album].depth; ++d)
      up += "../";
    return up + "sets/" + m_albums[node.index].name;
  }
  const auto record = photo(node.index);
  const bool image = node.kind == NodeKind::album_link || node.kind == NodeKind::view_link;
  const bool exif = node.kind == NodeKind::exif_link || node.kind == NodeKind::view_exif_link;
  const std::string name = image  ? record.files[0].name()
                           : exif ? exif_name(node.index)
                                  : sidecar_name(node.index);
  std::string up = "../../";
  if (node.kind == NodeKind::view_link || node.kind == NodeKind::view_sidecar_link ||
      node.kind == NodeKind::view_exif_link) {
    up.clear();
    for (std::uint32_t d = 0; d < m_views.dirs[node.album].depth; ++d)
      up += "../";
  }
  return up + "photostream/" + page_dir_name(record.page) + "/" + name;
}

std::int64_t Tree::dir_mtime(const Node& node) const {
  switch (node.kind) {
    case NodeKind::root:
      return std::max({m_photostream_mtime, m_sets_mtime, m_favorites_mtime});
    case NodeKind::favorites:
      return m_favorites_mtime;
    case NodeKind::photostream:
    case NodeKind::sizes:
    case NodeKind::size_dir:
      return m_photostream_mtime;
    case NodeKind::sets:
      return m_sets_mtime;
    case NodeKind::page_dir:
    case NodeKind::size_page_dir:
      return m_page_mtimes[node.index - 1];
    case NodeKind::album_dir:
      return m_albums[node.index].mtime;
    case NodeKind::view_dir:
      return m_views.dirs[node.index].mtime;
    default:
      return 0;
  }
}

Attr Tree::attr(const Node& node, std::optional<std::uint64_t> file_size) const {
  Attr attr;
  attr.ino = node.ino;
  attr.kind = node.kind;
  attr.nlink = 1;
  switch (node.kind) {
    case NodeKind::root: {
      const auto views = std::count_if(m_views.dirs.begin(), m_views.dirs.end(),
                                       [](const ViewDir& d) { return d.parent == kNoViewDir; });
      attr.nlink = static_cast<std::uint32_t>((m_size_dir_inos.empty() ? 5 : 6) + views);
      break;
    }
    case NodeKind::view_dir:
      attr.nlink = 2 + m_views.dirs[node.index].child_count;
      break;
    case NodeKind::photostream:
      attr.nlink = static_cast<std::uint32_t>(2 + page_count());
      break;
    case NodeKind::sets:
      attr.nlink = static_cast<std::uint32_t>(2 + album_count());
      break;
    case NodeKind::sizes:
      attr.nlink = static_cast<std::uint32_t>(2 + m_size_dir_inos.size());
      break;
    case NodeKind::size_dir:
      attr.nlink = static_cast<std::uint32_t>(2 + page_count());
      break;
    case NodeKind::page_dir:
    case NodeKind::size_page_dir:
    case NodeKind::album_dir:
    case NodeKind::favorites:
      attr.nlink = 2;  // no subdirectories
      break;
    default:
      break;
  }
  if (is_directory(node.kind)) {
    attr.size = kDirSize;
    attr.mtime = dir_mtime(node);
  } else if (is_symlink(node.kind)) {
    attr.size = link_target(node).size();
    // An image link has its picture's mtime: libfm checks a thumbnail's Thumb::MTime against
    // the link's own (lstat) mtime, tumbler against the target's; equal, both accept it.
    if (node.kind == NodeKind::collection_link) {
      attr.mtime = m_albums[node.index].mtime;
    } else if (node.kind == NodeKind::album_link || node.kind == NodeKind::view_link) {
      attr.mtime = photo(node.index).taken_mtime;
    } else {
      attr.mtime = photo(node.index).dir_mtime;
    }
  } else if (node.kind == NodeKind::sidecar) {
    attr.size = file_size;
    attr.mtime = photo(node.index).photo.last_update;
  } else if (node.kind == NodeKind::exif_file) {
    // What the camera wrote never changes: the picture's own time, like the image.
    attr.size = file_size;
    attr.mtime = photo(node.index).taken_mtime;
  } else if (node.kind == NodeKind::hidden_list) {
    attr.size = file_size;
    attr.mtime = node.sub == 0   ? m_page_mtimes[node.index - 1]
                 : node.sub == 1 ? m_albums[node.index].mtime
                 : node.sub == 2 ? m_views.dirs[node.index].mtime
                                 : m_favorites_mtime;
  } else if (node.kind == NodeKind::album_json) {
    attr.size = file_size;
    attr.mtime = m_albums[node.index].set.date_update;
  } else {
    attr.size = file_size;
    attr.mtime = photo(node.index).taken_mtime;
    attr.immutable = true;
  }
  return attr;
}

}  // namespace flickrfs::model
