// Building a Tree snapshot (see tree.hpp); the queries live in tree_query.cpp.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "fs/model/dates.hpp"
#include "fs/model/inode.hpp"
#include "fs/model/naming.hpp"
#include "fs/model/tree.hpp"

namespace flickrfs::model {

namespace {

constexpr std::uint64_t kUnknownSize = UINT64_MAX;  // m_file_sizes: not known yet

bool upload_order(const api::Photo& a, const api::Photo& b) {
  if (a.date_upload != b.date_upload) return a.date_upload < b.date_upload;
  if (a.id.size() != b.id.size()) return a.id.size() < b.id.size();  // numeric ids
  return a.id < b.id;
}

// The files' choices, one per --sizes label the photo has ("best" first; an extra size that
// is the best file again is dropped: "--sizes original" when best is the original).
std::vector<std::pair<std::string_view, FileChoice>> choose_files(const api::Photo& photo,
                                                                  const TreeOptions& options) {
  std::vector<std::pair<std::string_view, FileChoice>> out;
  for (const auto& label : options.sizes) {
    auto choice = choose_named(photo, label);
    if (!choice) continue;
    const bool duplicate = std::any_of(out.begin(), out.end(),
                                       [&](const auto& f) { return f.second.url == choice->url; });
    if (label != "best" && duplicate) continue;
    out.emplace_back(label, std::move(*choice));
  }
  return out;
}

// True when `photo` comes after `last` in upload order.
bool follows(const PhotoCore& last, const api::Photo& photo) {
  if (last.date_upload != photo.date_upload) return last.date_upload < photo.date_upload;
  if (last.id.size() != photo.id.size()) return last.id.size() < photo.id.size();
  return last.id < photo.id;
}

// CatalogInput::photos as a feed: sorted once, each photo moved out as it is taken.
class ListFeed final : public PhotoFeed {
 public:
  ListFeed(std::vector<api::Photo> photos, const std::unordered_set<std::string>& pending)
      : m_photos(std::move(photos)), m_pending(pending) {
    std::sort(m_photos.begin(), m_photos.end(), upload_order);
  }
  [[nodiscard]] std::size_t size_hint() const override { return m_photos.size(); }
  [[nodiscard]] bool next(FeedPhoto& out) override {
    if (m_next == m_photos.size()) return false;
    out.photo = std::move(m_photos[m_next++]);
    out.sizes_pending = m_pending.count(out.photo.id) != 0;
    return true;
  }

