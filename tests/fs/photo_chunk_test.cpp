// Tree::build sharing pages with the snapshot it replaces (fs/model/photo_chunk.hpp): what is
// shared, what is not, and that a snapshot built that way is the one built from scratch.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "fs/model/inode.hpp"
#include "fs/model/tree.hpp"
#include "fs/model/tree_diff.hpp"
#include "tests/fs/fake_catalog.hpp"
#include "tests/fs/list_all.hpp"

namespace flickrfs {
namespace {

using model::CatalogInput;
using model::Tree;
using model::TreeOptions;

// Every path of `tree` with its inode, kind, mtime, and a link's target: what a reader sees.
void describe(const Tree& tree, model::Ino dir, const std::string& path,
              std::vector<std::string>& out) {
  for (const auto& entry : test::list_all(tree, dir, 2)) {
    const auto node = tree.node(entry.ino);
    REQUIRE(node);
    std::string line = path + "/" + entry.name + " " + std::to_string(entry.ino) + " " +
                       std::to_string(static_cast<int>(entry.kind)) + " " +
                       std::to_string(tree.attr(*node, {}).mtime);
    const std::string target = tree.link_target(*node);
    if (!target.empty()) line += " -> " + target;
    if (Tree::is_generated(node->kind)) line += " [" + tree.generated_text(*node) + "]";
    out.push_back(line);
    if (model::is_directory(node->kind)) describe(tree, entry.ino, path + "/" + entry.name, out);
  }
}

std::vector<std::string> describe(const Tree& tree) {
  std::vector<std::string> out;
  describe(tree, model::kRootIno, "", out);
  return out;
}

CatalogInput with_album(int photos) {
  CatalogInput input = test::make_catalog(photos);
  model::AlbumInput album;
  album.set.id = "72157600000000001";
  album.set.title = "trip";
  for (int i = 0; i < photos; i += 7)
    album.photo_ids.push_back(std::to_string(1000 + i));
  input.albums.push_back(album);
  input.favorites.push_back(test::make_photo("9000", "someone else's", 1400000000));
  return input;
}

// with_album() plus tags and dates spread over months: tags/, by-date/ and by-upload/.
CatalogInput with_views(int photos) {
  CatalogInput input = with_album(photos);
  for (int i = 0; i < photos; ++i) {
    auto& photo = input.photos[static_cast<std::size_t>(i)];
    photo.tags = {"tag" + std::to_string(i % 5)};
    if (i % 3 == 0) photo.tags.push_back("every-third");
    photo.date_taken =
        "2019-" + std::string(i % 12 < 9 ? "0" : "") + std::to_string(i % 12 + 1) + "-14 18:03:00";
  }
  return input;
}

// CatalogInput::photos (already in upload order) as a feed that can skip a chunk whose
// photos are not in `changed`, as the mount's CacheFeed does with what MetaStore wrote.
class SkippingFeed final : public model::PhotoFeed {
 public:
  SkippingFeed(std::vector<api::Photo> photos, std::vector<std::string> changed)
      : m_photos(std::move(photos)), m_changed(std::move(changed)) {}
  [[nodiscard]] std::size_t size_hint() const override { return m_photos.size(); }
  [[nodiscard]] bool next(model::FeedPhoto& out) override {
    if (m_next == m_photos.size()) return false;
    out.photo = m_photos[m_next++];
    ++reads;
    return true;
  }
  [[nodiscard]] bool skip_unchanged(const model::PhotoChunk& chunk) override {
    if (m_photos.size() - m_next < chunk.records.size()) return false;
    for (std::size_t k = 0; k < chunk.records.size(); ++k) {
      const std::string& id = m_photos[m_next + k].id;
      if (id != chunk.text_of(chunk.records[k].id) ||
          std::find(m_changed.begin(), m_changed.end(), id) != m_changed.end()) {
        return false;
      }
    }
    m_next += chunk.records.size();
    ++skips;
    return true;
  }
  std::size_t reads = 0;
  std::size_t skips = 0;

