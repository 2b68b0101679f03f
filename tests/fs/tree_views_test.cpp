// fs/model/tree_views.cpp and views.cpp: tags/, by-date/ and by-upload/ over an in-memory
// catalog.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "fs/model/inode.hpp"
#include "fs/model/naming.hpp"
#include "fs/model/tree.hpp"
#include "fs/model/tree_diff.hpp"
#include "tests/fs/fake_catalog.hpp"

using namespace flickrfs;
using namespace flickrfs::model;

namespace {

std::vector<DirEntry> children(const Tree& tree, Ino dir, std::uint64_t offset = 2) {
  std::vector<DirEntry> out;
  REQUIRE(tree.list(dir, offset, [&](const DirEntry& e, std::uint64_t) {
    out.push_back(e);
    return true;
  }));
  return out;
}

std::optional<Node> walk(const Tree& tree, std::initializer_list<std::string_view> path) {
  Node node = *tree.node(kRootIno);
  for (const auto part : path) {
    const auto next = tree.lookup(node.ino, part);
    if (!next) return std::nullopt;
    node = *next;
  }
  return node;
}

std::vector<std::string> names(const std::vector<DirEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries)
    out.push_back(e.name);
  return out;
}

// Four photos: 1000 tagged sunset+sea (taken 2019-07), 1001 tagged sea with a machine tag
// (taken 2018-12), 1002 with an unknown date, 1003 with a year-only date.
CatalogInput tagged_catalog() {
  auto input = test::make_catalog(4);
  input.photos[0].tags = {"sunset", "sea"};
  input.photos[1].tags = {"sea", "machine", "cameramakefuji"};  // Flickr echoes machine tags
  input.photos[1].date_taken = "2018-12-31 23:59:59";
  input.photos[1].machine_tags = {"camera:make=fuji"};
  input.photos[2].date_taken_unknown = true;
  input.photos[3].date_taken = "2011-01-01 00:00:00";
  input.photos[3].date_taken_granularity = 6;
  return input;
}

}  // namespace

TEST_CASE("views: tags, by-date and by-upload sit beside the photostream", "[model]") {
  const auto tree = Tree::build(tagged_catalog(), {});
  const auto root = names(children(*tree, kRootIno));
  CHECK(root == std::vector<std::string>{"photostream", "sets", "favorites", "collections", "tags",
                                         "by-date", "by-upload"});
  CHECK(tree->attr(*tree->node(kRootIno), {}).nlink == 9);
  CHECK(walk(*tree, {"collections"})->ino == kCollectionsIno);
  CHECK(walk(*tree, {"tags"})->ino == kTagsIno);
  CHECK(walk(*tree, {"by-date"})->ino == kByDateIno);
  CHECK(walk(*tree, {"by-upload"})->ino == kByUploadIno);
  CHECK(names(children(*tree, kTagsIno)) ==
        std::vector<std::string>{"machine", "machine (tag)", "sea", "sunset"});
  CHECK(names(children(*tree, kByDateIno)) ==
        std::vector<std::string>{"2011", "2018", "2019", "unknown"});
  // 1500000000 = 2017-07-14 UTC; the four uploads are a minute apart.
  CHECK(names(children(*tree, walk(*tree, {"by-upload"})->ino)) ==
        std::vector<std::string>{"2017"});
  CHECK(names(children(*tree, walk(*tree, {"by-upload", "2017"})->ino)) ==
        std::vector<std::string>{"07"});
}

