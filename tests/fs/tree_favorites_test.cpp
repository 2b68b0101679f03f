// favorites/ (fs/model/tree*.cpp): others' photos the user faved as real files, flat like a
// page; and, with --exif, the views' links to each photo's exif.json.
#include <catch2/catch.hpp>

#include <set>

#include "fs/model/inode.hpp"
#include "fs/model/tree.hpp"
#include "fs/model/tree_diff.hpp"
#include "fs/model/walk_orders.hpp"
#include "tests/fs/fake_catalog.hpp"
#include "tests/fs/list_all.hpp"

using namespace flickrfs;
using namespace flickrfs::model;
using flickrfs::test::list_all;

namespace {

std::vector<std::string> names_of(const std::vector<DirEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries)
    out.push_back(e.name);
  return out;
}

// Every entry after each possible offset, one readdir call a time, as the kernel resumes.
std::vector<std::string> list_resumed(const Tree& tree, Ino dir) {
  std::vector<std::string> names;
  std::uint64_t offset = 0;
  while (true) {
    bool got = false;
    REQUIRE(tree.list(dir, offset, [&](const DirEntry& e, std::uint64_t next) {
      names.push_back(e.name);
      offset = next;
      got = true;
      return false;
    }));
    if (!got) return names;
  }
}

// Three photos of the account, then three favorites of other members (newest faved first)
// plus one repeated and one that is the account's own photo 1001: both left out.
CatalogInput with_favorites() {
  auto input = test::make_catalog(3);
  for (const auto* id : {"9003", "9001", "9002", "9001", "1001"}) {
    auto photo = test::make_photo(id, std::string("fave ") + id, 1500000000);
    photo.owner = "27182818@N03";
    input.favorites.push_back(photo);
  }
  return input;
}

}  // namespace

TEST_CASE("favorites/: real files flat like a page, Flickr's order, sidecars hidden", "[model]") {
  const auto tree = Tree::build(with_favorites(), {});
  CHECK(tree->photo_count() == 3);
  CHECK(tree->favorite_count() == 3);
  CHECK(tree->record_count() == 6);
  const auto dir = tree->lookup(kRootIno, "favorites");
  REQUIRE(dir);
  CHECK(dir->ino == kFavoritesIno);
  CHECK(dir->kind == NodeKind::favorites);
  CHECK(is_directory(NodeKind::favorites));
  CHECK(tree->listed(*dir));
  CHECK(tree->attr(*dir, std::nullopt).nlink == 2);
  const auto entries = list_all(*tree, kFavoritesIno);
  CHECK(names_of(entries) ==
        std::vector<std::string>{".", "..", ".hidden", "2019-07-14_fave 9003_9003.jpg",
                                 "2019-07-14_fave 9003_9003.json", "2019-07-14_fave 9001_9001.jpg",
                                 "2019-07-14_fave 9001_9001.json", "2019-07-14_fave 9002_9002.jpg",
                                 "2019-07-14_fave 9002_9002.json"});
  CHECK(entries[3].kind == NodeKind::image_file);  // a file, not a link
  CHECK(entries[4].kind == NodeKind::sidecar);
  CHECK(list_resumed(*tree, kFavoritesIno) == names_of(entries));
  const auto image = tree->lookup(kFavoritesIno, "2019-07-14_fave 9001_9001.jpg");
  REQUIRE(image);
  CHECK(image->ino == entries[5].ino);
  CHECK(tree->is_favorite(image->index));
  CHECK(tree->photo(image->index).page == 0);
  CHECK(tree->parent_of(*image) == kFavoritesIno);
  CHECK(tree->name_of(*image) == "2019-07-14_fave 9001_9001.jpg");
  CHECK(tree->node(image->ino)->kind == NodeKind::image_file);
  const auto sidecar = tree->lookup(kFavoritesIno, "2019-07-14_fave 9001_9001.json");
  REQUIRE(sidecar);
  CHECK(tree->parent_of(*sidecar) == kFavoritesIno);
  const auto hidden = tree->lookup(kFavoritesIno, ".hidden");
  REQUIRE(hidden);
  CHECK(tree->parent_of(*hidden) == kFavoritesIno);
  CHECK(tree->generated_text(*hidden) ==
        "2019-07-14_fave 9003_9003.json\n2019-07-14_fave 9001_9001.json\n"
        "2019-07-14_fave 9002_9002.json\n");
  CHECK(tree->attr(*hidden, std::nullopt).mtime == tree->attr(*dir, std::nullopt).mtime);
  // Not in the photostream, in no view, and the account's own 1001 stays on its page.
  const Node page = *tree->lookup(kPhotostreamIno, "page-0001");
  CHECK(list_all(*tree, page.ino).size() == 2 + 1 + 2 * 3);
  CHECK_FALSE(tree->lookup(page.ino, "2019-07-14_fave 9001_9001.jpg"));
  CHECK_FALSE(tree->lookup(kFavoritesIno, "2019-07-14_photo 1_1001.jpg"));
  CHECK(tree->page_count() == 1);
  CHECK(tree->page_range(0) == std::pair<std::size_t, std::size_t>{3, 6});
  CHECK(tree->page_range(1) == std::pair<std::size_t, std::size_t>{0, 3});
  // The walk-ahead of a page walks favorites/ too (page 0).
  CHECK(page_listing(*tree, 0, true).size() == 6);
  for (const auto& view : {"by-upload", "by-date"}) {
    std::set<std::string> ids;
    const auto years = list_all(*tree, tree->lookup(kRootIno, view)->ino);
    for (std::size_t y = 2; y < years.size(); ++y) {
      for (const auto& month : list_all(*tree, years[y].ino)) {
        if (month.kind != NodeKind::view_dir || month.name == "." || month.name == "..") continue;
        for (const auto& link : list_all(*tree, month.ino))
          ids.insert(link.name);
      }
    }
    for (const auto& name : ids)
      CHECK(name.find("fave") == std::string::npos);
  }
}

