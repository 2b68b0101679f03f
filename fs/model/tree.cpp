// Building a Tree snapshot (see tree.hpp); the queries live in tree_query.cpp.
#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "fs/model/dates.hpp"
#include "fs/model/inode.hpp"
#include "fs/model/naming.hpp"
#include "fs/model/tree.hpp"

namespace flickrfs::model {

namespace {

constexpr std::uint64_t kUnknownSize = UINT64_MAX;  // m_file_sizes: not known yet

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

// CatalogInput::photos as a feed: sorted once, each photo moved out as it is taken.
class ListFeed final : public PhotoFeed {
 public:
  ListFeed(std::vector<api::Photo> photos, const std::unordered_set<std::string>& pending)
      : m_photos(std::move(photos)), m_pending(pending) {
    std::sort(m_photos.begin(), m_photos.end(), [](const api::Photo& a, const api::Photo& b) {
      return upload_before(a.date_upload, a.id, b.date_upload, b.id);
    });
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

std::shared_ptr<const Tree> Tree::build(CatalogInput input, TreeOptions options,
                                        const Tree* previous) {
  std::shared_ptr<Tree> tree(new Tree());
  tree->m_options = std::move(options);
  if (tree->m_options.page_size == 0) tree->m_options.page_size = kPhotosPerPage;
  if (tree->m_options.sizes.empty()) tree->m_options.sizes = {"best"};
  tree->m_photostream_listed = input.photostream_listed;
  tree->m_albums_listed = input.albums_listed;
  tree->m_collections_listed = input.collections_listed;
  tree->m_favorites_listed = input.favorites_listed;
  tree->m_owner = std::move(input.owner);
  if (previous && previous->m_options != tree->m_options) previous = nullptr;
  ViewCollector views;
  if (input.feed) {
    tree->add_photos(*input.feed, std::move(input.favorites), views, previous);
    if (tree->m_owner.empty()) tree->m_owner = input.feed->owner();
    // Every page shared unread: the feed never saw a photo's owner.
    if (tree->m_owner.empty() && previous) tree->m_owner = previous->m_owner;
    input.feed.reset();  // its buffers, unless the caller keeps it, before the indexes grow
  } else {
    ListFeed feed(std::move(input.photos), input.sizes_pending);
    tree->add_photos(feed, std::move(input.favorites), views, previous);
  }
  tree->add_albums(std::move(input.albums));
  views.add_collections(input.collections);
  tree->compute_dir_mtimes();
  tree->add_views(std::move(views));
  tree->index_nodes();
  tree->m_info_sizes = std::make_unique<std::atomic<std::uint32_t>[]>(tree->m_record_count);
  const std::size_t files = tree->m_file_count;
  tree->m_file_sizes = std::make_unique<std::atomic<std::uint64_t>[]>(files);
  for (std::size_t i = 0; i < files; ++i)
    tree->m_file_sizes[i].store(kUnknownSize, std::memory_order_relaxed);
  return tree;
}

Ino Tree::unique_ino(NodeKind kind, std::initializer_list<std::string_view> parts) {
  for (std::uint32_t salt = 0;; ++salt) {
    const Ino ino = stable_ino(kind, parts, salt);
    if (is_album_link_part(ino)) continue;
    if (m_used_inos.insert(ino)) return ino;
  }
}

// Builds one chunk's records, files and text, a photo at a time.
class Tree::ChunkBuilder {
 public:
  ChunkBuilder(Tree& tree, std::uint32_t page, std::size_t expected) : m_tree(tree) {
    m_chunk->page = page;
    m_chunk->records.reserve(expected);
    m_chunk->files.reserve(expected);  // most photos have one file; shrunk in finish()
    m_chunk->words.push_back({});      // words[0]: ""
    for (const auto& label : tree.m_options.sizes)
      (void)word(label);  // words[1 + i]: sizes[i], so a file's fits a byte
  }

  // A favorite (page 0) gets its best file only: sizes/ mirrors the photostream's pages.
  void add(const api::Photo& photo, bool sizes_pending) {
    PhotoChunk& chunk = *m_chunk;
    const TreeOptions& options = m_tree.m_options;
    StoredRecord record;
    const std::string stem = photo_stem(photo.date_taken, photo.title, photo.id);
    const std::size_t record_text = chunk.text.size();
    record.stem = append(stem).offset;
    record.stem_size = static_cast<std::uint16_t>(stem.size());
    record.taken_mtime = parse_date_taken(photo.date_taken).value_or(photo.date_upload);
    record.date_upload = photo.date_upload;
    record.last_update = photo.last_update;
    record.count_comments =
        static_cast<std::uint32_t>(std::clamp<std::int64_t>(photo.count_comments, 0, UINT32_MAX));
    record.media = static_cast<std::uint8_t>(photo.media);
    record.sizes_pending = sizes_pending ? 1 : 0;
    record.sidecar_ino = m_tree.unique_ino(NodeKind::sidecar, {photo.id});
    if (options.exif) chunk.exif_inos.push_back(m_tree.unique_ino(NodeKind::exif_file, {photo.id}));
    record.first_file = static_cast<std::uint32_t>(chunk.files.size());
    for (auto& [label, choice] : choose_files(photo, options)) {
      const bool best = label == "best";
      if (m_chunk->page == 0 && !best) continue;
      StoredFile file;
      file.sizes_label = static_cast<std::uint8_t>(word(label));
      // Extra sizes live in their own tree (sizes/<label>/), so they need no label in the
      // name: it is "<stem>.<ext>" for each.
      file.ino = m_tree.unique_ino(best ? NodeKind::image_file : NodeKind::size_file,
                                   {photo.id, label, choice.url});
      const std::string_view url = choice.url;
      const std::size_t slash = url.rfind('/');
      const std::size_t split = slash == std::string_view::npos ? 0 : slash + 1;
      file.url_dir = word(url.substr(0, split));
      file.url_file = append(url.substr(split));
      file.label = word(choice.label);
      file.ext = word(choice.ext);
      file.width = choice.width;
      file.height = choice.height;
      file.source = choice.source;
      chunk.files.push_back(file);
      ++record.file_count;
    }
    // Flickr's ids end the stem, and a secret is part of its URLs.
    record.id = find_or_append(photo.id, record_text);
    record.secret = find_or_append(photo.secret, record_text);
    chunk.records.push_back(record);
  }

  [[nodiscard]] std::size_t size() const { return m_chunk->records.size(); }

  [[nodiscard]] std::shared_ptr<PhotoChunk> finish() {
    PhotoChunk& chunk = *m_chunk;
    chunk.files.shrink_to_fit();
    chunk.text.shrink_to_fit();
    chunk.words.shrink_to_fit();
    return std::move(m_chunk);
  }

 private:
  TextRef append(std::string_view text) {
    const TextRef ref{static_cast<std::uint32_t>(m_chunk->text.size()),
                      static_cast<std::uint32_t>(text.size())};
    m_chunk->text.append(text);
    return ref;
  }
  // `text` where the current record's text (from `record_text` on) already holds it.
  TextRef find_or_append(std::string_view text, std::size_t record_text) {
    if (text.empty()) return {};
    const std::size_t at = std::string_view(m_chunk->text).find(text, record_text);
    if (at == std::string_view::npos) return append(text);
    return {static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(text.size())};
  }
  // Labels, extensions and URL directories: one copy per chunk.
  std::uint32_t word(std::string_view text) {
    if (text.empty()) return 0;
    const auto found = m_words.find(text);
    if (found != m_words.end()) return found->second;
    const auto index = static_cast<std::uint32_t>(m_chunk->words.size());
    m_chunk->words.push_back(append(text));
    m_words.emplace(text, index);
    return index;
  }

  Tree& m_tree;
  std::shared_ptr<PhotoChunk> m_chunk = std::make_shared<PhotoChunk>();
  std::map<std::string, std::uint32_t, std::less<>> m_words;
};

const PhotoChunk* Tree::page_chunk(std::size_t page) const {
  if (page == 0) return favorite_count() == 0 ? nullptr : m_chunks.back().get();
  return page <= page_count() ? m_chunks[page - 1].get() : nullptr;
}

void Tree::append_chunk(std::shared_ptr<const PhotoChunk> chunk, bool shared) {
  m_chunk_first_file.push_back(m_file_count);
  m_file_count += chunk->files.size();
  m_record_count += chunk->records.size();
  if (shared) ++m_shared_pages;
  m_chunks.push_back(std::move(chunk));
}

void Tree::add_chunk(std::shared_ptr<PhotoChunk> built, const Tree* previous) {
  const std::uint32_t page = built->page;
  if (previous) {
    // The previous snapshot's chunk for this page, if its records came out the same.
    const PhotoChunk* old = previous->page_chunk(page);
    if (old && old->same_as(*built)) {
      const std::size_t at = page == 0 ? previous->m_chunks.size() - 1 : page - 1;
      append_chunk(previous->m_chunks[at], true);
      return;
    }
  }
  append_chunk(std::move(built), false);
}

bool Tree::reuse_page(PhotoFeed& feed, const Tree& previous, std::uint32_t page) {
  if (page > previous.page_count()) return false;
  const std::shared_ptr<const PhotoChunk>& chunk = previous.m_chunks[page - 1];
  // A page that was not full may have grown: read it.
  if (chunk->size() != m_options.page_size) return false;
  std::vector<Ino> inos;
  inos.reserve(chunk->size() + chunk->files.size() + chunk->exif_inos.size());
  for (const auto& record : chunk->records)
    inos.push_back(record.sidecar_ino);
  for (const auto& file : chunk->files)
    inos.push_back(file.ino);
  inos.insert(inos.end(), chunk->exif_inos.begin(), chunk->exif_inos.end());
  // Taken by a page built before this one (a hash collision): read it, which salts them.
  if (std::any_of(inos.begin(), inos.end(), [&](Ino ino) { return m_used_inos.contains(ino); }))
    return false;
  if (!feed.skip_unchanged(*chunk)) return false;
  for (const Ino ino : inos)
    (void)m_used_inos.insert(ino);
  append_chunk(chunk, true);
  return true;
}

void Tree::add_reused_views(const Tree& previous, const std::vector<bool>& reused,
                            ViewCollector& views) const {
  const ViewData& old = previous.m_views;
  // Dirs are stored roots first, then breadth first: a parent's path is known before its
  // children's.
  std::vector<std::string> paths(old.dirs.size());
  for (std::size_t d = 0; d < old.dirs.size(); ++d) {
    const ViewDir& dir = old.dirs[d];
    paths[d] = dir.parent == kNoViewDir ? std::string(dir.name)
                                        : paths[dir.parent] + "/" + std::string(dir.name);
    std::uint32_t made = kNoViewDir;
    for (std::uint32_t m = dir.first_member; m < dir.first_member + dir.member_count; ++m) {
      const std::uint32_t photo = old.members[m];
      const std::size_t page = photo / m_options.page_size + 1;
      if (photo >= previous.m_stream_count || page >= reused.size() || !reused[page]) continue;
      if (made == kNoViewDir) made = views.dir(paths[d]);
      views.add(made, photo);
    }
  }
}

void Tree::add_photos(PhotoFeed& feed, std::vector<api::Photo> favorites, ViewCollector& views,
                      const Tree* previous) {
  const std::size_t page_size = m_options.page_size;
  m_chunks.reserve(feed.size_hint() / page_size + 2);
  std::optional<ChunkBuilder> open;  // the page being read
  std::string last_id;               // of the last photo kept, for the upload order
  std::int64_t last_upload = 0;
  FeedPhoto item;
  std::uint32_t index = 0;
  std::vector<bool> reused;  // by page: shared from `previous` unread
  for (;;) {
    const auto page = static_cast<std::uint32_t>(index / page_size + 1);
    if (!open && previous && reuse_page(feed, *previous, page)) {
      const PhotoChunk& shared = *m_chunks.back();
      const PhotoRecord last = shared.record(shared.size() - 1);
      last_upload = last.photo.date_upload;
      last_id = last.photo.id;
      index += static_cast<std::uint32_t>(page_size);
      reused.resize(page + 1);
      reused[page] = true;
      continue;
    }
    if (!feed.next(item)) break;
    // A photo listed twice (a page boundary moved during the walk) is kept once.
    if (index != 0 && !upload_before(last_upload, last_id, item.photo.date_upload, item.photo.id))
      continue;
    last_upload = item.photo.date_upload;
    last_id = item.photo.id;
    if (!open) open.emplace(*this, page, page_size);
    for (const auto& path : view_paths_of(item.photo))
      views.add(views.dir(path), index);
    open->add(item.photo, item.sizes_pending);
    ++index;
    if (open->size() == page_size) {
      add_chunk(open->finish(), previous);
      open.reset();
    }
  }
  if (open) add_chunk(open->finish(), previous);
  m_stream_count = index;
  if (!reused.empty()) add_reused_views(*previous, reused, views);
  {
    // The photostream's ids, sorted, to leave out a favorite that is also the account's own.
    std::vector<std::string_view> own;
    own.reserve(m_stream_count);
    for (std::uint32_t i = 0; i < m_stream_count; ++i)
      own.push_back(photo_id(i));
    std::sort(own.begin(), own.end());
    std::unordered_set<std::string> seen;
    ChunkBuilder favorite_chunk(*this, 0, favorites.size());
    for (auto& photo : favorites) {
      if (photo.id.empty() || std::binary_search(own.begin(), own.end(), photo.id) ||
          !seen.insert(photo.id).second) {
        continue;
      }
      favorite_chunk.add(photo, false);
    }
    if (favorite_chunk.size() != 0) add_chunk(favorite_chunk.finish(), previous);
  }
  m_photo_by_id.resize(m_record_count);
  for (std::uint32_t i = 0; i < m_record_count; ++i)
    m_photo_by_id[i] = i;
  std::sort(m_photo_by_id.begin(), m_photo_by_id.end(),
            [&](std::uint32_t a, std::uint32_t b) { return photo_id(a) < photo_id(b); });
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
  for (std::size_t page = 1; page <= pages; ++page) {
    const auto& records = m_chunks[page - 1]->records;
    m_page_pending[page - 1] = std::any_of(records.begin(), records.end(),
                                           [](const StoredRecord& r) { return r.sizes_pending; });
  }
}

void Tree::add_albums(std::vector<AlbumInput> albums) {
  std::unordered_set<std::string> seen_albums;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> memberships;  // (photo, album)
  std::size_t member_ids = 0;
  for (const auto& input : albums)
    member_ids += input.photo_ids.size();
  memberships.reserve(member_ids);
  std::vector<std::pair<Ino, AlbumLink>> links;  // (image link inode, member), for the index
  links.reserve(member_ids);
  for (auto& input : albums) {
    if (!seen_albums.insert(input.set.id).second) continue;
    AlbumRecord album;
    album.name = album_dir_name(input.set.title, input.set.id);
    album.ino = unique_ino(NodeKind::album_dir, {input.set.id});
    album.hidden_ino = unique_ino(NodeKind::hidden_list, {"album", input.set.id});
    album.json_ino = unique_ino(NodeKind::album_json, {input.set.id});
    const auto album_index = static_cast<std::uint32_t>(m_albums.size());
    album.link_hash = ino_hash_prefix(NodeKind::album_link, {input.set.id});
    // Sized once: grown by doubling, it held up to twice its members for the snapshot's life.
    album.members.reserve(input.photo_ids.size());
    std::unordered_set<std::uint32_t> seen_photos;
    for (const auto& id : input.photo_ids) {
      const auto found = photo_index(id);
      if (!found || is_favorite(*found) || !seen_photos.insert(*found).second) continue;
      const auto slot = static_cast<std::uint32_t>(album.members.size());
      album.members.push_back(*found);
      std::uint32_t salt = 0;
      links.emplace_back(free_link_base(album.link_hash, id, salt), AlbumLink{album_index, slot});
      if (salt != 0) album.link_salts[slot] = salt;
      memberships.emplace_back(*found, album_index);
    }
    std::vector<std::string>().swap(input.photo_ids);  // the next album's build may use it
    album.members.shrink_to_fit();                     // when ids were unknown or repeated
    album.set = std::move(input.set);
    album.listed = input.members_listed;
    m_albums.push_back(std::move(album));
  }
  for (std::uint32_t i = 0; i < m_albums.size(); ++i)
    m_album_by_id.emplace(m_albums[i].set.id, i);
  settle_album_links(links);
  // Each photo's albums in album-list order: one array, a span per photo.
  std::stable_sort(memberships.begin(), memberships.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  m_photo_albums.reserve(memberships.size());
  for (const auto& membership : memberships)
    m_photo_albums.push_back(membership.second);
  if (memberships.empty()) return;
  m_albums_begin.assign(m_record_count + 1, 0);
  for (const auto& membership : memberships)
    ++m_albums_begin[membership.first + 1];
  for (std::size_t i = 1; i <= m_record_count; ++i)
    m_albums_begin[i] += m_albums_begin[i - 1];
}

// Like view links, album links are not inserted in the InoSet (2 or 3 parts a member were
// half of its slots at 1,000,000 photos): each got the first base free of every other node
// (free_link_base); a clash between two links is found by sorting, and the later member,
// in album-list order, is salted.
void Tree::settle_album_links(std::vector<std::pair<Ino, AlbumLink>>& links) {
  const auto before = [](const auto& a, const auto& b) {
    return std::tie(a.first, a.second.album, a.second.slot) <
           std::tie(b.first, b.second.album, b.second.slot);
  };
  for (bool clash = true; clash;) {
    std::sort(links.begin(), links.end(), before);
    clash = false;
    for (std::size_t i = 1; i < links.size(); ++i) {
      if (links[i].first != links[i - 1].first) continue;
      const AlbumLink link = links[i].second;
      AlbumRecord& album = m_albums[link.album];
      std::uint32_t& salt = album.link_salts[link.slot];
      ++salt;
      links[i].first = free_link_base(album.link_hash, photo_id(album.members[link.slot]), salt);
      clash = true;
    }
  }
  m_album_links.reserve(links.size());
  m_album_link_bases.reserve(links.size());
  for (const auto& [base, link] : links) {
    m_album_links.push_back(link);
    m_album_link_bases.push_back(base);
  }
  std::vector<std::pair<Ino, AlbumLink>>().swap(links);
}

std::span<const std::uint32_t> Tree::albums_of(std::uint32_t photo_index) const {
  if (m_albums_begin.empty()) return {};
  const std::uint32_t begin = m_albums_begin[photo_index];
  return std::span(m_photo_albums).subspan(begin, m_albums_begin[photo_index + 1] - begin);
}

void Tree::compute_dir_mtimes() {
  m_page_mtimes.assign(m_page_inos.size(), 0);
  for (const auto& chunk : m_chunks) {
    for (const auto& record : chunk->records) {
      const std::int64_t mtime = record.dir_mtime();
      if (chunk->page == 0) {
        m_favorites_mtime = std::max(m_favorites_mtime, mtime);
        continue;
      }
      auto& page_mtime = m_page_mtimes[chunk->page - 1];
      page_mtime = std::max(page_mtime, mtime);
      m_photostream_mtime = std::max(m_photostream_mtime, mtime);
    }
  }
  for (auto& album : m_albums) {
    album.mtime = album.set.date_update;
    for (const auto member : album.members)
      album.mtime = std::max(album.mtime, photo(member).dir_mtime);
    m_sets_mtime = std::max(m_sets_mtime, album.mtime);
  }
}

void Tree::index_nodes() {
  std::vector<PackedNode>& nodes = m_by_ino;
  nodes.reserve(4 + m_page_inos.size() * 2 + m_record_count * (m_options.exif ? 2 : 1) +
                m_file_count + m_size_page_inos.size() + m_albums.size() * 3 +
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
  std::uint32_t i = 0;  // photo index
  for (const auto& chunk : m_chunks) {
    for (std::size_t r = 0; r < chunk->size(); ++r, ++i) {
      const auto& record = chunk->records[r];
      add(record.sidecar_ino, NodeKind::sidecar, i, 0);
      if (m_options.exif) add(chunk->exif_inos[r], NodeKind::exif_file, i, 0);
      for (std::uint32_t f = 0; f < record.file_count; ++f) {
        const StoredFile& file = chunk->files[record.first_file + f];
        add(file.ino, chunk->is_best(file) ? NodeKind::image_file : NodeKind::size_file, i, f);
      }
    }
  }
  for (std::uint32_t a = 0; a < m_albums.size(); ++a) {
    const auto& album = m_albums[a];
    add(album.ino, NodeKind::album_dir, a, 0);
    add(album.hidden_ino, NodeKind::hidden_list, a, 1);
    add(album.json_ino, NodeKind::album_json, a, 0);
  }
  for (std::uint32_t d = 0; d < m_views.dirs.size(); ++d) {
    add(m_views.dirs[d].ino, NodeKind::view_dir, d, 0);
    if (m_views.dirs[d].hidden_ino != 0)
      add(m_views.dirs[d].hidden_ino, NodeKind::hidden_list, d, 2);
  }
  std::sort(nodes.begin(), nodes.end(),
            [](const PackedNode& a, const PackedNode& b) { return a.ino < b.ino; });
  std::sort(m_collection_links.begin(), m_collection_links.end(),
            [](const Node& a, const Node& b) { return a.ino < b.ino; });
  nodes.shrink_to_fit();
  m_used_inos.clear();  // frees its array
  std::vector<Ino>().swap(m_album_link_bases);
}

}  // namespace flickrfs::model