TEST_CASE("a view directory holds links to each photo's image and sidecar, and .hidden",
          "[model]") {
  const auto tree = Tree::build(tagged_catalog(), {});
  const Node sea = *walk(*tree, {"tags", "sea"});
  CHECK(sea.kind == NodeKind::view_dir);
  const auto entries = children(*tree, sea.ino);
  CHECK(names(entries) == std::vector<std::string>{".hidden", "2019-07-14_photo 0_1000.jpg",
                                                   "2019-07-14_photo 0_1000.json",
                                                   "2018-12-31_photo 1_1001.jpg",
                                                   "2018-12-31_photo 1_1001.json"});
  const Node hidden = *tree->lookup(sea.ino, ".hidden");
  CHECK(tree->generated_text(hidden) ==
        "2019-07-14_photo 0_1000.json\n2018-12-31_photo 1_1001.json\n");
  CHECK(tree->parent_of(hidden) == sea.ino);
  for (const auto& entry : entries) {
    const auto node = tree->node(entry.ino);
    REQUIRE(node);
    CHECK(node->kind == entry.kind);
    CHECK(tree->name_of(*node) == entry.name);
    CHECK(tree->parent_of(*node) == sea.ino);
    const auto looked_up = tree->lookup(sea.ino, entry.name);
    REQUIRE(looked_up);
    CHECK(looked_up->ino == entry.ino);
  }
  const Node link = *tree->lookup(sea.ino, "2018-12-31_photo 1_1001.jpg");
  CHECK(link.kind == NodeKind::view_link);
  CHECK(tree->link_target(link) == "../../photostream/page-0001/2018-12-31_photo 1_1001.jpg");
  CHECK(tree->attr(link, {}).size == tree->link_target(link).size());
  const Node sidecar = *tree->lookup(sea.ino, "2018-12-31_photo 1_1001.json");
  CHECK(sidecar.kind == NodeKind::view_sidecar_link);
  CHECK(tree->link_target(sidecar) == "../../photostream/page-0001/2018-12-31_photo 1_1001.json");
  // Deeper directories climb further.
  const Node fuji = *walk(*tree, {"tags", "machine", "camera:make=fuji"});
  const auto fuji_entries = children(*tree, fuji.ino);
  REQUIRE(fuji_entries.size() == 3);
  CHECK(tree->link_target(*tree->node(fuji_entries[1].ino)) ==
        "../../../photostream/page-0001/2018-12-31_photo 1_1001.jpg");
  // Names of other photos, or of this photo in another folder, are not here.
  CHECK_FALSE(tree->lookup(sea.ino, "2011-01-01_photo 3_1003.jpg"));
  CHECK_FALSE(tree->lookup(sea.ino, "2018-12-31_photo 1_1001.png"));
  CHECK_FALSE(tree->lookup(sea.ino, "x_1001.jpg"));
}

TEST_CASE("by-date follows the date taken, its granularity and the unknown flag", "[model]") {
  const auto tree = Tree::build(tagged_catalog(), {});
  const auto in = [&](std::initializer_list<std::string_view> path) {
    std::set<std::string> out;
    for (const auto& e : children(*tree, walk(*tree, path)->ino)) {
      if (e.kind == NodeKind::view_link) out.insert(e.name);
    }
    return out;
  };
  CHECK(in({"by-date", "2019", "07"}) == std::set<std::string>{"2019-07-14_photo 0_1000.jpg"});
  CHECK(in({"by-date", "2018", "12"}) == std::set<std::string>{"2018-12-31_photo 1_1001.jpg"});
  CHECK(in({"by-date", "unknown"}) == std::set<std::string>{"2019-07-14_photo 2_1002.jpg"});
  // Year only: no month directory, the photo sits in the year.
  CHECK(in({"by-date", "2011"}) == std::set<std::string>{"2011-01-01_photo 3_1003.jpg"});
  CHECK(names(children(*tree, walk(*tree, {"by-date", "2011"})->ino)) ==
        std::vector<std::string>{".hidden", "2011-01-01_photo 3_1003.jpg",
                                 "2011-01-01_photo 3_1003.json"});
  CHECK(tree->attr(*walk(*tree, {"by-date", "2019"}), {}).nlink == 3);
  api::Photo bad;
  bad.date_taken = "0000-00-00 00:00:00";
  CHECK(taken_view_path(bad) == "by-date/unknown");
  bad.date_taken = "2019-13-01 00:00:00";
  CHECK(taken_view_path(bad) == "by-date/unknown");
  bad.date_taken = "2019-04-01 00:00:00";
  bad.date_taken_granularity = 4;  // month: kept
  CHECK(taken_view_path(bad) == "by-date/2019/04");
  bad.date_taken_granularity = 8;  // circa: the year only
  CHECK(taken_view_path(bad) == "by-date/2019");
}

