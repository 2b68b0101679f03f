// See dir_buffer.hpp.
#include "fs/ops/dir_buffer.hpp"

#include <cstring>

#include "fs/attr.hpp"
#include "fs/ops/node_attr.hpp"

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
  return make_entry(ctx, *attr);
}

}  // namespace

Result<std::vector<char>> fill_dir_buffer(fuse_req_t req, Context& ctx, fuse_ino_t ino,
                                          std::size_t size, off_t offset, DirFormat format) {
  // A handle opened before the listing arrived (opendir's wait ran out) tries again once.
  const auto tree = offset == 0 ? listed_snapshot(ctx, ino) : ctx.catalog->tree();
  if (offset == 0) {
    if (const auto dir = tree->node(ino)) {
      if (ctx.no_opendir.load()) note_listing(ctx, tree, *dir);
      note_entries_listed(req, ctx, tree, *dir);
    }
  }
  // Grown entry by entry: the kernel may offer up to 1 MiB per call, and zeroing that much
  // for a directory of a few entries cost more than everything else in a `find`.
  std::vector<char> buffer;
  std::size_t used = 0;
  FLICKRFS_CHECK(tree->list(
      ino, static_cast<std::uint64_t>(offset), [&](const model::DirEntry& e, std::uint64_t next) {
        const auto next_off = static_cast<off_t>(next);
        fuse_entry_param entry;
        struct stat st;
        std::size_t needed = 0;
        if (format == DirFormat::plus) {
          entry = plus_entry(ctx, *tree, e);
          needed = fuse_add_direntry_plus(req, nullptr, 0, e.name.c_str(), nullptr, 0);
        } else {
          std::memset(&st, 0, sizeof st);
          st.st_ino = e.ino;
          st.st_mode = model::is_directory(e.kind) ? S_IFDIR : S_IFREG;
          if (model::is_symlink(e.kind)) st.st_mode = S_IFLNK;
          needed = fuse_add_direntry(req, nullptr, 0, e.name.c_str(), nullptr, 0);
        }
        if (used + needed > size) return false;  // full: the kernel asks again from `next`
        buffer.resize(used + needed);
        char* at = buffer.data() + used;
        if (format == DirFormat::plus) {
          fuse_add_direntry_plus(req, at, needed, e.name.c_str(), &entry, next_off);
        } else {
          fuse_add_direntry(req, at, needed, e.name.c_str(), &st, next_off);
        }
        used += needed;
        return true;
      }));
  buffer.resize(used);
  return buffer;
}

}  // namespace flickrfs::fs::op
