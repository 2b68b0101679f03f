// See tree_diff.hpp.
#include "fs/model/tree_diff.hpp"

#include <algorithm>
#include <unordered_map>

#include "fs/model/inode.hpp"

namespace flickrfs::model {

namespace {

using Children = std::vector<std::pair<std::string, Ino>>;

Children children_of(const Tree& tree, Ino dir) {
  Children out;
  (void)tree.list(dir, 2, [&](const DirEntry& e, std::uint64_t) {  // 2: skip "." and ".."
    out.emplace_back(e.name, e.ino);
    return true;
  });
  return out;
}

// Compares one directory present in `before`; appends invalidations. True when its
// children changed (names or inodes).
bool diff_dir(const Tree& before, const Tree& after, Ino dir, std::vector<Invalidation>& out) {
  const Children old_children = children_of(before, dir);
  const auto old_node = before.node(dir);
  const auto new_node = after.node(dir);
  const Children new_children = new_node ? children_of(after, dir) : Children{};
  // A directory's mtime is its newest child's, so it can change with the same children (the
  // root once the albums are listed, a page whose photo was retitled): its attrs go stale.
  const bool same_mtime =
      old_node && new_node && before.attr(*old_node, {}).mtime == after.attr(*new_node, {}).mtime;
  if (old_children == new_children) {
    if (!same_mtime) out.push_back({Invalidation::Type::inode, dir, {}});
    return false;
  }
  out.push_back({Invalidation::Type::inode, dir, {}});
  std::unordered_map<std::string_view, Ino> now;
  for (const auto& [name, ino] : new_children)
    now.emplace(name, ino);
  for (const auto& [name, ino] : old_children) {
    const auto found = now.find(name);
    if (found == now.end() || found->second != ino) {
      out.push_back({Invalidation::Type::entry, dir, name});
    }
  }
  // New names: drop negative dentries the kernel may hold for them (a lookup made before
  // the photo existed).
  std::unordered_map<std::string_view, Ino> was;
  for (const auto& [name, ino] : old_children)
    was.emplace(name, ino);
  for (const auto& [name, ino] : new_children) {
    if (was.find(name) == was.end()) out.push_back({Invalidation::Type::entry, dir, name});
  }
  return true;
}

// A file rendered from the snapshot (.hidden, album.json) whose bytes changed.
void diff_generated(const Tree& before, const Tree& after, Ino ino,
                    std::vector<Invalidation>& out) {
  const auto old_node = before.node(ino);
  const auto new_node = after.node(ino);
  if (old_node && new_node && before.generated_text(*old_node) != after.generated_text(*new_node))
    out.push_back({Invalidation::Type::inode, ino, {}});
}

// A link (album or view) whose name stays but whose target changed (the photo moved to
// another page).
void diff_link_target(const Tree& before, const Tree& after, const std::optional<Node>& old_node,
                      std::vector<Invalidation>& out) {
  const auto new_node = old_node ? after.node(old_node->ino) : std::nullopt;
  if (new_node && before.link_target(*old_node) != after.link_target(*new_node))
    out.push_back({Invalidation::Type::inode, old_node->ino, {}});
}

bool same_photo(const PhotoRecord& a, const PhotoRecord& b) {
  if (a.stem != b.stem || a.photo.last_update != b.photo.last_update ||
      a.files.size() != b.files.size() || a.page != b.page) {
    return false;
  }
  for (std::size_t i = 0; i < a.files.size(); ++i) {
    const PhotoFile before = a.files[i];
    const PhotoFile after = b.files[i];
    if (before.ino != after.ino || before.choice.ext != after.choice.ext) return false;
  }
  return true;
}

// The sidecar lists the albums a photo is in ("sets"): an album joined, left or retitled
// changes its bytes even when the photo itself did not change.
bool same_albums(const Tree& before, std::uint32_t before_index, const Tree& after,
                 std::uint32_t after_index) {
  const auto a = before.sets_of(before_index);
  const auto b = after.sets_of(after_index);
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.id == y.id && x.title == y.title;
  });
}