TEST_CASE("every photo is in by-date and by-upload exactly once, over many pages", "[model]") {
  auto input = test::make_catalog(1200);
  for (std::size_t i = 0; i < input.photos.size(); ++i) {
    input.photos[i].date_upload = 1300000000 + static_cast<std::int64_t>(i) * 86400 * 3;
    input.photos[i].tags = {"t" + std::to_string(i % 7), "all"};
  }
  const auto tree = Tree::build(std::move(input), {});
  for (const Ino view : {kByDateIno, kByUploadIno, kTagsIno}) {
    std::map<std::string, int> seen;
    std::set<Ino> inos;
    std::vector<Ino> stack = {view};
    while (!stack.empty()) {
      const Ino dir = stack.back();
      stack.pop_back();
      for (const auto& e : children(*tree, dir)) {
        CHECK(inos.insert(e.ino).second);
        CHECK(is_valid_name(e.name));
        const auto node = tree->node(e.ino);
        REQUIRE(node);
        if (e.kind == NodeKind::view_dir) stack.push_back(e.ino);
        if (e.kind == NodeKind::view_link) {
          ++seen[std::string(tree->photo(node->index).photo.id)];
          const auto target = tree->link_target(*node);
          CHECK(target.ends_with(std::string(tree->photo(node->index).files[0].name())));
          CHECK(target.find("page-" + page_dir_name(tree->photo(node->index).page).substr(5)) !=
                std::string::npos);
        }
      }
    }
    CHECK(seen.size() == 1200);
    if (view != kTagsIno) {
      CHECK(std::all_of(seen.begin(), seen.end(), [](const auto& s) { return s.second == 1; }));
    } else {
      CHECK(std::all_of(seen.begin(), seen.end(), [](const auto& s) { return s.second == 2; }));
    }
  }
  // Listing resumes at any offset without skipping or repeating.
  const Node all = *walk(*tree, {"tags", "all"});
  const auto whole = children(*tree, all.ino, 0);
  for (std::uint64_t offset : {1u, 2u, 3u, 4u, 5u, 101u, 2401u}) {
    std::vector<DirEntry> tail;
    std::vector<std::uint64_t> offsets;
    REQUIRE(tree->list(all.ino, offset, [&](const DirEntry& e, std::uint64_t next) {
      tail.push_back(e);
      offsets.push_back(next);
      return tail.size() < 3;
    }));
    REQUIRE(!tail.empty());
    CHECK(tail[0].name == whole[offset].name);
    std::vector<DirEntry> rest;
    REQUIRE(tree->list(all.ino, offsets[0], [&](const DirEntry& e, std::uint64_t) {
      rest.push_back(e);
      return false;
    }));
    if (tail.size() > 1) CHECK(rest[0].name == tail[1].name);
  }
}