TEST_CASE("favorites/: best size only, exif.json with --exif, listed flag, diff", "[model]") {
  TreeOptions options;
  options.sizes = {"best", "large"};
  options.exif = true;
  auto input = with_favorites();
  input.favorites_listed = false;
  const auto tree = Tree::build(std::move(input), options);
  const auto entries = list_all(*tree, kFavoritesIno);
  REQUIRE(entries.size() == 3 + 3 * 3);
  CHECK(entries[5].name == "2019-07-14_fave 9003_9003.exif.json");
  CHECK(entries[5].kind == NodeKind::exif_file);
  CHECK(tree->parent_of(entries[5].ino == 0 ? Node{} : *tree->node(entries[5].ino)) ==
        kFavoritesIno);
  CHECK(tree->generated_text(*tree->lookup(kFavoritesIno, ".hidden")) ==
        "2019-07-14_fave 9003_9003.json\n2019-07-14_fave 9003_9003.exif.json\n"
        "2019-07-14_fave 9001_9001.json\n2019-07-14_fave 9001_9001.exif.json\n"
        "2019-07-14_fave 9002_9002.json\n2019-07-14_fave 9002_9002.exif.json\n");
  const auto index = tree->photo_index("9002");
  REQUIRE(index);
  CHECK(tree->photo(*index).files.size() == 1);  // no sizes/large copy of someone else's
  CHECK(tree->photo(0).files.size() == 2);
  CHECK_FALSE(tree->listed(*tree->node(kFavoritesIno)));
  CHECK_FALSE(tree->complete());

  // No favorites: an empty folder, no .hidden.
  const auto none = Tree::build(test::make_catalog(2), {});
  CHECK(list_all(*none, kFavoritesIno).size() == 2);
  CHECK_FALSE(none->lookup(kFavoritesIno, ".hidden"));

  // A favorite gone from the list: favorites/ and its .hidden are invalidated.
  auto fewer = with_favorites();
  fewer.favorites.erase(fewer.favorites.begin());
  const auto after = Tree::build(std::move(fewer), options);
  const auto changes = diff_trees(*tree, *after);
  std::set<Ino> inos;
  for (const auto& change : changes)
    inos.insert(change.ino);
  CHECK(inos.count(kFavoritesIno) == 1);
  CHECK(inos.count(tree->lookup(kFavoritesIno, ".hidden")->ino) == 1);
}

