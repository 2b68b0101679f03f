// The views of a Tree snapshot (views.hpp): their build, then their queries. The generic
// queries of tree_query.cpp hand view nodes to the functions here.
#include <algorithm>

#include "fs/model/exif_json.hpp"
#include "fs/model/inode.hpp"
#include "fs/model/naming.hpp"
#include "fs/model/tree.hpp"

namespace flickrfs::model {

namespace {

// The id in "<...>_<id>.<ext>" or "<...>_<id>.exif.json" (tree_query.cpp has the same rule
// for pages).
std::string_view id_of_file(std::string_view name) {
  if (name.ends_with(kExifExt)) name.remove_suffix(kExifExt.size() - 1);
  const auto dot = name.rfind('.');
  const std::string_view stem = dot == std::string_view::npos ? name : name.substr(0, dot);
  const auto underscore = stem.rfind('_');
  return underscore == std::string_view::npos ? stem : stem.substr(underscore + 1);
}

Ino root_ino(std::string_view name) {
  if (name == "collections") return kCollectionsIno;
  if (name == "tags") return kTagsIno;
  if (name == "by-date") return kByDateIno;
  return kByUploadIno;
}

}  // namespace

void Tree::add_views(ViewCollector collector) {
  const auto& temps = collector.dirs();
  const auto count = static_cast<std::uint32_t>(temps.size());
  std::vector<std::vector<std::uint32_t>> children(count);
  std::vector<std::uint32_t> order;  // temp ids in slot order: roots, then breadth first
  for (std::uint32_t t = 0; t < count; ++t) {
    if (temps[t].parent == kNoViewDir) {
      order.push_back(t);
    } else {
      children[temps[t].parent].push_back(t);
    }
  }
  auto& dirs = m_views.dirs;
  dirs.resize(count);
  for (std::uint32_t k = 0; k < order.size(); ++k) {
    auto& kids = children[order[k]];
    std::sort(kids.begin(), kids.end(),
              [&](std::uint32_t a, std::uint32_t b) { return temps[a].name < temps[b].name; });
    dirs[k].first_child = static_cast<std::uint32_t>(order.size());
    dirs[k].child_count = static_cast<std::uint32_t>(kids.size());
    order.insert(order.end(), kids.begin(), kids.end());
  }
  std::vector<std::uint32_t> slot_of(count);
  for (std::uint32_t k = 0; k < count; ++k)
    slot_of[order[k]] = k;
  std::vector<std::string> paths(count);  // by slot, for the inode numbers
  for (std::uint32_t k = 0; k < count; ++k) {
    const auto& temp = temps[order[k]];
    auto& dir = dirs[k];
    dir.name = m_strings.store(temp.name);
    dir.parent = temp.parent == kNoViewDir ? kNoViewDir : slot_of[temp.parent];
    dir.depth = temp.depth;
    dir.from_collections = temp.from_collections;
    dir.ino = dir.parent == kNoViewDir ? root_ino(temp.name)
                                       : unique_ino(NodeKind::view_dir, {temp.path});
    paths[k] = temp.path;
  }
  // Members: (slot, photo) pairs sorted, each photo once per directory.
  auto& pairs = collector.members();
  for (auto& pair : pairs)
    pair.first = slot_of[pair.first];
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  m_views.members.reserve(pairs.size());
  std::size_t next = 0;
  for (std::uint32_t k = 0; k < count; ++k) {
    dirs[k].first_member = static_cast<std::uint32_t>(m_views.members.size());
    while (next < pairs.size() && pairs[next].first == k)
      m_views.members.push_back(pairs[next++].second);
    dirs[k].member_count =
        static_cast<std::uint32_t>(m_views.members.size()) - dirs[k].first_member;
    if (dirs[k].member_count > 0)
      dirs[k].hidden_ino = unique_ino(NodeKind::hidden_list, {"view", paths[k]});
  }
  std::vector<std::pair<std::uint32_t, std::uint32_t>>().swap(pairs);
  add_collection_links(collector.album_links(), slot_of, paths);
  assign_view_link_inos(paths);
  compute_view_mtimes();
}

// A collection's albums, in collection order; an album Flickr lists twice in one collection,
// or one not in the album list (not visible to the caller), is left out.
void Tree::add_collection_links(const std::vector<std::pair<std::uint32_t, std::string>>& links,
                                const std::vector<std::uint32_t>& slot_of,
                                const std::vector<std::string>& paths) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> by_dir;  // (slot, album), stable
  for (const auto& [temp, album_id] : links) {
    const auto album = album_index(album_id);
    if (!album) continue;
    const std::pair<std::uint32_t, std::uint32_t> link{slot_of[temp], *album};
    if (std::find(by_dir.begin(), by_dir.end(), link) == by_dir.end()) by_dir.push_back(link);
  }
  std::stable_sort(by_dir.begin(), by_dir.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  auto& dirs = m_views.dirs;
  std::size_t next = 0;
  for (std::uint32_t k = 0; k < dirs.size(); ++k) {
    dirs[k].first_album_link = static_cast<std::uint32_t>(m_views.album_links.size());
    for (; next < by_dir.size() && by_dir[next].first == k; ++next) {
      const std::uint32_t album = by_dir[next].second;
      const Ino ino = unique_ino(NodeKind::collection_link, {paths[k], m_albums[album].set.id});
      m_collection_links.push_back(
          {ino, NodeKind::collection_link, album,
           static_cast<std::uint32_t>(m_views.album_links.size()) - dirs[k].first_album_link, k});
      m_views.album_links.push_back(album);
      m_views.album_link_inos.push_back(ino);
    }
    dirs[k].album_link_count =
        static_cast<std::uint32_t>(m_views.album_links.size()) - dirs[k].first_album_link;
  }
}

// One hash per (directory, photo): the image link gets it with the part bits clear, the
// sidecar link with 1 and, with --exif, the exif.json link with 2 (link_part_mask()). Collisions
// are found by sorting (a hash set of every link would cost more memory at build time than the
// links themselves) and rehashed with a salt. The numbers are held only during the build: a
// snapshot keeps each directory's hash prefix and the few salts, and recomputes a number
// when asked (view_member_ino).
void Tree::assign_view_link_inos(const std::vector<std::string>& paths) {
  auto& dirs = m_views.dirs;
  auto& salts = m_views.link_salts;
  std::vector<Ino> inos(m_views.members.size(), 0);
  // Gives `slot` of directory `dir` the first free inode number from `salt` on.
  const auto hash = [&](std::uint32_t slot, std::uint32_t dir, std::uint32_t salt) {
    inos[slot] = free_link_base(dirs[dir].link_hash, photo_id(m_views.members[slot]), salt);
    if (salt != 0) salts[slot] = salt;
  };
  for (std::uint32_t d = 0; d < dirs.size(); ++d) {
    dirs[d].link_hash = ino_hash_prefix(NodeKind::view_link, {paths[d]});
    for (std::uint32_t slot = dirs[d].first_member;
         slot < dirs[d].first_member + dirs[d].member_count; ++slot) {
      hash(slot, d, 0);
    }
  }
  auto& by_ino = m_views.by_ino;
  by_ino.resize(inos.size());
  for (std::uint32_t slot = 0; slot < inos.size(); ++slot)
    by_ino[slot] = slot;
  const auto by_value = [&](std::uint32_t a, std::uint32_t b) { return inos[a] < inos[b]; };
  for (bool clash = true; clash;) {
    std::sort(by_ino.begin(), by_ino.end(), by_value);
    clash = false;
    for (std::size_t i = 1; i < by_ino.size(); ++i) {
      if (inos[by_ino[i]] != inos[by_ino[i - 1]]) continue;
      const std::uint32_t slot = by_ino[i];
      const auto salted = salts.find(slot);
      hash(slot, view_dir_of(slot), (salted == salts.end() ? 0 : salted->second) + 1);
      clash = true;
    }
  }
}

Ino Tree::view_member_ino(std::uint32_t dir, std::uint32_t slot) const {
  return salted_link_ino(m_views.dirs[dir].link_hash, m_views.link_salts, slot,
                         m_views.members[slot]);
}

std::uint32_t Tree::view_dir_of(std::uint32_t slot) const {
  // The last directory starting at or before the slot: directories without members start
  // where the next one does, so they are skipped.
  const auto& dirs = m_views.dirs;
  const auto after = std::upper_bound(
      dirs.begin(), dirs.end(), slot,
      [](std::uint32_t value, const ViewDir& dir) { return value < dir.first_member; });
  return static_cast<std::uint32_t>(after - dirs.begin() - 1);
}

void Tree::compute_view_mtimes() {
  auto& dirs = m_views.dirs;
  // Children come after their parents: walking backwards sees every child first.
  for (std::size_t k = dirs.size(); k-- > 0;) {
    auto& dir = dirs[k];
    for (std::uint32_t m = dir.first_member; m < dir.first_member + dir.member_count; ++m)
      dir.mtime = std::max(dir.mtime, photo(m_views.members[m]).dir_mtime);
    for (std::uint32_t l = dir.first_album_link; l < dir.first_album_link + dir.album_link_count;
         ++l) {
      dir.mtime = std::max(dir.mtime, m_albums[m_views.album_links[l]].mtime);
    }
    if (dir.parent != kNoViewDir)
      dirs[dir.parent].mtime = std::max(dirs[dir.parent].mtime, dir.mtime);
  }
}

std::optional<Node> Tree::view_member_node(std::uint32_t dir, std::uint32_t slot,
                                           std::uint32_t part) const {
  const std::uint32_t photo = m_views.members[slot];
  if (!has_link_part(photo, part)) return std::nullopt;
  static constexpr NodeKind kKinds[] = {NodeKind::view_link, NodeKind::view_sidecar_link,
                                        NodeKind::view_exif_link};
  return Node{view_member_ino(dir, slot) | part, kKinds[part], photo,
              slot - m_views.dirs[dir].first_member, dir};
}

std::optional<Node> Tree::view_link_node(Ino ino) const {
  const Ino base = ino & ~link_part_mask();
  const auto ino_of = [&](std::uint32_t slot) { return view_member_ino(view_dir_of(slot), slot); };
  const auto found =
      std::lower_bound(m_views.by_ino.begin(), m_views.by_ino.end(), base,
                       [&](std::uint32_t slot, Ino value) { return ino_of(slot) < value; });
  if (found == m_views.by_ino.end() || ino_of(*found) != base) return std::nullopt;
  const std::uint32_t slot = *found;
  return view_member_node(view_dir_of(slot), slot,
                          static_cast<std::uint32_t>(ino & link_part_mask()));
}

std::optional<Node> Tree::lookup_in_view(const Node& dir_node, std::string_view name) const {
  const auto& dir = m_views.dirs[dir_node.index];
  if (name == kHiddenName) return dir.hidden_ino != 0 ? node(dir.hidden_ino) : std::nullopt;
  const auto first = m_views.dirs.begin() + dir.first_child;
  const auto last = first + dir.child_count;
  const auto child = std::lower_bound(
      first, last, name, [](const ViewDir& d, std::string_view n) { return d.name < n; });
  if (child != last && child->name == name) return node(child->ino);
  for (std::uint32_t l = dir.first_album_link; l < dir.first_album_link + dir.album_link_count;
       ++l) {
    if (m_albums[m_views.album_links[l]].name == name) return node(m_views.album_link_inos[l]);
  }
  const auto photo = photo_index(id_of_file(name));
  if (!photo) return std::nullopt;
  const auto members_begin = m_views.members.begin() + dir.first_member;
  const auto members_end = members_begin + dir.member_count;
  const auto member = std::lower_bound(members_begin, members_end, *photo);
  if (member == members_end || *member != *photo) return std::nullopt;
  const auto slot = static_cast<std::uint32_t>(member - m_views.members.begin());
  // ".exif.json" ends in ".json" too: the longer suffix first.
  const std::uint32_t part = name.ends_with(kExifExt) ? 2 : name.ends_with(kSidecarExt) ? 1 : 0;
  const auto candidate = view_member_node(dir_node.index, slot, part);
  if (candidate && name_of(*candidate) == name) return candidate;
  return std::nullopt;
}

// A view directory: its subdirectories and album links (one offset each), ".hidden", then
// each photo's image link, sidecar link and, with --exif, exif.json link (two or three offsets
// a photo, the image's unused when it has none).
void Tree::list_view(const Node& dir_node, std::uint64_t first,
                     const std::function<bool(DirEntry)>& emit, std::uint64_t& position) const {
  const auto& dir = m_views.dirs[dir_node.index];
  const std::uint64_t base = position;
  for (std::uint32_t c = 0; c < dir.child_count; ++c) {
    const std::uint64_t slot = base + 1 + c;
    if (slot < first) continue;
    position = slot;
    const auto& child = m_views.dirs[dir.first_child + c];
    if (!emit({std::string(child.name), child.ino, NodeKind::view_dir})) return;
  }
  for (std::uint32_t l = 0; l < dir.album_link_count; ++l) {
    const std::uint64_t slot = base + dir.child_count + 1 + l;
    if (slot < first) continue;
    position = slot;
    const std::uint32_t link = dir.first_album_link + l;
    if (!emit({m_albums[m_views.album_links[link]].name, m_views.album_link_inos[link],
               NodeKind::collection_link})) {
      return;
    }
  }
  if (dir.member_count == 0) return;
  const std::uint64_t hidden_slot = base + dir.child_count + dir.album_link_count + 1;
  if (first <= hidden_slot) {
    position = hidden_slot;
    if (!emit({std::string(kHiddenName), dir.hidden_ino, NodeKind::hidden_list})) return;
  }
  const std::uint64_t stride = m_options.exif ? 3 : 2;
  const std::uint64_t skip = first > hidden_slot + 1 ? first - hidden_slot - 1 : 0;
  for (auto p = static_cast<std::uint32_t>(skip / stride); p < dir.member_count; ++p) {
    const std::uint32_t member = dir.first_member + p;
    const std::uint64_t slot = hidden_slot + 1 + stride * std::uint64_t{p};
    for (std::uint32_t part = 0; part < stride; ++part) {
      if (slot + part < first) continue;
      const auto link = view_member_node(dir_node.index, member, part);
      if (!link) continue;
      position = slot + part;
      if (!emit({name_of(*link), link->ino, link->kind})) return;
    }
  }
}

std::string Tree::view_hidden_text(std::uint32_t dir_index) const {
  const auto& dir = m_views.dirs[dir_index];
  std::string out;
  for (std::uint32_t m = dir.first_member; m < dir.first_member + dir.member_count; ++m) {
    const std::string_view stem = photo(m_views.members[m]).stem;
    out.append(stem).append(kSidecarExt).append("\n");
    if (m_options.exif) out.append(stem).append(kExifExt).append("\n");
  }
  return out;
}

}  // namespace flickrfs::model
