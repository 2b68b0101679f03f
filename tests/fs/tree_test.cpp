#include <string>
// fs/model/tree*.cpp: the tree of DESIGN section 3 over an in-memory catalog.
#include <catch2/catch.hpp>

#include <set>

#include "fs/model/inode.hpp"
#include "fs/model/naming.hpp"
#include "fs/model/tree.hpp"
#include "tests/fs/fake_catalog.hpp"
#include "tests/fs/list_all.hpp"

using namespace flickrfs;
using namespace flickrfs::model;
using flickrfs::test::list_all;

namespace {

Node walk(const Tree& tree, std::initializer_list<std::string_view> path) {
  Node node = *tree.node(kRootIno);
  for (const auto part : path) {
    const auto next = tree.lookup(node.ino, part);
    REQUIRE(next);
    node = *next;
  }
  return node;
}

}  // namespace

TEST_CASE("the photostream is paged 500 per directory, oldest upload first", "[model]") {
  auto input = test::make_catalog(1001);
  std::reverse(input.photos.begin(), input.photos.end());  // input order must not matter
  const auto tree = Tree::build(std::move(input), {});
  CHECK(tree->page_count() == 3);
  const auto pages = list_all(*tree, kPhotostreamIno);
  REQUIRE(pages.size() == 5);  // . .. page-0001..3
  CHECK(pages[2].name == "page-0001");
  CHECK(pages[4].name == "page-0003");
  const auto first = list_all(*tree, walk(*tree, {"photostream", "page-0001"}).ino);
  CHECK(first.size() == 2 + 1 + 2 * 500);  // . .. .hidden, an image and a sidecar a photo
  CHECK(first[2].name == ".hidden");
  CHECK(first[3].name == "2019-07-14_photo 0_1000.jpg");
  CHECK(first[4].name == "2019-07-14_photo 0_1000.json");
  const auto last = list_all(*tree, walk(*tree, {"photostream", "page-0003"}).ino);
  REQUIRE(last.size() == 5);
  CHECK(last[3].name == "2019-07-14_photo 1000_2000.jpg");
}

TEST_CASE("a page holds each photo's best file and sidecar, and .hidden names the sidecars",
          "[model]") {
  const auto tree = Tree::build(test::make_catalog(3), {});
  const Node page = walk(*tree, {"photostream", "page-0001"});
  const auto files = list_all(*tree, page.ino);
  REQUIRE(files.size() == 2 + 1 + 6);
  CHECK(files[5].name == "2019-07-14_photo 1_1001.jpg");
  CHECK(files[5].kind == NodeKind::image_file);
  CHECK(files[6].name == "2019-07-14_photo 1_1001.json");
  CHECK(files[6].kind == NodeKind::sidecar);
  const Node image = walk(*tree, {"photostream", "page-0001", "2019-07-14_photo 1_1001.jpg"});
  CHECK(tree->file(image).choice.label == "Original");
  const Attr attr = tree->attr(image, std::nullopt);
  CHECK_FALSE(attr.size);  // unknown: never guessed
  CHECK(attr.immutable);
  CHECK(attr.mtime == 1563127380);  // date taken
  CHECK(tree->attr(image, 42).size == 42u);
  const Node sidecar = *tree->lookup(page.ino, "2019-07-14_photo 1_1001.json");
  CHECK(tree->attr(sidecar, 10).mtime == tree->photo(sidecar.index).photo.last_update);
  CHECK(tree->parent_of(sidecar) == page.ino);
  CHECK_FALSE(tree->lookup(page.ino, "2019-07-14_photo 1_1001.png"));
  CHECK_FALSE(tree->lookup(page.ino, "2019-07-14_photo 1_1001"));
  const Node hidden = *tree->lookup(page.ino, ".hidden");
  CHECK(hidden.kind == NodeKind::hidden_list);
  CHECK(tree->generated_text(hidden) ==
        "2019-07-14_photo 0_1000.json\n2019-07-14_photo 1_1001.json\n"
        "2019-07-14_photo 2_1002.json\n");
  CHECK(tree->parent_of(hidden) == page.ino);
  // The page is as new as its newest child (here the date taken).
  CHECK(tree->attr(page, std::nullopt).mtime >= 1563127380);
}

