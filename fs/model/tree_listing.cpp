// Listings of a Tree snapshot (see tree.hpp): which entries a directory holds, at which
// offsets, and whether a first mount has fetched them yet.
#include <algorithm>

#include "fs/model/inode.hpp"
#include "fs/model/naming.hpp"
#include "fs/model/tree.hpp"

namespace flickrfs::model {

void Tree::list_fixed(const Node& dir, std::vector<DirEntry>& out) const {
  out.push_back({".", dir.ino, dir.kind});
  const Ino parent = parent_of(dir);
  out.push_back({"..", parent, node(parent)->kind});
  if (dir.kind == NodeKind::root) {
    out.push_back({"photostream", kPhotostreamIno, NodeKind::photostream});
    out.push_back({"sets", kSetsIno, NodeKind::sets});
    out.push_back({"favorites", kFavoritesIno, NodeKind::favorites});
    if (!m_size_dir_inos.empty()) out.push_back({"sizes", kSizesIno, NodeKind::sizes});
    for (const auto& view : m_views.dirs) {
      if (view.parent == kNoViewDir)
        out.push_back({std::string(view.name), view.ino, NodeKind::view_dir});
    }
  }
}

bool Tree::listed(const Node& dir) const {
  switch (dir.kind) {
    case NodeKind::photostream:
      return m_photostream_listed;
    case NodeKind::sets:
      return m_albums_listed;
    case NodeKind::album_dir:
      return dir.index < m_albums.size() && m_albums[dir.index].listed;
    case NodeKind::view_dir:
      return dir.index < m_views.dirs.size() && m_views.dirs[dir.index].from_collections
                 ? m_albums_listed && m_collections_listed
                 : m_photostream_listed;
    case NodeKind::sizes:
    case NodeKind::size_dir:
      return m_photostream_listed;
    case NodeKind::favorites:
      return m_favorites_listed;
    case NodeKind::page_dir:
    case NodeKind::size_page_dir:
      return dir.index == 0 || dir.index > m_page_pending.size() ||
             m_page_pending[dir.index - 1] == 0;
    default:
      return true;
  }
}

bool Tree::albums_complete() const {
  return m_albums_listed && std::all_of(m_albums.begin(), m_albums.end(),
                                        [](const AlbumRecord& album) { return album.listed; });
}

bool Tree::complete() const {
  if (!m_photostream_listed || !albums_complete() || !m_collections_listed || !m_favorites_listed)
    return false;
  const auto pending = [](std::uint8_t p) { return p != 0; };
  return std::none_of(m_page_pending.begin(), m_page_pending.end(), pending);
}

// A page: ".hidden", then each photo's image, sidecar and, with --exif, exif.json (two or
// three offsets a photo, the image's left unused when the photo has none), so any offset
// maps back to its photo directly.
void Tree::list_page(const Node& dir, std::uint64_t first,
                     const std::function<bool(DirEntry)>& emit, std::uint64_t& position) const {
  const std::uint64_t base = position;
  const auto [begin, end] = page_range(dir.index);
  // An empty favorites/ has no .hidden, as a view folder without photos (a page is never empty).
  if (first <= base + 1 && begin != end) {
    position = base + 1;
    if (!emit({std::string(kHiddenName), page_hidden_ino(dir), NodeKind::hidden_list})) return;
  }
  const std::uint64_t stride = m_options.exif ? 3 : 2;
  const std::uint64_t skip = first > base + 2 ? first - base - 2 : 0;
  for (std::size_t i = begin + skip / stride; i < end; ++i) {
    const auto index = static_cast<std::uint32_t>(i);
    const std::uint64_t slot = base + 2 + stride * (i - begin);
    if (slot >= first && has_image(index)) {
      position = slot;
      const auto image = photo(index).files[0];
      if (!emit({image.name(), image.ino, NodeKind::image_file})) return;
    }
    if (slot + 1 >= first) {
      position = slot + 1;
      if (!emit({sidecar_name(index), photo(index).sidecar_ino, NodeKind::sidecar})) return;
    }
    if (stride == 3) {
      position = slot + 2;
      if (!emit({exif_name(index), exif_ino(index), NodeKind::exif_file})) return;
    }
  }
}

// An album: "album.json", ".hidden", then each member's image link and sidecar link.
void Tree::list_album(const Node& dir, std::uint64_t first,
                      const std::function<bool(DirEntry)>& emit, std::uint64_t& position) const {
  const auto& album = m_albums[dir.index];
  const std::uint64_t base = position;
  if (first <= base + 1) {
    position = base + 1;
    if (!emit({std::string(kAlbumJsonName), album.json_ino, NodeKind::album_json})) return;
  }
  if (first <= base + 2) {
    position = base + 2;
    if (!emit({std::string(kHiddenName), album.hidden_ino, NodeKind::hidden_list})) return;
  }
  const std::uint64_t stride = m_options.exif ? 3 : 2;
  const std::uint64_t skip = first > base + 3 ? first - base - 3 : 0;
  for (std::size_t p = skip / stride; p < album.members.size(); ++p) {
    const std::uint64_t slot = base + 3 + stride * p;
    for (std::uint32_t part = 0; part < stride; ++part) {
      if (slot + part < first) continue;
      const auto link = album_member_node(dir.index, static_cast<std::uint32_t>(p), part);
      if (!link) continue;
      position = slot + part;
      if (!emit({name_of(*link), link->ino, link->kind})) return;
    }
  }
}

Result<void> Tree::list(Ino dir_ino, std::uint64_t offset, const EntryFn& fn) const {
  const auto dir = node(dir_ino);
  if (!dir || !is_directory(dir->kind)) {
    return make_error(Errc::not_found, "not a directory of this snapshot");
  }
  // Entries are numbered from 1; an entry goes to `fn` when its number is above `offset`,
  // with its number as the offset to continue from.
  std::uint64_t position = 0;
  const std::function<bool(DirEntry)> emit = [&](DirEntry entry) {
    return position <= offset || fn(entry, position);
  };
  std::vector<DirEntry> fixed;
  list_fixed(*dir, fixed);
  for (auto& entry : fixed) {
    ++position;
    if (!emit(std::move(entry))) return success();
  }
  const std::uint64_t base = position;
  const std::uint64_t first = offset + 1;  // the first number wanted
  const std::uint64_t skip_to = first > base + 1 ? first - base - 1 : 0;
  switch (dir->kind) {
    case NodeKind::photostream:
    case NodeKind::size_dir:
      for (std::size_t page = 1 + skip_to; page <= page_count(); ++page) {
        position = base + page;
        const Ino ino =
            dir->kind == NodeKind::photostream ? page_ino(page) : size_page_ino(dir->index, page);
        if (!emit({page_dir_name(page), ino,
                   dir->kind == NodeKind::photostream ? NodeKind::page_dir
                                                      : NodeKind::size_page_dir})) {
          break;
        }
      }
      break;
    case NodeKind::sets:
      for (std::size_t a = skip_to; a < m_albums.size(); ++a) {
        position = base + a + 1;
        if (!emit({m_albums[a].name, m_albums[a].ino, NodeKind::album_dir})) break;
      }
      break;
    case NodeKind::sizes:
      for (std::size_t label = 1 + skip_to; label <= m_size_dir_inos.size(); ++label) {
        position = base + label;
        if (!emit({m_options.sizes[label], m_size_dir_inos[label - 1], NodeKind::size_dir})) break;
      }
      break;
    case NodeKind::page_dir:
    case NodeKind::favorites:
      list_page(*dir, first, emit, position);
      break;
    case NodeKind::size_page_dir: {
      // One offset a photo; photos without this size leave theirs unused.
      const auto [begin, end] = page_range(dir->index);
      const std::string& label = m_options.sizes[dir->sub];
      for (std::size_t i = begin + skip_to; i < end; ++i) {
        position = base + 1 + i - begin;
        const auto files = photo(static_cast<std::uint32_t>(i)).files;
        const auto found = std::find_if(files.begin(), files.end(),
                                        [&](const PhotoFile& f) { return f.sizes_label == label; });
        if (found == files.end()) continue;
        const PhotoFile file = *found;
        if (!emit({file.name(), file.ino, NodeKind::size_file})) break;
      }
      break;
    }
    case NodeKind::album_dir:
      list_album(*dir, first, emit, position);
      break;
    case NodeKind::view_dir:
      list_view(*dir, first, emit, position);
      break;
    default:
      break;
  }
  return success();
}

}  // namespace flickrfs::model
