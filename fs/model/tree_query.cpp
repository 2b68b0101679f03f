// Queries on a Tree snapshot (see tree.hpp): by inode, by name, listings, attributes.
#include <algorithm>
#include <charconv>

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
    case NodeKind::photo_dir:
      return true;
    default:
      return false;
  }
}

bool is_regular_file(NodeKind kind) noexcept {
  return kind == NodeKind::image_file || kind == NodeKind::size_file || kind == NodeKind::info_json;
}

std::optional<Node> Tree::node(Ino ino) const {
  const auto it = std::lower_bound(m_by_ino.begin(), m_by_ino.end(), ino,
                                   [](const PackedNode& n, Ino value) { return n.ino < value; });
  if (it != m_by_ino.end() && it->ino == ino) return it->unpack();
  const auto link = std::lower_bound(m_links.begin(), m_links.end(), ino,
                                     [](const Node& n, Ino value) { return n.ino < value; });
  if (link != m_links.end() && link->ino == ino) return *link;
  return std::nullopt;
}

Ino Tree::page_ino(std::size_t page) const {
  return page >= 1 && page <= m_page_inos.size() ? m_page_inos[page - 1] : 0;
}

std::pair<std::size_t, std::size_t> Tree::page_range(std::size_t page) const {
  const std::size_t begin = std::min(m_photos.size(), (page - 1) * m_options.page_size);
  return {begin, std::min(m_photos.size(), begin + m_options.page_size)};
}

std::optional<std::uint32_t> Tree::photo_index(std::string_view photo_id) const {
  const auto found = std::lower_bound(
      m_photo_by_id.begin(), m_photo_by_id.end(), photo_id,
      [&](std::uint32_t index, std::string_view id) { return m_photos[index].photo.id < id; });
  if (found == m_photo_by_id.end() || m_photos[*found].photo.id != photo_id) return std::nullopt;
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
  const auto& files = m_photos[file.index].files;
  return static_cast<std::size_t>(files.data() - m_files.data()) + file.sub;
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

const PhotoFile& Tree::file(const Node& node) const {
  return m_photos[node.index].files[node.sub];
}

std::vector<api::PhotosetRef> Tree::sets_of(std::uint32_t photo_index) const {
  std::vector<api::PhotosetRef> sets;
  for (const auto a : m_photos[photo_index].albums)
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
      break;
    case NodeKind::photostream:
      if (name.size() > 5 && name.substr(0, 5) == "page-") {
        std::size_t page = 0;
        const auto digits = name.substr(5);
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), page);
        if (ec == std::errc() && end == digits.data() + digits.size())
          candidate = node(page_ino(page));
      }
      break;
    case NodeKind::sets: {
      if (const auto index = album_index(trailing_id(name))) candidate = node(m_albums[*index].ino);
      break;
    }
    case NodeKind::page_dir: {
      const auto index = photo_index(trailing_id(name));
      if (index && m_photos[*index].page == dir.index) candidate = node(m_photos[*index].dir_ino);
      break;
    }
    case NodeKind::album_dir: {
      const auto& album = m_albums[dir.index];
      const std::size_t position = leading_position(name);
      if (position >= 1 && position <= album.members.size()) {
        candidate = node(album.link_inos[position - 1]);
      }
      break;
    }
    case NodeKind::photo_dir: {
      const auto& record = m_photos[dir.index];
      if (name == kInfoJsonName) return node(record.info_ino);
      for (const auto& file : record.files) {
        if (file.name == name) return node(file.ino);
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
  // The id or position only located the candidate; the whole name must match.
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
    case NodeKind::page_dir:
      return page_dir_name(node.index);
    case NodeKind::album_dir:
      return m_albums[node.index].name;
    case NodeKind::photo_dir:
      return std::string(m_photos[node.index].stem);
    case NodeKind::image_file:
    case NodeKind::size_file:
      return std::string(file(node).name);
    case NodeKind::info_json:
      return std::string(kInfoJsonName);
    case NodeKind::album_link:
      return album_entry_name(node.sub + 1, m_albums[node.album].members.size(),
                              m_photos[node.index].stem);
  }
  return {};
}

Ino Tree::parent_of(const Node& node) const {
  switch (node.kind) {
    case NodeKind::root:
    case NodeKind::photostream:
    case NodeKind::sets:
      return kRootIno;
    case NodeKind::page_dir:
      return kPhotostreamIno;
    case NodeKind::album_dir:
      return kSetsIno;
    case NodeKind::photo_dir:
      return page_ino(m_photos[node.index].page);
    case NodeKind::image_file:
    case NodeKind::size_file:
    case NodeKind::info_json:
      return m_photos[node.index].dir_ino;
    case NodeKind::album_link:
      return m_albums[node.album].ino;
  }
  return kRootIno;
}

std::string Tree::link_target(const Node& node) const {
  const auto& record = m_photos[node.index];
  return "../../photostream/" + page_dir_name(record.page) + "/" + std::string(record.stem);
}

