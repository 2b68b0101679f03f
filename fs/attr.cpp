// See attr.hpp.
#include "fs/attr.hpp"

#include <array>
#include <cstring>

namespace flickrfs::fs {

namespace {

constexpr std::array<std::string_view, 16> kProbeNames = {
    ".hidden",      "folder.jpg", "Folder.jpg",       "desktop.ini", "Desktop.ini", ".DS_Store",
    "Thumbs.db",    ".directory", "autorun.inf",      ".git",        ".svn",        "cover.jpg",
    "AlbumArt.jpg", ".Trash",     ".xdg-volume-info", ".localized",
};

mode_t mode_of(const Context& ctx, model::NodeKind kind) {
  // 0755 like any read-only mounted disk (the ro mount refuses writes with EROFS), so a copy
  // that stays deletable by its owner (`flickrfs mirror`, `rsync -a`) has the same modes.
  if (model::is_directory(kind)) return S_IFDIR | 0755;
  if (model::is_symlink(kind)) return S_IFLNK | 0777;
  if (kind == model::NodeKind::upload_file) return S_IFREG | 0644;  // --writable's upload/
  // Writing over a photostream image replaces it on a --writable mount (default_permissions
  // makes the kernel check this mode before open).
  if (kind == model::NodeKind::image_file && ctx.uploads != nullptr) return S_IFREG | 0644;
  return S_IFREG | 0444;
}

}  // namespace

bool is_probe_name(std::string_view name) {
  for (const auto probe : kProbeNames) {
    if (name == probe) return true;
  }
  return name.starts_with(".Trash-") || name.starts_with("._");
}

void fill_stat(const Context& ctx, const model::Attr& attr, struct stat& out) {
  std::memset(&out, 0, sizeof out);
  out.st_ino = attr.ino;
  out.st_mode = mode_of(ctx, attr.kind);
  out.st_nlink = attr.nlink;
  out.st_uid = ctx.uid;
  out.st_gid = ctx.gid;
  out.st_size = attr.size ? static_cast<off_t>(*attr.size) : 0;
  out.st_blksize = 1 << 20;  // one FUSE read request (max_pages 256)
  out.st_blocks = (out.st_size + 511) / 512;
  out.st_mtim.tv_sec = attr.mtime;
  out.st_ctim.tv_sec = attr.mtime;
  out.st_atim.tv_sec = attr.mtime;
}

double attr_timeout(const Context& ctx, const model::Attr& attr) {
  if (model::is_regular_file(attr.kind) && (!attr.size || attr.provisional)) return 0;
  const bool walkable = attr.kind == model::NodeKind::page_dir ||
                        attr.kind == model::NodeKind::album_dir ||
                        attr.kind == model::NodeKind::size_page_dir;
  if (walkable && ctx.no_opendir.load()) return ctx.timeouts.walk_hint;  // getattr.cpp
  return entry_timeout(ctx, attr.kind);
}

double entry_timeout(const Context& ctx, model::NodeKind kind) {
  switch (kind) {
    case model::NodeKind::image_file:
    case model::NodeKind::size_file:
      return ctx.timeouts.immutable;
    case model::NodeKind::sidecar:
    case model::NodeKind::exif_file:
    case model::NodeKind::album_link:
    case model::NodeKind::sidecar_link:
    case model::NodeKind::exif_link:
    case model::NodeKind::view_link:
    case model::NodeKind::view_sidecar_link:
    case model::NodeKind::view_exif_link:
    case model::NodeKind::collection_link:
    case model::NodeKind::hidden_list:
    case model::NodeKind::album_json:
      return ctx.timeouts.metadata;
    case model::NodeKind::upload_dir:  // changes with every write and upload: not cached
    case model::NodeKind::upload_file:
      return 0;
    default:
      return ctx.timeouts.live;
  }
}

fuse_entry_param make_entry(const Context& ctx, const model::Attr& attr) {
  fuse_entry_param entry;
  std::memset(&entry, 0, sizeof entry);
  entry.ino = attr.ino;
  entry.generation = 1;
  fill_stat(ctx, attr, entry.attr);
  entry.attr_timeout = attr_timeout(ctx, attr);
  entry.entry_timeout = entry_timeout(ctx, attr.kind);
  return entry;
}

fuse_entry_param make_negative_entry(const Context& ctx, std::string_view name) {
  fuse_entry_param entry;
  std::memset(&entry, 0, sizeof entry);
  entry.ino = 0;
  entry.entry_timeout = is_probe_name(name) ? ctx.timeouts.probe : ctx.timeouts.negative;
  return entry;
}

}  // namespace flickrfs::fs
