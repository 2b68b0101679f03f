// See dir_buffer.hpp.
#include "fs/ops/dir_buffer.hpp"

#include <cstring>

#include "fs/attr.hpp"
#include "fs/ops/node_attr.hpp"
#include "fs/ops/upload_nodes.hpp"
#include "fs/upload/upload_area.hpp"

namespace flickrfs::fs::op {

namespace {

// readdirplus entry: full attributes, except for "." / ".." and files whose size is not
// known yet, which get ino 0 ("no attributes", the kernel looks them up when needed).
fuse_entry_param plus_entry(Context& ctx, const model::Tree& tree, const model::DirEntry& e) {
  fuse_entry_param entry;
  std::memset(&entry, 0, sizeof entry);
  entry.attr.st_ino = e.ino;
  entry.attr.st_mode = model::is_directory(e.kind) ? S_IFDIR : S_IFREG;
  if (model::is_symlink(e.kind)) entry.attr.st_mode = S_IFLNK;
  if (e.name == "." || e.name == "..") return entry;
  const auto node = tree.node(e.ino);
  if (!node) return entry;
  const auto attr = node_attr(ctx, tree, *node, SizePolicy::known_only);
  if (!attr.ok() || (model::is_regular_file(node->kind) && !attr->size)) return entry;
  if (model::is_directory(node->kind)) ctx.kernel_dirs.note(node->ino);
  return make_entry(ctx, *attr);
}

}  // namespace

Result<std::vector<char>> fill_dir_buffer(fuse_req_t req, Context& ctx, fuse_ino_t ino,
                                          std::size_t size, off_t offset, DirFormat format) {
  // Grown entry by entry: the kernel may offer up to 1 MiB per call, and zeroing that much
  // for a directory of a few entries cost more than everything else in a `find`.
  std::vector<char> buffer;
  std::size_t used = 0;
  // Adds one entry; false when the buffer is full (the kernel asks again from `next`).
  const auto add = [&](const model::DirEntry& e, std::uint64_t next, const fuse_entry_param& plus) {
    const auto next_off = static_cast<off_t>(next);
    struct stat st;
    const std::size_t needed =
        format == DirFormat::plus
            ? fuse_add_direntry_plus(req, nullptr, 0, e.name.c_str(), nullptr, 0)
            : fuse_add_direntry(req, nullptr, 0, e.name.c_str(), nullptr, 0);
    if (used + needed > size) return false;
    buffer.resize(used + needed);
    char* at = buffer.data() + used;
    if (format == DirFormat::plus) {
      fuse_add_direntry_plus(req, at, needed, e.name.c_str(), &plus, next_off);
    } else {
      std::memset(&st, 0, sizeof st);
      st.st_ino = e.ino;
      st.st_mode = model::is_directory(e.kind) ? S_IFDIR : S_IFREG;
      if (model::is_symlink(e.kind)) st.st_mode = S_IFLNK;
      fuse_add_direntry(req, at, needed, e.name.c_str(), &st, next_off);
    }
    used += needed;
    return true;
  };
  if (in_uploads(ctx, ino)) {
    FLICKRFS_TRY(auto entries, ctx.uploads->list(ino));
    entries.insert(entries.begin(), {{".", ino, model::NodeKind::upload_dir},
                                     {"..", model::kRootIno, model::NodeKind::root}});
    for (auto k = static_cast<std::size_t>(offset); k < entries.size(); ++k) {
      fuse_entry_param plus;
      std::memset(&plus, 0, sizeof plus);
      const auto attr = k < 2 ? std::nullopt : ctx.uploads->attr(entries[k].ino);
      if (attr) plus = make_entry(ctx, *attr);
      if (!add(entries[k], k + 1, plus)) break;
    }
    buffer.resize(used);
    return buffer;
  }
  // A handle opened before the listing arrived (opendir's wait ran out) tries again once.
  const auto tree = offset == 0 ? listed_snapshot(ctx, ino) : ctx.catalog->tree();
  if (offset == 0) {
    if (const auto dir = tree->node(ino)) {
      if (ctx.no_opendir.load()) note_listing(ctx, tree, *dir);
      note_entries_listed(req, ctx, tree, *dir);
    }
  }
  bool full = false;
  std::uint64_t end = static_cast<std::uint64_t>(offset);
  FLICKRFS_CHECK(tree->list(
      ino, static_cast<std::uint64_t>(offset), [&](const model::DirEntry& e, std::uint64_t next) {
        end = next;
        const fuse_entry_param plus =
            format == DirFormat::plus ? plus_entry(ctx, *tree, e) : fuse_entry_param{};
        full = !add(e, next, plus);
        return !full;
      }));
  // The root lists upload/ after the tree's entries (a --writable mount).
  if (ino == model::kRootIno && !full) {
    std::uint64_t tree_end = end;
    if (end == static_cast<std::uint64_t>(offset)) {  // asked from past the tree's entries
      tree_end = 0;
      FLICKRFS_CHECK(tree->list(ino, 0, [&](const model::DirEntry&, std::uint64_t next) {
        tree_end = next;
        return true;
      }));
    }
    std::uint64_t at = tree_end;
    for (const auto& e : upload_root_entries(ctx)) {
      if (at++ < static_cast<std::uint64_t>(offset)) continue;
      fuse_entry_param plus;
      std::memset(&plus, 0, sizeof plus);
      if (const auto attr = ctx.uploads->attr(e.ino)) plus = make_entry(ctx, *attr);
      if (!add(e, at, plus)) break;
    }
  }
  buffer.resize(used);
  return buffer;
}

}  // namespace flickrfs::fs::op