TEST_CASE("extra sizes (--sizes) get a tree of their own, one per label", "[model]") {
  TreeOptions options;
  options.sizes = {"best", "large", "large2048"};
  const auto tree = Tree::build(test::make_catalog(1), options);
  // . .. photostream sets favorites sizes collections tags by-date by-upload
  CHECK(list_all(*tree, kRootIno).size() == 10);
  const auto labels = list_all(*tree, kSizesIno);
  REQUIRE(labels.size() == 4);
  CHECK(labels[2].name == "large");
  CHECK(labels[3].name == "large2048");
  const Node page = walk(*tree, {"sizes", "large", "page-0001"});
  CHECK(page.kind == NodeKind::size_page_dir);
  const auto files = list_all(*tree, page.ino);
  REQUIRE(files.size() == 3);
  CHECK(files[2].name == "2019-07-14_photo 0_1000.jpg");
  CHECK(files[2].kind == NodeKind::size_file);
  const Node file = *tree->lookup(page.ino, files[2].name);
  CHECK(tree->file(file).sizes_label == "large");
  CHECK(tree->parent_of(file) == page.ino);
  // The photostream page shows the best file only: never the same picture twice.
  CHECK(list_all(*tree, walk(*tree, {"photostream", "page-0001"}).ino).size() == 5);
  CHECK_FALSE(Tree::build(test::make_catalog(1), {})->lookup(kRootIno, "sizes"));
}

TEST_CASE("albums are symlinks into the photostream, album order kept", "[model]") {
  AlbumInput album;
  album.set.id = "72157709876543210";
  album.set.title = "Summer 2019";
  album.photo_ids = {"1700", "1000", "9999999", "1000"};  // unknown and duplicate ids dropped
  const auto tree = Tree::build(test::make_catalog(800, {album}), {});
  const auto sets = list_all(*tree, kSetsIno);
  REQUIRE(sets.size() == 3);
  CHECK(sets[2].name == "Summer 2019_72157709876543210");
  const auto entries = list_all(*tree, sets[2].ino);
  REQUIRE(entries.size() == 2 + 2 + 4);
  CHECK(entries[2].name == "album.json");
  CHECK(entries[3].name == ".hidden");
  CHECK(entries[4].name == "0001_2019-07-14_photo 700_1700.jpg");
  CHECK(entries[5].name == "0001_2019-07-14_photo 700_1700.json");
  CHECK(entries[6].name == "0002_2019-07-14_photo 0_1000.jpg");
  const Node link = *tree->lookup(sets[2].ino, entries[4].name);
  CHECK(link.kind == NodeKind::album_link);
  CHECK(tree->link_target(link) == "../../photostream/page-0002/2019-07-14_photo 700_1700.jpg");
  CHECK(tree->attr(link, std::nullopt).size == tree->link_target(link).size());
  const Node sidecar = *tree->lookup(sets[2].ino, entries[5].name);
  CHECK(sidecar.kind == NodeKind::sidecar_link);
  CHECK(tree->link_target(sidecar) == "../../photostream/page-0002/2019-07-14_photo 700_1700.json");
  CHECK(tree->generated_text(*tree->lookup(sets[2].ino, ".hidden")) ==
        "0001_2019-07-14_photo 700_1700.json\n0002_2019-07-14_photo 0_1000.json\nalbum.json\n");
  const std::string album_json = tree->generated_text(*tree->lookup(sets[2].ino, "album.json"));
  CHECK(album_json.find("\"id\": \"72157709876543210\"") != std::string::npos);
  CHECK(album_json.find("\"count\": 2") != std::string::npos);
  const auto sets_of = tree->sets_of(*tree->photo_index("1000"));
  REQUIRE(sets_of.size() == 1);
  CHECK(sets_of[0].title == "Summer 2019");
}

TEST_CASE("an inode number hashed from a prefix equals the one hashed whole", "[model]") {
  const auto prefix = ino_hash_prefix(NodeKind::view_link, {"tags/sunset"});
  CHECK(stable_ino_after(prefix, "1000") ==
        stable_ino(NodeKind::view_link, {"tags/sunset", "1000"}));
  CHECK(stable_ino_after(prefix, "1000", 3) ==
        stable_ino(NodeKind::view_link, {"tags/sunset", "1000"}, 3));
  // The separator keeps the split: ("tags/sunset", "1000") is not ("tags/sunset1000").
  CHECK(stable_ino_after(prefix, "1000") != stable_ino(NodeKind::view_link, {"tags/sunset1000"}));
  CHECK(stable_ino_after(ino_hash_prefix(NodeKind::view_sidecar_link, {"tags/sunset"}), "1000") !=
        stable_ino_after(prefix, "1000"));
}

