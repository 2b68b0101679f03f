// See flickr_tree.hpp.
#include "fs/mirror/flickr_tree.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "fs/mirror/atomic_file.hpp"
#include "fs/model/info_json.hpp"
#include "fs/model/tree.hpp"
#include "fs/sync/catalog.hpp"

namespace flickrfs::mirror {

namespace {

using model::NodeKind;

struct Shared {
  std::shared_ptr<const model::Tree> tree;
  FlickrCatalog catalog;
  // The tree keeps only model::PhotoCore; info.json renders the listed photo.
  std::unordered_map<std::string_view, const api::Photo*> photo_by_id;  // into catalog.photos
};

class Walker {
 public:
  explicit Walker(std::shared_ptr<const Shared> shared) : m_shared(std::move(shared)) {}

  Result<DesiredTree> run() {
    add_directory(model::Node{model::kRootIno, NodeKind::root, 0, 0, 0}, "");
    m_out.photo_count = m_shared->tree->record_count();  // favorites/ holds images too
    m_out.complete = m_shared->catalog.complete;
    m_out.incomplete_reason = m_shared->catalog.incomplete_reason;
    if (!m_error.ok()) return m_error.error();
    return std::move(m_out);
  }

 private:
  const model::Tree& tree() const { return *m_shared->tree; }

  void add_directory(const model::Node& node, const std::string& path) {
    SourceEntry entry;
    entry.path = path;
    entry.kind = EntryKind::directory;
    entry.mtime = {static_cast<time_t>(tree().attr(node, std::nullopt).mtime), 0};
    m_out.entries.push_back(std::move(entry));
    std::vector<model::DirEntry> children;
    auto listed = tree().list(node.ino, 0, [&](const model::DirEntry& child, std::uint64_t) {
      if (child.name != "." && child.name != "..") children.push_back(child);
      return true;
    });
    if (!listed) {
      m_error = std::move(listed).error();
      return;
    }
    // Images before sidecars, so the planner knows whether the image changes first.
    std::stable_partition(children.begin(), children.end(),
                          [](const model::DirEntry& c) { return c.kind != NodeKind::sidecar; });
    for (const auto& child : children)
      add_child(child, join_path(path, child.name));
  }

  void add_child(const model::DirEntry& child, const std::string& path) {
    const auto node = tree().node(child.ino);
    if (!node) return;
    if (model::is_directory(node->kind)) {
      add_directory(*node, path);
      return;
    }
    SourceEntry entry;
    entry.path = path;
    entry.mtime = {static_cast<time_t>(tree().attr(*node, std::nullopt).mtime), 0};
    if (model::Tree::is_generated(node->kind)) {  // .hidden, album.json: no photo owns them
      entry.content.kind = ContentRef::Kind::inline_bytes;
      entry.content.bytes = tree().generated_text(*node);
      entry.size = entry.content.bytes.size();
      entry.mode = 0444;
      m_out.entries.push_back(std::move(entry));
      return;
    }
    if (node->kind == NodeKind::collection_link) {  // a collection's album: no photo owns it
      entry.kind = EntryKind::symlink;
      entry.link_target = tree().link_target(*node);
      m_out.entries.push_back(std::move(entry));
      return;
    }
    const auto record = tree().photo(node->index);
    entry.owner = record.photo.id;
    entry.order = record.photo.date_upload;
    if (model::is_symlink(node->kind)) {
      entry.kind = EntryKind::symlink;
      entry.link_target = tree().link_target(*node);
      if (node->kind == NodeKind::album_link || node->kind == NodeKind::sidecar_link) {
        const bool image = node->kind == NodeKind::album_link;
        entry.role = (image ? "link:" : "sidecar-link:") + tree().album(node->album).set.id;
      } else if (node->kind == NodeKind::exif_link) {
        entry.role = "exif-link:" + tree().album(node->album).set.id;
      } else {  // a view's link: one per photo and view directory
        const bool image = node->kind == NodeKind::view_link;
        const bool exif = node->kind == NodeKind::view_exif_link;
        entry.role = (image  ? "view-link:"
                      : exif ? "view-exif-link:"
                             : "view-sidecar-link:") +
                     parent_path(path);
      }
    } else if (node->kind == NodeKind::sidecar) {
      fill_info_json(entry, *node);
    } else if (node->kind == NodeKind::exif_file) {
      fill_exif_json(entry, std::string(record.photo.id));
    } else {
      const model::PhotoFile file = tree().file(*node);
      entry.content.kind = ContentRef::Kind::url;
      entry.content.location = file.choice.url();
      entry.content.cache_key = fs::Catalog::blob_key(record, file).record_key();
      entry.size_known = false;
      entry.version = entry.content.location;  // carries the secret: changes when the bytes do
      entry.role = node->sub == 0 ? "image" : "size:" + std::string(file.sizes_label);
      entry.is_image = true;
    }
    // Files read-only as the mount shows them; directories stay writable so later runs can
    // update them (README).
    if (entry.kind == EntryKind::file) entry.mode = 0444;
    m_out.entries.push_back(std::move(entry));
  }