 private:
  std::vector<api::Photo> m_photos;
  const std::unordered_set<std::string>& m_pending;
  std::size_t m_next = 0;
};

}  // namespace

PhotoCore core_of(api::Photo&& photo) {
  return {std::move(photo.id), std::move(photo.secret), photo.date_upload,
          photo.last_update,   photo.count_comments,    photo.media};
}

void Tree::strip_for_build(api::Photo& photo, const TreeOptions& options) {
  const auto files = choose_files(photo, options);
  api::Photo kept;
  // Keeps only the size rows the files use: choosing again on them gives the same files
  // (the chosen rows are still there, and no other row can outrank them).
  for (auto& size : photo.sizes) {
    const bool used = std::any_of(files.begin(), files.end(), [&](const auto& f) {
      return f.second.url == size.source && f.second.label == size.label;
    });
    if (used) kept.sizes.push_back(std::move(size));
  }
  kept.id = std::move(photo.id);
  kept.secret = std::move(photo.secret);
  kept.original_format = std::move(photo.original_format);
  kept.title = std::move(photo.title);
  kept.date_taken = std::move(photo.date_taken);
  kept.date_taken_granularity = photo.date_taken_granularity;  // the views (views.hpp)
  kept.date_taken_unknown = photo.date_taken_unknown;
  kept.tags = std::move(photo.tags);
  kept.machine_tags = std::move(photo.machine_tags);
  kept.date_upload = photo.date_upload;
  kept.last_update = photo.last_update;
  kept.count_comments = photo.count_comments;
  kept.media = photo.media;
  photo = std::move(kept);
}

std::shared_ptr<const Tree> Tree::build(CatalogInput input, TreeOptions options) {
  std::shared_ptr<Tree> tree(new Tree());
  tree->m_options = std::move(options);
  if (tree->m_options.page_size == 0) tree->m_options.page_size = kPhotosPerPage;
  if (tree->m_options.sizes.empty()) tree->m_options.sizes = {"best"};
  tree->m_photostream_listed = input.photostream_listed;
  tree->m_albums_listed = input.albums_listed;
  tree->m_collections_listed = input.collections_listed;
  tree->m_favorites_listed = input.favorites_listed;
  tree->m_owner = std::move(input.owner);
  ViewCollector views;
  if (input.feed) {
    tree->add_photos(*input.feed, std::move(input.favorites), views);
    if (tree->m_owner.empty()) tree->m_owner = input.feed->owner();
  } else {
    ListFeed feed(std::move(input.photos), input.sizes_pending);
    tree->add_photos(feed, std::move(input.favorites), views);
  }
  tree->add_albums(std::move(input.albums));
  views.add_collections(input.collections);
  tree->compute_dir_mtimes();
  tree->add_views(std::move(views));
  tree->index_nodes();
  tree->m_info_sizes = std::make_unique<std::atomic<std::uint32_t>[]>(tree->m_photos.size());
  tree->m_file_sizes = std::make_unique<std::atomic<std::uint64_t>[]>(tree->m_files.size());
  for (std::size_t i = 0; i < tree->m_files.size(); ++i)
    tree->m_file_sizes[i].store(kUnknownSize, std::memory_order_relaxed);
  return tree;
}

Ino Tree::unique_ino(NodeKind kind, std::initializer_list<std::string_view> parts) {
  for (std::uint32_t salt = 0;; ++salt) {
    const Ino ino = stable_ino(kind, parts, salt);
    if (m_used_inos.insert(ino)) return ino;
  }
}

void Tree::add_photos(PhotoFeed& feed, std::vector<api::Photo> favorites, ViewCollector& views) {
  const std::size_t expected = feed.size_hint() + favorites.size();
  m_photos.reserve(expected);
  m_files.reserve(expected);              // most photos have one file; m_files is shrunk below
  std::vector<std::uint32_t> first_file;  // m_files index of each photo's first file
  first_file.reserve(expected + 1);
  std::unordered_map<std::string, std::string_view> interned;  // labels and extensions
  const auto intern = [&](const std::string& text) {
    const auto found = interned.find(text);
    if (found != interned.end()) return found->second;
    return interned.emplace(text, m_strings.store(text)).first->second;
  };
  // A favorite (page 0) gets its best file only: sizes/ mirrors the photostream's pages.
  const auto add = [&](api::Photo& photo, std::uint32_t page, bool sizes_pending) {
    PhotoRecord record;
    const std::string stem = photo_stem(photo.date_taken, photo.title, photo.id);
    record.page = page;
    record.taken_mtime = parse_date_taken(photo.date_taken).value_or(photo.date_upload);
    record.sizes_pending = sizes_pending;
    record.sidecar_ino = unique_ino(NodeKind::sidecar, {photo.id});
    if (m_options.exif) m_exif_inos.push_back(unique_ino(NodeKind::exif_file, {photo.id}));
    first_file.push_back(static_cast<std::uint32_t>(m_files.size()));
    for (auto& [label, choice] : choose_files(photo, m_options)) {
      const bool best = label == "best";
      if (page == 0 && !best) continue;
      PhotoFile file;
      file.sizes_label = label;
      // Extra sizes live in their own tree (sizes/<label>/), so they need no label in the name.
      file.name = m_strings.store(stem + "." + choice.ext);
      // "<stem>.<ext>" holds the stem too: one copy of the longest string of a photo.
      if (best) record.stem = file.name.substr(0, stem.size());
      file.ino = unique_ino(best ? NodeKind::image_file : NodeKind::size_file,
                            {photo.id, label, choice.url});
      file.choice = {intern(choice.label), intern(choice.ext), m_strings.store(choice.url),
                     choice.width,         choice.height,      choice.source};
      m_files.push_back(file);
    }
    if (record.stem.empty()) record.stem = m_strings.store(stem);
    const auto index = static_cast<std::uint32_t>(m_photos.size());
    if (page != 0) {
      for (const auto& path : view_paths_of(photo))
        views.add(views.dir(path), index);
    }
    record.photo = core_of(std::move(photo));
    m_photos.push_back(std::move(record));
  };
  FeedPhoto item;
  while (feed.next(item)) {
    // A photo listed twice (a page boundary moved during the walk) is kept once.
    if (!m_photos.empty() && !follows(m_photos.back().photo, item.photo)) continue;
    add(item.photo, static_cast<std::uint32_t>(m_photos.size() / m_options.page_size + 1),
        item.sizes_pending);
  }
  m_stream_count = m_photos.size();
  {
    // The photostream's ids, sorted, to leave out a favorite that is also the account's own.
    std::vector<std::string_view> own;
    own.reserve(m_stream_count);
    for (const auto& record : m_photos)
      own.emplace_back(record.photo.id);
    std::sort(own.begin(), own.end());
    std::unordered_set<std::string> seen;
    for (auto& photo : favorites) {
      if (photo.id.empty() || std::binary_search(own.begin(), own.end(), photo.id) ||
          !seen.insert(photo.id).second) {
        continue;
      }
      add(photo, 0, false);
    }
  }
  first_file.push_back(static_cast<std::uint32_t>(m_files.size()));
  m_files.shrink_to_fit();  // before the spans below point into it
  for (std::size_t i = 0; i < m_photos.size(); ++i) {
    m_photos[i].files = std::span<const PhotoFile>(m_files).subspan(
        first_file[i], first_file[i + 1] - first_file[i]);
  }
  m_photo_by_id.resize(m_photos.size());
  for (std::uint32_t i = 0; i < m_photos.size(); ++i)
    m_photo_by_id[i] = i;
  std::sort(m_photo_by_id.begin(), m_photo_by_id.end(), [&](std::uint32_t a, std::uint32_t b) {
    return m_photos[a].photo.id < m_photos[b].photo.id;
  });
  const std::size_t pages = (m_stream_count + m_options.page_size - 1) / m_options.page_size;
  m_favorites_hidden_ino = unique_ino(NodeKind::hidden_list, {"favorites"});
  for (std::size_t page = 1; page <= pages; ++page) {
    const std::string name = page_dir_name(page);
    m_page_inos.push_back(unique_ino(NodeKind::page_dir, {name}));
    m_page_hidden_inos.push_back(unique_ino(NodeKind::hidden_list, {"page", name}));
  }
  for (std::size_t label = 1; label < m_options.sizes.size(); ++label) {
    const std::string& label_name = m_options.sizes[label];
    m_size_dir_inos.push_back(unique_ino(NodeKind::size_dir, {label_name}));
    for (std::size_t page = 1; page <= pages; ++page) {
      m_size_page_inos.push_back(
          unique_ino(NodeKind::size_page_dir, {label_name, page_dir_name(page)}));
    }
  }
  m_page_pending.assign(pages, 0);
  for (const auto& record : m_photos) {
    if (record.sizes_pending && record.page != 0) m_page_pending[record.page - 1] = 1;
  }
}

void Tree::add_albums(std::vector<AlbumInput> albums) {
  std::unordered_set<std::string> seen_albums;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> memberships;  // (photo, album)
  for (auto& input : albums) {
    if (!seen_albums.insert(input.set.id).second) continue;
    AlbumRecord album;
    album.name = album_dir_name(input.set.title, input.set.id);
    album.ino = unique_ino(NodeKind::album_dir, {input.set.id});
    album.hidden_ino = unique_ino(NodeKind::hidden_list, {"album", input.set.id});
    album.json_ino = unique_ino(NodeKind::album_json, {input.set.id});
    const auto album_index = static_cast<std::uint32_t>(m_albums.size());
    std::unordered_set<std::uint32_t> seen_photos;
    for (const auto& id : input.photo_ids) {
      const auto found = photo_index(id);
      if (!found || is_favorite(*found) || !seen_photos.insert(*found).second) continue;
      album.members.push_back(*found);
      album.link_inos.push_back(
          has_image(*found) ? unique_ino(NodeKind::album_link, {input.set.id, id}) : 0);
      album.sidecar_link_inos.push_back(unique_ino(NodeKind::sidecar_link, {input.set.id, id}));
      if (m_options.exif)
        album.exif_link_inos.push_back(unique_ino(NodeKind::exif_link, {input.set.id, id}));
      memberships.emplace_back(*found, album_index);
    }
    album.set = std::move(input.set);
    album.listed = input.members_listed;
    m_albums.push_back(std::move(album));
  }
  for (std::uint32_t i = 0; i < m_albums.size(); ++i)
    m_album_by_id.emplace(m_albums[i].set.id, i);
  // Each photo's albums in album-list order: one array, a span per photo.
  std::stable_sort(memberships.begin(), memberships.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  m_photo_albums.reserve(memberships.size());
  for (const auto& membership : memberships)
    m_photo_albums.push_back(membership.second);
  const std::span<const std::uint32_t> all(m_photo_albums);
  for (std::size_t begin = 0; begin < memberships.size();) {
    std::size_t end = begin;
    while (end < memberships.size() && memberships[end].first == memberships[begin].first)
      ++end;
    m_photos[memberships[begin].first].albums = all.subspan(begin, end - begin);
    begin = end;
  }
}

void Tree::compute_dir_mtimes() {
  m_page_mtimes.assign(m_page_inos.size(), 0);
  for (auto& record : m_photos) {
    record.dir_mtime = std::max(record.taken_mtime, record.photo.last_update);
    if (record.page == 0) {
      m_favorites_mtime = std::max(m_favorites_mtime, record.dir_mtime);
      continue;
    }
    auto& page_mtime = m_page_mtimes[record.page - 1];
    page_mtime = std::max(page_mtime, record.dir_mtime);
    m_photostream_mtime = std::max(m_photostream_mtime, record.dir_mtime);
  }
  for (auto& album : m_albums) {
    album.mtime = album.set.date_update;
    for (const auto member : album.members)
      album.mtime = std::max(album.mtime, m_photos[member].dir_mtime);
    m_sets_mtime = std::max(m_sets_mtime, album.mtime);
  }
}

void Tree::index_nodes() {
  std::vector<PackedNode>& nodes = m_by_ino;
  nodes.reserve(4 + m_page_inos.size() * 2 + m_photos.size() * 2 + m_exif_inos.size() +
                m_files.size() + m_size_page_inos.size() + m_albums.size() * 3 +
                m_views.dirs.size() * 2);
  const auto add = [&](Ino ino, NodeKind kind, std::uint32_t index, std::uint32_t sub) {
    nodes.push_back({ino, index, PackedNode::pack(kind, sub)});
  };
  add(kRootIno, NodeKind::root, 0, 0);
  add(kPhotostreamIno, NodeKind::photostream, 0, 0);
  add(kSetsIno, NodeKind::sets, 0, 0);
  add(kFavoritesIno, NodeKind::favorites, 0, 0);
  add(m_favorites_hidden_ino, NodeKind::hidden_list, 0, 3);
  const auto pages = static_cast<std::uint32_t>(m_page_inos.size());
  for (std::uint32_t page = 1; page <= pages; ++page) {
    add(m_page_inos[page - 1], NodeKind::page_dir, page, 0);
    add(m_page_hidden_inos[page - 1], NodeKind::hidden_list, page, 0);
  }
  if (!m_size_dir_inos.empty()) add(kSizesIno, NodeKind::sizes, 0, 0);
  for (std::uint32_t label = 1; label <= m_size_dir_inos.size(); ++label) {
    add(m_size_dir_inos[label - 1], NodeKind::size_dir, label, 0);
    for (std::uint32_t page = 1; page <= pages; ++page)
      add(size_page_ino(label, page), NodeKind::size_page_dir, page, label);
  }
  for (std::uint32_t i = 0; i < m_photos.size(); ++i) {
    const auto& record = m_photos[i];
    add(record.sidecar_ino, NodeKind::sidecar, i, 0);
    if (!m_exif_inos.empty()) add(m_exif_inos[i], NodeKind::exif_file, i, 0);
    for (std::uint32_t f = 0; f < record.files.size(); ++f) {
      const auto kind =
          record.files[f].sizes_label == "best" ? NodeKind::image_file : NodeKind::size_file;
      add(record.files[f].ino, kind, i, f);
    }
  }
  for (std::uint32_t a = 0; a < m_albums.size(); ++a) {
    const auto& album = m_albums[a];
    add(album.ino, NodeKind::album_dir, a, 0);
    add(album.hidden_ino, NodeKind::hidden_list, a, 1);
    add(album.json_ino, NodeKind::album_json, a, 0);
    for (std::uint32_t p = 0; p < album.members.size(); ++p) {
      if (album.link_inos[p] != 0)
        m_links.push_back({album.link_inos[p], NodeKind::album_link, album.members[p], p, a});
      m_links.push_back(
          {album.sidecar_link_inos[p], NodeKind::sidecar_link, album.members[p], p, a});
      if (!album.exif_link_inos.empty())
        m_links.push_back({album.exif_link_inos[p], NodeKind::exif_link, album.members[p], p, a});
    }
  }
  for (std::uint32_t d = 0; d < m_views.dirs.size(); ++d) {
    add(m_views.dirs[d].ino, NodeKind::view_dir, d, 0);
    if (m_views.dirs[d].hidden_ino != 0)
      add(m_views.dirs[d].hidden_ino, NodeKind::hidden_list, d, 2);
  }
  std::sort(nodes.begin(), nodes.end(),
            [](const PackedNode& a, const PackedNode& b) { return a.ino < b.ino; });
  std::sort(m_links.begin(), m_links.end(),
            [](const Node& a, const Node& b) { return a.ino < b.ino; });
  nodes.shrink_to_fit();
  m_links.shrink_to_fit();
  m_used_inos.clear();  // frees its array
}

}  // namespace flickrfs::model