TEST_CASE("with --exif the views link each photo's exif.json like albums do", "[model]") {
  auto input = test::make_catalog(700);
  input.photos[650].tags = {"sunset"};
  input.photos[3].tags = {"sunset"};
  TreeOptions options;
  options.exif = true;
  const auto tree = Tree::build(input, options);
  const auto tag = tree->lookup(tree->lookup(kRootIno, "tags")->ino, "sunset");
  REQUIRE(tag);
  const auto entries = list_all(*tree, tag->ino);
  CHECK(names_of(entries) ==
        std::vector<std::string>{
            ".", "..", ".hidden", "2019-07-14_photo 3_1003.jpg", "2019-07-14_photo 3_1003.json",
            "2019-07-14_photo 3_1003.exif.json", "2019-07-14_photo 650_1650.jpg",
            "2019-07-14_photo 650_1650.json", "2019-07-14_photo 650_1650.exif.json"});
  CHECK(list_resumed(*tree, tag->ino) == names_of(entries));
  std::set<Ino> inos;
  for (const auto& e : entries)
    inos.insert(e.ino);
  CHECK(inos.size() == entries.size());  // every link its own inode
  const auto link = tree->lookup(tag->ino, "2019-07-14_photo 650_1650.exif.json");
  REQUIRE(link);
  CHECK(link->kind == NodeKind::view_exif_link);
  CHECK(entries[8].kind == NodeKind::view_exif_link);
  CHECK(is_symlink(NodeKind::view_exif_link));
  CHECK(tree->link_target(*link) ==
        "../../photostream/page-0002/2019-07-14_photo 650_1650.exif.json");
  CHECK(tree->attr(*link, std::nullopt).size == tree->link_target(*link).size());
  CHECK(tree->parent_of(*link) == tag->ino);
  CHECK(tree->name_of(*link) == "2019-07-14_photo 650_1650.exif.json");
  REQUIRE(tree->node(link->ino));
  CHECK(tree->node(link->ino)->kind == NodeKind::view_exif_link);
  CHECK(tree->lookup(tag->ino, "2019-07-14_photo 650_1650.json")->kind ==
        NodeKind::view_sidecar_link);
  CHECK(tree->node(tree->lookup(tag->ino, "2019-07-14_photo 650_1650.json")->ino)->kind ==
        NodeKind::view_sidecar_link);
  CHECK(tree->node(tree->lookup(tag->ino, "2019-07-14_photo 650_1650.jpg")->ino)->kind ==
        NodeKind::view_link);
  CHECK_FALSE(tree->node(link->ino + 1));  // the 4th value of the part bits names nothing
  CHECK(tree->generated_text(*tree->lookup(tag->ino, ".hidden")) ==
        "2019-07-14_photo 3_1003.json\n2019-07-14_photo 3_1003.exif.json\n"
        "2019-07-14_photo 650_1650.json\n2019-07-14_photo 650_1650.exif.json\n");
  // Deeper views: as many ../ as the folder is deep.
  const auto year = tree->lookup(tree->lookup(kRootIno, "by-date")->ino, "2019");
  const auto month = tree->lookup(year->ino, "07");
  const auto deep = tree->lookup(month->ino, "2019-07-14_photo 3_1003.exif.json");
  REQUIRE(deep);
  CHECK(tree->link_target(*deep) ==
        "../../../photostream/page-0001/2019-07-14_photo 3_1003.exif.json");

  // Without --exif: no exif link, and the image and sidecar links keep their inode numbers
  // of before --exif links existed (low bit only).
  const auto plain = Tree::build(input, {});
  const auto plain_tag = plain->lookup(plain->lookup(kRootIno, "tags")->ino, "sunset");
  CHECK(list_all(*plain, plain_tag->ino).size() == 3 + 2 * 2);
  CHECK_FALSE(plain->lookup(plain_tag->ino, "2019-07-14_photo 650_1650.exif.json"));
  const auto image = plain->lookup(plain_tag->ino, "2019-07-14_photo 650_1650.jpg");
  const auto sidecar = plain->lookup(plain_tag->ino, "2019-07-14_photo 650_1650.json");
  CHECK((image->ino & 1) == 0);
  CHECK(sidecar->ino == (image->ino | 1));
}