 private:
  std::vector<api::Photo> m_photos;
  std::vector<std::string> m_changed;
  std::size_t m_next = 0;
};

// `input` with its photos handed over by `feed` (kept by the caller: build() lets go of it).
std::shared_ptr<const Tree> build_skipping(CatalogInput input, std::vector<std::string> changed,
                                           const TreeOptions& options, const Tree* previous,
                                           std::shared_ptr<SkippingFeed>& feed) {
  feed = std::make_shared<SkippingFeed>(std::move(input.photos), std::move(changed));
  input.photos.clear();
  input.feed = feed;
  return Tree::build(std::move(input), options, previous);
}

constexpr std::size_t kPage = 100;  // small pages: a few of them from a few hundred photos

TEST_CASE("a new upload shares every page but the last with the snapshot before", "[model]") {
  const TreeOptions options{{"best"}, kPage};
  const auto before = Tree::build(with_album(250), options);
  const auto after = Tree::build(with_album(251), options, before.get());
  REQUIRE(after->page_count() == 3);
  CHECK(after->page_chunk(1) == before->page_chunk(1));
  CHECK(after->page_chunk(2) == before->page_chunk(2));
  CHECK(after->page_chunk(3) != before->page_chunk(3));  // 50 photos then, 51 now
  CHECK(after->page_chunk(0) == before->page_chunk(0));  // favorites/
  CHECK(describe(*after) == describe(*Tree::build(with_album(251), options)));
}

TEST_CASE("a changed photo's page is built again, the others are shared", "[model]") {
  const TreeOptions options{{"best", "thumb"}, kPage, true};
  const auto before = Tree::build(with_album(300), options);
  CatalogInput changed = with_album(300);
  changed.photos[150].title = "retitled";  // page 2
  changed.photos[150].last_update += 1;
  const auto after = Tree::build(changed, options, before.get());
  CHECK(after->page_chunk(1) == before->page_chunk(1));
  CHECK(after->page_chunk(2) != before->page_chunk(2));
  CHECK(after->page_chunk(3) == before->page_chunk(3));
  CHECK(after->photo(150).stem != before->photo(150).stem);
  CHECK(describe(*after) == describe(*Tree::build(std::move(changed), options)));
}

TEST_CASE("a change of state only a record holds builds its page again", "[model]") {
  // No name changes, but a video whose streams became known lists differently (its page is
  // no longer pending): same_as compares every field of a record, not only the names.
  const TreeOptions options{{"best"}, kPage};
  CatalogInput pending = with_album(120);
  pending.photos.push_back(test::make_video("5000", {"Site MP4"}));
  pending.sizes_pending.insert("5000");
  const auto before = Tree::build(pending, options);
  CatalogInput known = pending;
  known.sizes_pending.clear();
  const auto after = Tree::build(known, options, before.get());
  const auto page = after->photo(*after->photo_index("5000")).page;
  CHECK(after->page_chunk(page) != before->page_chunk(page));
  CHECK_FALSE(before->listed(*before->node(before->page_ino(page))));
  CHECK(after->listed(*after->node(after->page_ino(page))));
  CHECK(describe(*after) == describe(*Tree::build(std::move(known), options)));
}

TEST_CASE("a deletion shifts the pages after it: none of them is shared", "[model]") {
  const TreeOptions options{{"best"}, kPage};
  const auto before = Tree::build(with_album(300), options);
  CatalogInput fewer = with_album(300);
  fewer.photos.erase(fewer.photos.begin() + 120);  // page 2
  const auto after = Tree::build(fewer, options, before.get());
  CHECK(after->page_chunk(1) == before->page_chunk(1));
  CHECK(after->page_chunk(2) != before->page_chunk(2));
  CHECK(after->page_chunk(3) != before->page_chunk(3));
  CHECK(describe(*after) == describe(*Tree::build(std::move(fewer), options)));
}

TEST_CASE("other options share nothing", "[model]") {
  const auto before = Tree::build(with_album(250), {{"best"}, kPage});
  const TreeOptions exif{{"best"}, kPage, true};
  const auto after = Tree::build(with_album(250), exif, before.get());
  for (std::size_t page = 0; page <= after->page_count(); ++page)
    CHECK(after->page_chunk(page) != before->page_chunk(page));
  CHECK(describe(*after) == describe(*Tree::build(with_album(250), exif)));
}

TEST_CASE("a shared page keeps its own size memos per snapshot", "[model]") {
  // The memos are the snapshot's, not the chunk's: a size learnt in one snapshot is not
  // claimed by the other (a file's bytes are known per snapshot, see tree.hpp).
  const TreeOptions options{{"best"}, kPage};
  const auto before = Tree::build(with_album(150), options);
  const auto after = Tree::build(with_album(150), options, before.get());
  REQUIRE(after->page_chunk(2) == before->page_chunk(2));
  const auto file = *after->node(after->photo(120).files[0].ino);
  after->remember_file_size(file, 12345);
  CHECK(after->file_size(file) == 12345u);
  CHECK_FALSE(before->file_size(*before->node(before->photo(120).files[0].ino)));
  // The favorite's file: its slot follows every page's files.
  const auto favorite = *after->node(after->photo(150).files[0].ino);
  CHECK_FALSE(after->file_size(favorite));
  after->remember_file_size(favorite, 7);
  CHECK(after->file_size(favorite) == 7u);
  CHECK(after->file_size(file) == 12345u);
}

TEST_CASE("a rebuild reads only the pages whose photos changed", "[model]") {
  const TreeOptions options{{"best", "thumb"}, kPage, true};
  const auto before = Tree::build(with_views(300), options);
  CatalogInput changed = with_views(300);
  changed.photos[150].title = "retitled";
  changed.photos[150].tags = {"new-tag"};
  std::shared_ptr<SkippingFeed> feed;
  const auto after = build_skipping(changed, {changed.photos[150].id}, options, before.get(), feed);
  CHECK(feed->skips == 2);    // pages 1 and 3
  CHECK(feed->reads == 100);  // page 2
  CHECK(after->page_chunk(1) == before->page_chunk(1));
  CHECK(after->page_chunk(2) != before->page_chunk(2));
  CHECK(after->page_chunk(3) == before->page_chunk(3));
  // The views of the pages not read come from the snapshot before: the same tree as read.
  CHECK(describe(*after) == describe(*Tree::build(std::move(changed), options)));
  CHECK(after->lookup(model::kTagsIno, "new-tag"));
  CHECK(after->lookup(model::kTagsIno, "every-third"));
}

TEST_CASE("a new upload reads only the last page", "[model]") {
  const TreeOptions options{{"best"}, kPage};
  const auto before = Tree::build(with_views(300), options);
  std::shared_ptr<SkippingFeed> feed;
  const auto after = build_skipping(with_views(301), {"1300"}, options, before.get(), feed);
  CHECK(feed->skips == 3);
  CHECK(feed->reads == 1);
  REQUIRE(after->page_count() == 4);
  CHECK(describe(*after) == describe(*Tree::build(with_views(301), options)));
  // Nothing changed at all: nothing is read, and the tree is the same once more.
  const auto again = build_skipping(with_views(301), {}, options, after.get(), feed);
  CHECK(feed->reads == 1);  // the last page holds one photo: not full, so read
  CHECK(describe(*again) == describe(*after));
}

TEST_CASE("a page that moved is read, though its photos did not change", "[model]") {
  const TreeOptions options{{"best"}, kPage};
  const auto before = Tree::build(with_views(300), options);
  CatalogInput fewer = with_views(300);
  fewer.photos.erase(fewer.photos.begin() + 50);  // page 1: pages 2 and 3 shift by one
  std::shared_ptr<SkippingFeed> feed;
  const auto after = build_skipping(fewer, {}, options, before.get(), feed);
  CHECK(feed->skips == 0);
  CHECK(feed->reads == 299);
  CHECK(describe(*after) == describe(*Tree::build(std::move(fewer), options)));
}

std::vector<std::tuple<int, model::Ino, std::string>> sorted_diff(const Tree& before,
                                                                  const Tree& after) {
  std::vector<std::tuple<int, model::Ino, std::string>> out;
  for (const auto& i : model::diff_trees(before, after))
    out.emplace_back(static_cast<int>(i.type), i.ino, i.name);
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("the diff skips shared pages and finds what a diff of copies finds", "[model]") {
  // The kernel's invalidations after a refresh must not depend on whether the new snapshot
  // shares pages with the old one.
  const TreeOptions options{{"best", "thumb"}, kPage, true};
  const auto before = Tree::build(with_album(250), options);
  CatalogInput changed = with_album(251);
  changed.photos[30].title = "retitled";          // page 1
  changed.albums[0].set.title = "trip, renamed";  // every member's sidecar changes
  changed.favorites.push_back(test::make_photo("9001", "another", 1400000001));
  const auto shared = Tree::build(changed, options, before.get());
  const auto copied = Tree::build(std::move(changed), options);
  CHECK(shared->page_chunk(2) == before->page_chunk(2));
  const auto diff = sorted_diff(*before, *shared);
  CHECK(diff == sorted_diff(*before, *copied));
  const auto sidecar = [](model::Ino ino) {
    return std::make_tuple(static_cast<int>(model::Invalidation::Type::inode), ino, std::string());
  };
  // The album's member in the shared page 2 (photo 105) has a new "sets" in its sidecar.
  CHECK(std::binary_search(diff.begin(), diff.end(), sidecar(before->photo(105).sidecar_ino)));
  // A photo of page 2 in no album: nothing to tell the kernel.
  CHECK_FALSE(
      std::binary_search(diff.begin(), diff.end(), sidecar(before->photo(106).sidecar_ino)));
}

// Keeps the low `bits` of every inode number while it lives: a tree of a few hundred photos
// then has collisions of every kind for its build to resolve.
class NarrowInos {
 public:
  explicit NarrowInos(unsigned bits) { model::narrow_inos_for_testing(bits); }
  ~NarrowInos() { model::narrow_inos_for_testing(0); }
  NarrowInos(const NarrowInos&) = delete;
  NarrowInos& operator=(const NarrowInos&) = delete;
};

// Every entry under `dir`: no other entry has its inode number, and the number resolves to a
// node of the entry's kind and name.
void check_numbers(const Tree& tree, model::Ino dir, const std::string& path,
                   std::map<model::Ino, std::string>& seen) {
  for (const auto& entry : test::list_all(tree, dir, 2)) {
    const std::string here = path + "/" + entry.name;
    INFO(here);
    const auto [first, fresh] = seen.emplace(entry.ino, here);
    CHECK((fresh || first->second == here));
    const auto node = tree.node(entry.ino);
    REQUIRE(node);
    CHECK(node->kind == entry.kind);
    CHECK(tree.name_of(*node) == entry.name);
    if (model::is_directory(entry.kind)) check_numbers(tree, entry.ino, here, seen);
  }
}

TEST_CASE("colliding inode numbers are salted apart, built from scratch or shared", "[model]") {
  const NarrowInos narrow(14);  // 16,384 numbers for about 4,500 entries
  const TreeOptions options{{"best", "thumb"}, kPage, true};
  const auto before = Tree::build(with_views(300), options);
  std::map<model::Ino, std::string> seen;
  check_numbers(*before, model::kRootIno, "", seen);
  CHECK(seen.size() > 4000);
  CatalogInput changed = with_views(300);
  changed.photos[150].title = "retitled";
  changed.photos[150].last_update += 1;
  std::shared_ptr<SkippingFeed> feed;
  const auto after = build_skipping(changed, {changed.photos[150].id}, options, before.get(), feed);
  seen.clear();
  check_numbers(*after, model::kRootIno, "", seen);
  CHECK(describe(*after) == describe(*Tree::build(std::move(changed), options)));
}

}  // namespace
}  // namespace flickrfs