TEST_CASE("view inode numbers are stable across builds; a page shift re-targets the link",
          "[model]") {
  auto input = tagged_catalog();
  const auto before = Tree::build(input, {});
  const auto again = Tree::build(input, {});
  const Node sea = *walk(*before, {"tags", "sea"});
  CHECK(children(*before, sea.ino)[1].ino == children(*again, sea.ino)[1].ino);
  // A retitle renames the links and changes .hidden; the diff says so.
  input.photos[0].title = "renamed";
  const auto after = Tree::build(input, {});
  const auto diff = diff_trees(*before, *after);
  const auto has_entry = [&](Ino parent, std::string_view name) {
    return std::any_of(diff.begin(), diff.end(), [&](const Invalidation& i) {
      return i.type == Invalidation::Type::entry && i.ino == parent && i.name == name;
    });
  };
  CHECK(has_entry(sea.ino, "2019-07-14_photo 0_1000.jpg"));
  CHECK(has_entry(walk(*before, {"by-date", "2019", "07"})->ino, "2019-07-14_photo 0_1000.json"));
  // With pages of 2, deleting the oldest photo moves 1001 to another page: its links keep
  // their inode and name, and their inode is invalidated (new target).
  auto small = tagged_catalog();
  const auto paged = Tree::build(small, {{"best"}, 2});
  small.photos.erase(small.photos.begin());
  const auto shifted = Tree::build(small, {{"best"}, 2});
  const Node link = *walk(*paged, {"tags", "sea", "2018-12-31_photo 1_1001.jpg"});
  CHECK(paged->link_target(link) == "../../photostream/page-0001/2018-12-31_photo 1_1001.jpg");
  CHECK(shifted->link_target(*shifted->node(link.ino)) ==
        "../../photostream/page-0001/2018-12-31_photo 1_1001.jpg");
  const Node dated = *walk(*paged, {"by-date", "unknown", "2019-07-14_photo 2_1002.jpg"});
  CHECK(paged->link_target(dated) == "../../photostream/page-0002/2019-07-14_photo 2_1002.jpg");
  CHECK(shifted->link_target(*shifted->node(dated.ino)) ==
        "../../photostream/page-0001/2019-07-14_photo 2_1002.jpg");
  const auto moved = diff_trees(*paged, *shifted);
  CHECK(std::any_of(moved.begin(), moved.end(), [&](const Invalidation& i) {
    return i.type == Invalidation::Type::inode && i.ino == dated.ino;
  }));
}

TEST_CASE("hostile tags give valid directory names; '.' and '..' cannot climb", "[model]") {
  auto input = test::make_catalog(2);
  input.photos[0].tags = {".", "..", "a/b", std::string("x\x01y"), "", std::string(300, 'z')};
  input.photos[1].machine_tags = {"ns:p=../../etc"};
  const auto tree = Tree::build(std::move(input), {});
  for (const auto& e : children(*tree, kTagsIno)) {
    CHECK(is_valid_name(e.name));
    CHECK(e.name != ".");
    CHECK(e.name != "..");
    CHECK(tree->lookup(kTagsIno, e.name)->ino == e.ino);
  }
  const auto machine = children(*tree, walk(*tree, {"tags", "machine"})->ino);
  REQUIRE(machine.size() == 1);
  CHECK(machine[0].name.find('/') == std::string::npos);
}

TEST_CASE("views wait for the photostream listing", "[model]") {
  auto input = tagged_catalog();
  input.photostream_listed = false;
  const auto tree = Tree::build(std::move(input), {});
  CHECK_FALSE(tree->listed(*tree->node(kTagsIno)));
  CHECK_FALSE(tree->listed(*walk(*tree, {"by-date", "2019"})));
}

TEST_CASE("a photo stripped for the build keeps its views", "[model]") {
  auto full = tagged_catalog();
  auto stripped = full;
  for (auto& photo : stripped.photos)
    Tree::strip_for_build(photo, {});
  const auto a = Tree::build(std::move(full), {});
  const auto b = Tree::build(std::move(stripped), {});
  const auto link_inos = [](const Tree& tree) {
    std::vector<Ino> out;
    const auto& dirs = tree.views().dirs;
    for (std::uint32_t d = 0; d < dirs.size(); ++d) {
      for (std::uint32_t m = dirs[d].first_member; m < dirs[d].first_member + dirs[d].member_count;
           ++m) {
        out.push_back(tree.view_member_ino(d, m));
      }
    }
    return out;
  };
  CHECK_FALSE(link_inos(*a).empty());
  CHECK(link_inos(*a) == link_inos(*b));
  CHECK(a->views().dirs.size() == b->views().dirs.size());
}