TEST_CASE("album links resolve by inode to the node their name gives", "[model]") {
  AlbumInput first;
  first.set.id = "72157709876543210";
  first.set.title = "First";
  first.photo_ids = {"1700", "1000", "1003"};
  AlbumInput second = first;  // the same photos: other links, the same slots
  second.set.id = "72157709876543211";
  second.set.title = "Second";
  second.photo_ids = {"1003", "1700"};
  TreeOptions options;
  options.exif = true;  // all three kinds of link
  const auto tree = Tree::build(test::make_catalog(800, {first, second}), options);
  std::set<NodeKind> kinds;
  std::set<Ino> inos;
  for (const auto& set : list_all(*tree, kSetsIno)) {
    if (set.kind != NodeKind::album_dir) continue;
    for (const auto& entry : list_all(*tree, set.ino)) {
      if (entry.name == "." || entry.name == "..") continue;
      const auto named = tree->lookup(set.ino, entry.name);
      const auto numbered = tree->node(entry.ino);
      REQUIRE(named);
      REQUIRE(numbered);
      CHECK(*numbered == *named);
      CHECK(tree->parent_of(*numbered) == set.ino);
      CHECK(inos.insert(entry.ino).second);  // two albums holding a photo: other numbers
      kinds.insert(numbered->kind);
    }
  }
  CHECK(kinds == std::set<NodeKind>{NodeKind::album_link, NodeKind::sidecar_link,
                                    NodeKind::exif_link, NodeKind::hidden_list,
                                    NodeKind::album_json});
}

TEST_CASE("lookups reject names that only share the id", "[model]") {
  const auto tree = Tree::build(test::make_catalog(600), {});
  const Node page1 = walk(*tree, {"photostream", "page-0001"});
  CHECK(tree->lookup(page1.ino, "2019-07-14_photo 1_1001.jpg"));
  CHECK(tree->lookup(page1.ino, "2019-07-14_photo 1_1001.json"));
  CHECK_FALSE(tree->lookup(page1.ino, "x_1001.jpg"));
  CHECK_FALSE(tree->lookup(page1.ino, "x_1001.json"));
  CHECK_FALSE(tree->lookup(page1.ino, "2019-07-14_photo 550_1550.jpg"));  // lives on page 2
  CHECK_FALSE(tree->lookup(kPhotostreamIno, "page-1"));
  CHECK_FALSE(tree->lookup(kPhotostreamIno, "page-0009"));
  CHECK_FALSE(tree->lookup(kRootIno, ".hidden"));
  CHECK_FALSE(tree->lookup(page1.ino, "folder.jpg"));
  CHECK_FALSE(tree->lookup(kSetsIno, "desktop.ini"));
  CHECK(tree->lookup(page1.ino, "..")->ino == kPhotostreamIno);
}

TEST_CASE("inode numbers are stable across builds and unique", "[model]") {
  const auto a = Tree::build(test::make_catalog(50), {});
  const auto b = Tree::build(test::make_catalog(50), {});
  std::set<Ino> seen;
  for (std::uint32_t i = 0; i < a->record_count(); ++i) {
    const auto record = a->photo(i);
    const auto other = b->photo(*b->photo_index(record.photo.id));
    CHECK(record.sidecar_ino == other.sidecar_ino);
    CHECK(record.files[0].ino == other.files[0].ino);
    CHECK(seen.insert(record.sidecar_ino).second);
    CHECK(seen.insert(record.files[0].ino).second);
  }
}