std::int64_t Tree::dir_mtime(const Node& node) const {
  switch (node.kind) {
    case NodeKind::root:
      return std::max(m_photostream_mtime, m_sets_mtime);
    case NodeKind::photostream:
      return m_photostream_mtime;
    case NodeKind::sets:
      return m_sets_mtime;
    case NodeKind::page_dir:
      return m_page_mtimes[node.index - 1];
    case NodeKind::album_dir:
      return m_albums[node.index].mtime;
    case NodeKind::photo_dir:
      return m_photos[node.index].dir_mtime;
    default:
      return 0;
  }
}

Attr Tree::attr(const Node& node, std::optional<std::uint64_t> file_size) const {
  Attr attr;
  attr.ino = node.ino;
  attr.kind = node.kind;
  switch (node.kind) {
    case NodeKind::root:
      attr.nlink = 4;
      break;
    case NodeKind::photostream:
      attr.nlink = static_cast<std::uint32_t>(2 + page_count());
      break;
    case NodeKind::sets:
      attr.nlink = static_cast<std::uint32_t>(2 + album_count());
      break;
    case NodeKind::page_dir: {
      const auto [begin, end] = page_range(node.index);
      attr.nlink = static_cast<std::uint32_t>(2 + end - begin);
      break;
    }
    case NodeKind::album_dir:
    case NodeKind::photo_dir:
      attr.nlink = 2;
      break;
    default:
      attr.nlink = 1;
      break;
  }
  if (is_directory(node.kind)) {
    attr.size = kDirSize;
    attr.mtime = dir_mtime(node);
  } else if (node.kind == NodeKind::album_link) {
    attr.size = link_target(node).size();
    attr.mtime = m_photos[node.index].dir_mtime;
  } else if (node.kind == NodeKind::info_json) {
    attr.size = file_size;
    attr.mtime = m_photos[node.index].photo.last_update;
  } else {
    attr.size = file_size;
    attr.mtime = m_photos[node.index].taken_mtime;
    attr.immutable = true;
  }
  return attr;
}

void Tree::list_fixed(const Node& dir, std::vector<DirEntry>& out) const {
  out.push_back({".", dir.ino, dir.kind});
  const Ino parent = parent_of(dir);
  out.push_back({"..", parent, node(parent)->kind});
  if (dir.kind == NodeKind::root) {
    out.push_back({"photostream", kPhotostreamIno, NodeKind::photostream});
    out.push_back({"sets", kSetsIno, NodeKind::sets});
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
    case NodeKind::page_dir:
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
  if (!m_photostream_listed || !albums_complete()) return false;
  const auto pending = [](std::uint8_t p) { return p != 0; };
  return std::none_of(m_page_pending.begin(), m_page_pending.end(), pending);
}

Result<void> Tree::list(Ino dir_ino, std::uint64_t offset, const EntryFn& fn) const {
  const auto dir = node(dir_ino);
  if (!dir || !is_directory(dir->kind)) {
    return make_error(Errc::not_found, "not a directory of this snapshot");
  }
  std::vector<DirEntry> fixed;
  list_fixed(*dir, fixed);
  std::uint64_t position = 0;
  // emit() returns false once the caller wants no more.
  const auto emit = [&](DirEntry entry) {
    ++position;
    if (position <= offset) return true;
    return fn(entry, position);
  };
  for (auto& entry : fixed) {
    if (!emit(std::move(entry))) return success();
  }
  const auto skip_to = offset > position ? offset - position : 0;
  switch (dir->kind) {
    case NodeKind::photostream:
      for (std::size_t page = 1 + skip_to; page <= page_count(); ++page) {
        position = fixed.size() + page - 1;
        if (!emit({page_dir_name(page), page_ino(page), NodeKind::page_dir})) break;
      }
      break;
    case NodeKind::sets:
      for (std::size_t a = skip_to; a < m_albums.size(); ++a) {
        position = fixed.size() + a;
        if (!emit({m_albums[a].name, m_albums[a].ino, NodeKind::album_dir})) break;
      }
      break;
    case NodeKind::page_dir: {
      const auto [begin, end] = page_range(dir->index);
      for (std::size_t i = begin + skip_to; i < end; ++i) {
        position = fixed.size() + i - begin;
        if (!emit({std::string(m_photos[i].stem), m_photos[i].dir_ino, NodeKind::photo_dir})) break;
      }
      break;
    }
    case NodeKind::album_dir: {
      const auto& album = m_albums[dir->index];
      for (std::size_t p = skip_to; p < album.members.size(); ++p) {
        position = fixed.size() + p;
        const Node link{album.link_inos[p], NodeKind::album_link, album.members[p],
                        static_cast<std::uint32_t>(p), dir->index};
        if (!emit({name_of(link), link.ino, NodeKind::album_link})) break;
      }
      break;
    }
    case NodeKind::photo_dir: {
      const auto& record = m_photos[dir->index];
      std::vector<DirEntry> children;
      for (const auto& file : record.files) {
        children.push_back(
            {std::string(file.name), file.ino,
             file.sizes_label == "best" ? NodeKind::image_file : NodeKind::size_file});
      }
      children.push_back({std::string(kInfoJsonName), record.info_ino, NodeKind::info_json});
      for (std::size_t c = skip_to; c < children.size(); ++c) {
        position = fixed.size() + c;
        if (!emit(std::move(children[c]))) break;
      }
      break;
    }
    default:
      break;
  }
  return success();
}

}  // namespace flickrfs::model