TEST_CASE("view links resolve by inode to the node their name gives", "[model]") {
  TreeOptions options;
  options.exif = true;  // image, sidecar and exif.json links
  const auto tree = Tree::build(tagged_catalog(), options);
  std::set<NodeKind> kinds;
  std::size_t links = 0;
  const std::function<void(Ino)> visit = [&](Ino dir) {
    for (const auto& entry : children(*tree, dir)) {
      if (entry.kind == NodeKind::view_dir) {
        visit(entry.ino);
        continue;
      }
      const auto named = tree->lookup(dir, entry.name);
      const auto numbered = tree->node(entry.ino);
      REQUIRE(named);
      REQUIRE(numbered);
      CHECK(*numbered == *named);
      CHECK(tree->parent_of(*numbered) == dir);
      kinds.insert(numbered->kind);
      ++links;
    }
  };
  for (const Ino root : {kTagsIno, kByDateIno, kByUploadIno})
    visit(root);
  CHECK(links > 30);
  CHECK(kinds.count(NodeKind::view_link) == 1);
  CHECK(kinds.count(NodeKind::view_sidecar_link) == 1);
  CHECK(kinds.count(NodeKind::view_exif_link) == 1);
}

TEST_CASE("collections/ nests Flickr's collection tree with links to the albums", "[model]") {
  std::vector<AlbumInput> albums(3);
  for (int a = 0; a < 3; ++a) {
    albums[a].set.id = "7" + std::to_string(a);
    albums[a].set.title = "Album " + std::to_string(a);
    albums[a].set.date_update = 1600000000 + a;
    albums[a].photo_ids = {"1000"};
  }
  auto input = test::make_catalog(2, albums);
  api::Collection travel{"1-100", "Travel", "", {{"70", "Album 0"}, {"71", "Album 1"}}, {}};
  travel.children.push_back({"1-101", "Older/..", "", {{"72", "Album 2"}, {"99", "gone"}}, {}});
  travel.children[0].children.push_back({"1-102", "Deep", "", {{"70", "Album 0"}}, {}});
  input.collections = {travel, {"1-103", "Travel", "", {}, {}}};
  const auto tree = Tree::build(input, {});
  CHECK(names(children(*tree, kCollectionsIno)) ==
        std::vector<std::string>{"Travel_1-100", "Travel_1-103"});
  const Node top = *walk(*tree, {"collections", "Travel_1-100"});
  // Child collections first, then the albums in collection order.
  CHECK(names(children(*tree, top.ino)) ==
        std::vector<std::string>{"Older\xEF\xBC\x8F.._1-101", "Album 0_70", "Album 1_71"});
  const Node link = *tree->lookup(top.ino, "Album 1_71");
  CHECK(link.kind == NodeKind::collection_link);
  CHECK(tree->link_target(link) == "../../sets/Album 1_71");
  CHECK(tree->parent_of(link) == top.ino);
  CHECK(tree->node(link.ino)->ino == link.ino);
  const Node older = *tree->lookup(top.ino, "Older\xEF\xBC\x8F.._1-101");
  // An album not in the album list ("99") is left out.
  CHECK(names(children(*tree, older.ino)) == std::vector<std::string>{"Deep_1-102", "Album 2_72"});
  CHECK(tree->link_target(*tree->lookup(older.ino, "Album 2_72")) == "../../../sets/Album 2_72");
  const Node deep = *tree->lookup(older.ino, "Deep_1-102");
  CHECK(tree->link_target(*tree->lookup(deep.ino, "Album 0_70")) == "../../../../sets/Album 0_70");
  CHECK(tree->attr(top, {}).nlink == 3);
  CHECK(tree->attr(top, {}).mtime >= 1600000001);
  CHECK(children(*tree, walk(*tree, {"collections", "Travel_1-103"})->ino).empty());
  // Listing resumes at an offset across the kinds.
  std::vector<DirEntry> tail;
  REQUIRE(tree->list(top.ino, 3, [&](const DirEntry& e, std::uint64_t) {
    tail.push_back(e);
    return true;
  }));
  CHECK(names(tail) == std::vector<std::string>{"Album 0_70", "Album 1_71"});
  // Collections wait for their listing (and the albums') like any directory.
  input.collections_listed = false;
  const auto waiting = Tree::build(input, {});
  CHECK_FALSE(waiting->listed(*waiting->node(kCollectionsIno)));
  CHECK_FALSE(waiting->complete());
  CHECK(waiting->listed(*waiting->node(kTagsIno)));
}