// upload/ tells its inodes from the tree's by the top byte alone (a --writable mount sent
// every 256th photo's open and getattr to upload/, which answered ENOENT).
TEST_CASE("no tree inode falls in the range upload/ numbers its files in", "[model]") {
  std::int64_t in_range = 0;
  for (std::uint32_t i = 0; i < 100'000; ++i) {
    const std::string id = std::to_string(52'000'000'000ULL + i);
    in_range += in_upload_range(stable_ino(NodeKind::image_file, {id, "secret"})) ? 1 : 0;
    in_range += in_upload_range(stable_ino(NodeKind::sidecar, {id})) ? 1 : 0;
  }
  CHECK(in_range == 0);  // about 780 of these 200,000 hashes have that top byte
  const auto tree = Tree::build(test::make_catalog(2'000), {});
  for (std::uint32_t i = 0; i < tree->record_count(); ++i) {
    const auto record = tree->photo(i);
    CHECK_FALSE(in_upload_range(record.sidecar_ino));
    for (const auto& file : record.files)
      CHECK_FALSE(in_upload_range(file.ino));
  }
}

TEST_CASE("a replaced photo gets a new image inode, a retitled one keeps its sidecar inode",
          "[model]") {
  auto input = test::make_catalog(1);
  const auto before = Tree::build(input, {});
  input.photos[0].title = "new title";
  input.photos[0].sizes.back().source += "?v=2";  // new original secret -> new URL
  const auto after = Tree::build(input, {});
  CHECK(before->photo(0).sidecar_ino == after->photo(0).sidecar_ino);
  CHECK(before->photo(0).stem != after->photo(0).stem);
  CHECK(before->photo(0).files[0].ino != after->photo(0).files[0].ino);
}

TEST_CASE("hostile titles give valid, unique, resolvable names", "[model]") {
  const std::vector<std::string> titles = {"a/b/../c",
                                           "..",
                                           ".",
                                           "",
                                           std::string(400, 'x'),
                                           "\x01\x7f\x1b[31m",
                                           "\xe2\x80\xae"
                                           "evil",
                                           "same",
                                           "same",
                                           "emoji \xF0\x9F\x98\x80",
                                           "\xff\xfe",
                                           "   "};
  CatalogInput input;
  for (std::size_t i = 0; i < titles.size(); ++i)
    input.photos.push_back(test::make_photo(std::to_string(5000 + i), titles[i], 100 + i));
  AlbumInput album;
  album.set.id = "1";
  album.set.title = "../..";
  for (const auto& p : input.photos)
    album.photo_ids.push_back(p.id);
  input.albums = {album};
  const auto tree = Tree::build(std::move(input), {});
  std::set<std::string> names;
  const Node page = walk(*tree, {"photostream", "page-0001"});
  for (const auto& entry : list_all(*tree, page.ino, 2)) {
    CHECK(is_valid_name(entry.name));
    CHECK(names.insert(entry.name).second);
    const auto found = tree->lookup(page.ino, entry.name);
    REQUIRE(found);
    CHECK(found->ino == entry.ino);
  }
  CHECK(names.size() == 1 + 2 * titles.size());
  const auto sets = list_all(*tree, kSetsIno, 2);
  REQUIRE(sets.size() == 1);
  CHECK(is_valid_name(sets[0].name));
  for (const auto& link : list_all(*tree, sets[0].ino, 2)) {
    CHECK(is_valid_name(link.name));
    const auto found = tree->lookup(sets[0].ino, link.name);
    REQUIRE(found);
    CHECK(found->ino == link.ino);
    if (is_symlink(found->kind)) {  // resolves to the photostream entry of the same photo
      const std::string target = tree->link_target(*found);
      const std::string file = target.substr(target.rfind('/') + 1);
      const auto resolved = tree->lookup(page.ino, file);
      REQUIRE(resolved);
      CHECK(resolved->index == found->index);
    }
  }
}

TEST_CASE("listing resumes at an offset", "[model]") {
  AlbumInput album;
  album.set.id = "5";
  album.photo_ids = {"1003", "1001", "1007"};
  const auto tree = Tree::build(test::make_catalog(10, {album}), {});
  for (const Ino page : {walk(*tree, {"photostream", "page-0001"}).ino, tree->album(0).ino}) {
    const auto all = list_all(*tree, page);
    std::vector<DirEntry> resumed;
    std::uint64_t offset = 0;
    while (true) {
      std::size_t got = 0;
      REQUIRE(tree->list(page, offset, [&](const DirEntry& e, std::uint64_t next) {
        resumed.push_back(e);
        offset = next;
        return ++got < 3;  // a small reply buffer
      }));
      if (got == 0) break;
    }
    REQUIRE(resumed.size() == all.size());
    for (std::size_t i = 0; i < all.size(); ++i)
      CHECK(resumed[i].name == all[i].name);
  }
}

TEST_CASE("unknown inodes and non-directories are reported", "[model]") {
  const auto tree = Tree::build(test::make_catalog(1), {});
  CHECK_FALSE(tree->node(999));
  const Node info = walk(*tree, {"photostream", "page-0001", "2019-07-14_photo 0_1000.json"});
  CHECK_FALSE(tree->list(info.ino, 0, [](const DirEntry&, std::uint64_t) { return true; }));
  CHECK_FALSE(tree->lookup(info.ino, "x"));
}

TEST_CASE("listings a first mount has not fetched yet are marked, directory by directory",
          "[model]") {
  const auto album = [](std::string id, std::vector<std::string> photo_ids, bool listed) {
    AlbumInput out;
    out.set.id = std::move(id);
    out.set.title = "Album " + out.set.id;
    out.photo_ids = std::move(photo_ids);
    out.members_listed = listed;
    return out;
  };
  auto input = test::make_catalog(
      1001, {album("72157000000000001", {"1000"}, true), album("72157000000000002", {}, false)});
  input.sizes_pending.insert(input.photos[600].id);  // a video of page 2 without streams
  {
    auto partial = input;
    partial.photostream_listed = false;
    partial.albums_listed = false;
    const auto tree = Tree::build(std::move(partial), {});
    CHECK_FALSE(tree->listed(*tree->node(kPhotostreamIno)));
    CHECK_FALSE(tree->listed(*tree->node(kSetsIno)));
    CHECK(tree->listed(*tree->node(kRootIno)));
    CHECK_FALSE(tree->complete());
  }
  const auto tree = Tree::build(input, {});
  CHECK(tree->listed(*tree->node(kPhotostreamIno)));
  CHECK(tree->listed(*tree->node(kSetsIno)));
  CHECK(tree->listed(*tree->node(tree->page_ino(1))));
  CHECK_FALSE(tree->listed(*tree->node(tree->page_ino(2))));  // the pending video's page
  CHECK(tree->listed(*tree->node(tree->page_ino(3))));
  CHECK(tree->photo(600).sizes_pending);
  CHECK_FALSE(tree->photo(599).sizes_pending);
  CHECK(tree->listed(*tree->node(tree->album(0).ino)));
  CHECK_FALSE(tree->listed(*tree->node(tree->album(1).ino)));
  CHECK_FALSE(tree->complete());

  auto done = test::make_catalog(1001, {album("72157000000000001", {"1000"}, true)});
  CHECK(Tree::build(std::move(done), {})->complete());
}

TEST_CASE("a photo stripped for the build gives the same tree as the full photo", "[model]") {
  // The mount reads 100,000 photos stripped (Refresher::read_cache): names, files, inode
  // numbers and what the snapshot keeps must not depend on what was stripped.
  CatalogInput full;
  full.photos.push_back(test::make_photo("1", "with original", 1500000000, true, "png"));
  full.photos.push_back(test::make_photo("2", "no original", 1500000060, false));
  full.photos.push_back(test::make_video("3", {"Site MP4", "Mobile MP4", "HD MP4"}));
  full.photos.push_back(test::make_video("4", {}));  // poster only
  full.photos[0].description = "a long description";
  full.photos[0].tags = {"one", "two"};
  for (const std::vector<std::string>& sizes :
       {std::vector<std::string>{"best"}, {"best", "thumb", "large", "original"}}) {
    const TreeOptions options{sizes, kPhotosPerPage};
    CatalogInput stripped = full;
    for (auto& photo : stripped.photos)
      Tree::strip_for_build(photo, options);
    CHECK(stripped.photos[0].description.empty());
    CHECK(stripped.photos[0].tags == full.photos[0].tags);  // tags/ (views.hpp)
    CHECK(stripped.photos[0].sizes.size() < full.photos[0].sizes.size());
    const auto a = Tree::build(full, options);
    const auto b = Tree::build(stripped, options);
    REQUIRE(a->photo_count() == b->photo_count());
    for (std::uint32_t i = 0; i < a->photo_count(); ++i) {
      const auto x = a->photo(i);
      const auto y = b->photo(i);
      CHECK(x.stem == y.stem);
      CHECK(x.sidecar_ino == y.sidecar_ino);
      CHECK(x.taken_mtime == y.taken_mtime);
      CHECK(x.photo.id == y.photo.id);
      CHECK(x.photo.secret == y.photo.secret);
      CHECK(x.photo.last_update == y.photo.last_update);
      CHECK(x.photo.media == y.photo.media);
      REQUIRE(x.files.size() == y.files.size());
      for (std::size_t f = 0; f < x.files.size(); ++f) {
        CHECK(x.files[f].name() == y.files[f].name());
        CHECK(x.files[f].ino == y.files[f].ino);
        CHECK(x.files[f].choice.url() == y.files[f].choice.url());
        CHECK(x.files[f].choice.ext == y.files[f].choice.ext);
      }
    }
    CHECK(a->photo(0).files.size() == (sizes.size() == 1 ? 1u : 3u));  // original = best
  }
}

TEST_CASE("a snapshot remembers file and info.json sizes per node, 0 included", "[model]") {
  const auto tree = Tree::build(test::make_catalog(3), {{"best", "thumb"}, kPhotosPerPage});
  const auto best = *tree->node(tree->photo(1).files[0].ino);
  const auto thumb = *tree->node(tree->photo(1).files[1].ino);
  CHECK_FALSE(tree->file_size(best).has_value());
  tree->remember_file_size(best, 0);  // an empty file is a known size
  tree->remember_file_size(thumb, 1234);
  CHECK(tree->file_size(best) == 0u);
  CHECK(tree->file_size(thumb) == 1234u);
  CHECK_FALSE(tree->file_size(*tree->node(tree->photo(0).files[0].ino)).has_value());
  CHECK_FALSE(tree->file_size(*tree->node(tree->photo(2).files[1].ino)).has_value());
  CHECK_FALSE(tree->info_size(1).has_value());
  tree->remember_info_size(1, 987);
  CHECK(tree->info_size(1) == 987u);
  CHECK_FALSE(tree->info_size(0).has_value());
  // Another snapshot of the same photos starts empty.
  const auto again = Tree::build(test::make_catalog(3), {{"best", "thumb"}, kPhotosPerPage});
  CHECK_FALSE(again->file_size(*again->node(again->photo(1).files[1].ino)).has_value());
}

namespace {

// CatalogInput::photos handed over one at a time, in the order given.
class VectorFeed final : public PhotoFeed {
 public:
  explicit VectorFeed(std::vector<api::Photo> photos) : m_photos(std::move(photos)) {}
  [[nodiscard]] std::size_t size_hint() const override { return m_photos.size(); }
  [[nodiscard]] bool next(FeedPhoto& out) override {
    if (m_next == m_photos.size()) return false;
    out.photo = m_photos[m_next++];
    out.sizes_pending = false;
    ++taken;
    return true;
  }
  [[nodiscard]] std::string owner() const override { return "12345678@N00"; }
  std::size_t taken = 0;

 private:
  std::vector<api::Photo> m_photos;
  std::size_t m_next = 0;
};

// Every name and inode number under photostream/ and sets/, in listing order.
std::vector<std::pair<std::string, Ino>> everything(const Tree& tree) {
  std::vector<std::pair<std::string, Ino>> out;
  for (const Ino top : {kPhotostreamIno, kSetsIno}) {
    for (const auto& dir : list_all(tree, top)) {
      out.emplace_back(dir.name, dir.ino);
      if (dir.name == "." || dir.name == "..") continue;
      for (const auto& entry : list_all(tree, dir.ino))
        out.emplace_back(entry.name, entry.ino);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("a tree built from a feed in upload order is the tree built from the list", "[model]") {
  AlbumInput album;
  album.set.id = "72157700000000001";
  album.set.title = "Holiday";
  album.photo_ids = {"1700", "1003", "1001"};
  const auto from_list = Tree::build(test::make_catalog(1201, {album}), {});
  auto input = test::make_catalog(1201, {album});
  auto photos = std::move(input.photos);         // make_catalog gives them oldest first
  photos.insert(photos.begin() + 5, photos[4]);  // listed twice: kept once, as build() does
  const auto feed = std::make_shared<VectorFeed>(std::move(photos));
  input.feed = feed;
  const auto from_feed = Tree::build(std::move(input), {});
  CHECK(feed->taken == 1202);
  CHECK(from_feed->photo_count() == 1201);
  CHECK(everything(*from_feed) == everything(*from_list));
  CHECK(from_feed->sets_of(*from_feed->photo_index("1003")).size() == 1);
  const Node album_dir = walk(*from_feed, {"sets", "Holiday_72157700000000001"});
  CHECK(from_feed->generated_text(*from_feed->lookup(album_dir.ino, "album.json"))
            .find("12345678@N00") != std::string::npos);  // the feed's owner
}

TEST_CASE("InoSet: each number is added once, however many there are", "[model]") {
  InoSet set;
  std::size_t added = 0;
  for (Ino ino = 16; ino < 16 + 100000; ++ino)
    added += set.insert(ino * 2654435761ULL) ? 1 : 0;
  CHECK(added == 100000);
  std::size_t again = 0;
  for (Ino ino = 16; ino < 16 + 100000; ++ino) {
    again += set.insert(ino * 2654435761ULL) ? 1 : 0;
    if (!set.contains(ino * 2654435761ULL)) FAIL("lost " << ino);
  }
  CHECK(again == 0);
  CHECK_FALSE(set.contains(15));
  CHECK(set.insert(15));
  set.clear();
  CHECK_FALSE(set.contains(15));
}