// The views: listings, .hidden, and links whose target moved (the photo changed page).
void diff_views(const Tree& before, const Tree& after, const KernelSees& seen,
                std::vector<Invalidation>& out) {
  const auto& views = before.views();
  for (std::uint32_t d = 0; d < views.dirs.size(); ++d) {
    const auto& dir = views.dirs[d];
    if (!seen(dir.ino)) continue;
    diff_dir(before, after, dir.ino, out);
    if (dir.hidden_ino != 0) diff_generated(before, after, dir.hidden_ino, out);
    for (std::uint32_t m = dir.first_member; m < dir.first_member + dir.member_count; ++m) {
      for (const std::uint32_t part : {0u, 1u, 2u})
        diff_link_target(before, after, before.view_member_node(d, m, part), out);
    }
  }
}

}  // namespace

std::vector<Invalidation> diff_trees(const Tree& before, const Tree& after,
                                     const KernelSees& kernel_sees) {
  const KernelSees seen = kernel_sees ? kernel_sees : [](Ino) { return true; };
  std::vector<Invalidation> out;
  // Whether the kernel sees each page (index 0: favorites/), asked once per page; the
  // sidecars below follow their page.
  std::vector<bool> page_seen(before.page_count() + 1);
  page_seen[0] = seen(kFavoritesIno);
  for (const Ino fixed : {kRootIno, kPhotostreamIno, kSetsIno, kSizesIno, kFavoritesIno}) {
    if (before.node(fixed)) diff_dir(before, after, fixed, out);
  }
  if (const auto favorites = before.node(kFavoritesIno))
    diff_generated(before, after, before.page_hidden_ino(*favorites), out);
  // A page whose records the new snapshot shares (photo_chunk.hpp) lists the same names,
  // inodes and mtime under the same page inode: at 1,000,000 photos most of a refresh's diff.
  const auto shared = [&](std::size_t page) {
    const PhotoChunk* chunk = before.page_chunk(page);
    return chunk != nullptr && chunk == after.page_chunk(page) &&
           (page == 0 || before.page_ino(page) == after.page_ino(page));
  };
  for (std::size_t page = 1; page <= before.page_count(); ++page) {
    const bool same_records = shared(page);
    for (std::uint32_t label = 1; label < before.options().sizes.size(); ++label) {
      const Ino ino = before.size_page_ino(label, page);
      const bool same = same_records && ino == after.size_page_ino(label, page);
      if (ino != 0 && !same && seen(ino)) diff_dir(before, after, ino, out);
    }
    page_seen[page] = seen(before.page_ino(page));
    if (!page_seen[page]) continue;
    if (!same_records) diff_dir(before, after, before.page_ino(page), out);
    const auto hidden = before.lookup(before.page_ino(page), kHiddenName);
    if (!hidden) continue;
    if (same_records) {
      const auto hidden_after = after.lookup(before.page_ino(page), kHiddenName);
      if (hidden_after && hidden_after->ino == hidden->ino) continue;
    }
    diff_generated(before, after, hidden->ino, out);
  }
  for (std::uint32_t a = 0; a < before.album_count(); ++a) {
    const auto& album = before.album(a);
    if (!seen(album.ino)) continue;
    diff_dir(before, after, album.ino, out);
    diff_generated(before, after, album.hidden_ino, out);
    diff_generated(before, after, album.json_ino, out);
    for (std::uint32_t p = 0; p < album.members.size(); ++p) {
      for (const std::uint32_t part : {0u, 1u, 2u})
        diff_link_target(before, after, before.album_member_node(a, p, part), out);
    }
  }
  diff_views(before, after, seen, out);
  for (std::uint32_t i = 0; i < before.record_count(); ++i) {
    const auto record = before.photo(i);
    // Links resolve through the photo's own directory, so the kernel knows a sidecar only
    // if it knows that directory.
    if (!page_seen[record.page]) continue;
    // In a shared page (favorites/ aside, which follows a photostream that may have grown)
    // a photo keeps its index.
    const bool same_place = record.page != 0 && shared(record.page);
    const auto index = same_place ? std::optional(i) : after.photo_index(record.photo.id);
    if (index && same_photo(record, after.photo(*index)) && same_albums(before, i, after, *index)) {
      continue;
    }
    // Renames and moves are entry invalidations of its page (above); its sidecar's bytes
    // follow the photo's last_update, files and albums.
    out.push_back({Invalidation::Type::inode, record.sidecar_ino, {}});
  }
  return out;
}

}  // namespace flickrfs::model