  void fill_info_json(SourceEntry& entry, const model::Node& node) {
    const auto record = tree().photo(node.index);
    entry.role = "info";
    const auto error = m_shared->catalog.comment_errors.find(std::string(record.photo.id));
    if (error != m_shared->catalog.comment_errors.end()) {
      entry.unavailable = "comments: " + error->second;
      return;
    }
    std::string image_path;
    if (!record.files.empty())
      image_path = join_path(parent_path(entry.path), record.files[0].name());
    entry.depends_on = image_path;
    entry.size_known = false;
    entry.content.kind = ContentRef::Kind::generated;
    entry.content.render = [shared = m_shared, index = node.index,
                            image_path](const std::string& dest) {
      return render_info(*shared, index, image_path.empty() ? "" : join_path(dest, image_path));
    };
  }

  void fill_exif_json(SourceEntry& entry, const std::string& photo_id) const {
    entry.role = "exif";
    const auto& catalog = m_shared->catalog;
    const auto error = catalog.exif_errors.find(photo_id);
    if (error != catalog.exif_errors.end()) {
      entry.unavailable = "EXIF: " + error->second;
      return;
    }
    const auto found = catalog.exif.find(photo_id);
    if (found == catalog.exif.end()) {
      entry.unavailable = "EXIF: not listed";
      return;
    }
    entry.content.kind = ContentRef::Kind::inline_bytes;
    entry.content.bytes = found->second;
    entry.size = entry.content.bytes.size();
  }

  static std::string render_info(const Shared& shared, std::uint32_t index,
                                 const std::string& image_file) {
    const auto record = shared.tree->photo(index);
    std::optional<model::FileChoice> image;
    std::optional<std::uint64_t> bytes;
    if (!record.files.empty()) {
      image = record.files[0].choice.to_choice();
      struct stat st {};
      if (::stat(image_file.c_str(), &st) == 0) bytes = static_cast<std::uint64_t>(st.st_size);
    }
    static const std::vector<api::Comment> kNone;
    const auto found = shared.catalog.comments.find(std::string(record.photo.id));
    const auto& comments = found == shared.catalog.comments.end() ? kNone : found->second;
    const auto sets = shared.tree->sets_of(index);
    const api::Photo& photo = *shared.photo_by_id.at(std::string(record.photo.id));
    return model::render_info_json({photo, sets, comments, image, bytes});
  }

  std::shared_ptr<const Shared> m_shared;
  DesiredTree m_out;
  Result<void> m_error = success();
};

bool is_at_or_under(const std::string& path, const std::string& root) {
  return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                          path[root.size()] == '/');
}

// "sets/A/0001_x" + "../../photostream/page-0001/x" -> "photostream/page-0001/x".
std::string resolve_link(const std::string& link_path, const std::string& target) {
  std::string base = parent_path(link_path);
  std::string_view rest = target;
  while (rest.substr(0, 3) == "../") {
    base = parent_path(base);
    rest.remove_prefix(3);
  }
  return join_path(base, rest);
}

}  // namespace

Result<DesiredTree> desired_tree_from_catalog(FlickrCatalog catalog,
                                              const FlickrTreeOptions& options) {
  model::CatalogInput input;
  input.photos = catalog.photos;
  if (!catalog.photos.empty()) input.owner = catalog.photos.front().owner;  // album.json
  for (const auto& album : catalog.albums)
    input.albums.push_back({album.set, album.photo_ids});
  input.collections = catalog.collections;
  input.favorites = catalog.favorites;
  model::TreeOptions tree_options;
  tree_options.sizes = options.sizes;
  tree_options.exif = options.exif;
  auto shared = std::make_shared<Shared>();
  shared->tree = model::Tree::build(std::move(input), tree_options);
  shared->catalog = std::move(catalog);
  for (const auto& photo : shared->catalog.photos)
    shared->photo_by_id.emplace(photo.id, &photo);
  for (const auto& photo : shared->catalog.favorites)
    shared->photo_by_id.emplace(photo.id, &photo);
  FLICKRFS_TRY(auto tree, Walker(shared).run());
  if (options.subtree.empty()) return tree;
  return restrict_to_subtree(std::move(tree), options.subtree);
}

Result<DesiredTree> restrict_to_subtree(DesiredTree tree, const std::string& subtree) {
  // What the subtree's links point to, and what their links point to in turn (a collection
  // links albums, whose entries link photostream files).
  std::unordered_set<std::string> roots = {subtree};
  for (std::vector<std::string> fresh = {subtree}; !fresh.empty();) {
    std::vector<std::string> next;
    for (const auto& entry : tree.entries) {
      if (entry.kind != EntryKind::symlink) continue;
      const bool inside = std::any_of(fresh.begin(), fresh.end(), [&](const std::string& root) {
        return is_at_or_under(entry.path, root);
      });
      if (!inside) continue;
      std::string target = resolve_link(entry.path, entry.link_target);
      if (roots.insert(target).second) next.push_back(std::move(target));
    }
    fresh = std::move(next);
  }
  const auto wanted = [&](const SourceEntry& entry) {
    for (const auto& root : roots) {
      if (is_at_or_under(entry.path, root) || is_at_or_under(root, entry.path) ||
          entry.path.empty()) {
        return true;
      }
    }
    return false;
  };
  DesiredTree out;
  out.complete = tree.complete;
  out.incomplete_reason = tree.incomplete_reason;
  std::unordered_set<std::string> owners;
  for (auto& entry : tree.entries) {
    if (!wanted(entry)) continue;
    if (entry.is_image) owners.insert(entry.owner);
    out.entries.push_back(std::move(entry));
  }
  out.photo_count = owners.size();
  if (out.entries.size() <= 1) {
    return make_error(Errc::not_found, "nothing in the account matches '" + subtree + "'");
  }
  return out;
}

}  // namespace flickrfs::mirror
