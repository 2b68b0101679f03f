// fs/model/tree_diff.cpp: the invalidations that make a change visible without a remount.
#include <catch2/catch.hpp>

#include <algorithm>

#include "fs/model/inode.hpp"
#include "fs/model/tree_diff.hpp"
#include "tests/fs/fake_catalog.hpp"

using namespace flickrfs;
using namespace flickrfs::model;

namespace {

bool has_entry(const std::vector<Invalidation>& list, Ino parent, std::string_view name) {
  return std::any_of(list.begin(), list.end(), [&](const Invalidation& i) {
    return i.type == Invalidation::Type::entry && i.ino == parent && i.name == name;
  });
}

bool has_inode(const std::vector<Invalidation>& list, Ino ino) {
  return std::any_of(list.begin(), list.end(), [&](const Invalidation& i) {
    return i.type == Invalidation::Type::inode && i.ino == ino;
  });
}

// Three photos (ids 1000..1002) and album "7", titled "A", holding `members`.
CatalogInput three_photos_in_album(std::vector<std::string> members) {
  AlbumInput album;
  album.set.id = "7";
  album.set.title = "A";
  album.photo_ids = std::move(members);
  return test::make_catalog(3, {album});
}

}  // namespace

TEST_CASE("an unchanged catalog needs no invalidation", "[model]") {
  const auto a = Tree::build(test::make_catalog(700), {});
  const auto b = Tree::build(test::make_catalog(700), {});
  CHECK(diff_trees(*a, *b).empty());
}

TEST_CASE("a new upload invalidates only the last page", "[model]") {
  auto input = test::make_catalog(700);
  const auto before = Tree::build(input, {});
  input.photos.push_back(test::make_photo("99999", "new", 2000000000));
  const auto after = Tree::build(input, {});
  const auto diff = diff_trees(*before, *after);
  CHECK(has_inode(diff, before->page_ino(2)));
  CHECK_FALSE(has_inode(diff, before->page_ino(1)));
}

TEST_CASE("retitle and delete invalidate the old names", "[model]") {
  auto input = three_photos_in_album({"1001", "1002"});
  const auto before = Tree::build(input, {});
  input.photos[1].title = "renamed";
  input.photos.erase(input.photos.begin() + 2);
  const auto after = Tree::build(input, {});
  const auto diff = diff_trees(*before, *after);
  const Ino page = before->page_ino(1);
  CHECK(has_entry(diff, page, before->photo(1).files[0].name()));
  CHECK(has_entry(diff, page, before->sidecar_name(1)));
  CHECK(has_entry(diff, page, before->photo(2).files[0].name()));
  CHECK(has_entry(diff, page, before->sidecar_name(2)));
  CHECK(has_inode(diff, page));
  CHECK(has_inode(diff, before->photo(1).sidecar_ino));
  CHECK(has_inode(diff, before->album(0).ino));
  CHECK(has_inode(diff, before->album(0).hidden_ino));  // its sidecar links were renamed
  CHECK(has_inode(diff, before->lookup(page, ".hidden")->ino));
  CHECK_FALSE(has_inode(diff, before->photo(0).sidecar_ino));
  CHECK_FALSE(has_inode(diff, before->photo(0).files[0].ino));
}

TEST_CASE("a directory whose mtime changes with the same children is invalidated", "[model]") {
  // The root and sets/ keep their children when an album is updated, but their mtime (the
  // newest child's) moves: the kernel's cached attrs must go, or rsync sees a stale mtime.
  auto input = three_photos_in_album({"1001"});
  const auto before = Tree::build(input, {});
  input.albums[0].set.date_update = 2'100'000'000;  // newer than every photo
  const auto after = Tree::build(input, {});
  const auto diff = diff_trees(*before, *after);
  CHECK(has_inode(diff, kRootIno));
  CHECK(has_inode(diff, kSetsIno));
  CHECK_FALSE(has_inode(diff, kPhotostreamIno));
  CHECK_FALSE(has_inode(diff, before->page_ino(1)));
}

TEST_CASE("a photo added to an album invalidates its sidecar, and only that", "[model]") {
  auto input = three_photos_in_album({"1001"});
  const auto before = Tree::build(input, {});
  input.albums[0].photo_ids.push_back("1002");
  const auto after = Tree::build(input, {});
  const auto diff = diff_trees(*before, *after);
  const auto index = [&](const char* id) { return *before->photo_index(id); };
  CHECK(has_inode(diff, before->photo(index("1002")).sidecar_ino));
  CHECK_FALSE(has_inode(diff, before->photo(index("1001")).sidecar_ino));
  CHECK_FALSE(has_inode(diff, before->photo(index("1000")).sidecar_ino));
  // Retitling the album changes the "sets" of its members too.
  input.albums[0].set.title = "B";
  const auto retitled = Tree::build(input, {});
  const auto diff2 = diff_trees(*after, *retitled);
  CHECK(has_inode(diff2, after->photo(index("1001")).sidecar_ino));
  CHECK(has_inode(diff2, after->photo(index("1002")).sidecar_ino));
  CHECK_FALSE(has_inode(diff2, after->photo(index("1000")).sidecar_ino));
}

TEST_CASE("the diff skips directories the kernel never received", "[model]") {
  // Two pages and an album; photo 1's retitle touches page 1, the album and their sidecars.
  auto input = test::make_catalog(700, {});
  AlbumInput album;
  album.set.id = "7";
  album.set.title = "A";
  album.photo_ids = {input.photos[1].id, input.photos[600].id};
  input.albums.push_back(album);
  const auto before = Tree::build(input, {});
  input.photos[1].title = "renamed";
  input.albums[0].set.title = "B";  // every member's sidecar changes
  const auto after = Tree::build(input, {});
  const Ino page1 = before->page_ino(1);
  const Ino page2 = before->page_ino(2);
  const Ino album_dir = before->album(0).ino;
  const auto member_sidecar = [&](std::size_t i) {
    return before->photo(*before->photo_index(input.photos[i].id)).sidecar_ino;
  };

  SECTION("nothing seen: only the fixed directories are compared") {
    const auto diff = diff_trees(*before, *after, [](Ino) { return false; });
    CHECK(has_inode(diff, kSetsIno));  // the album's name changed
    CHECK_FALSE(has_inode(diff, page1));
    CHECK_FALSE(has_inode(diff, album_dir));
    CHECK_FALSE(has_inode(diff, member_sidecar(1)));
    CHECK_FALSE(has_inode(diff, member_sidecar(600)));
  }
  SECTION("page 1 seen: its names and sidecars, not page 2's nor the album's") {
    const auto diff = diff_trees(*before, *after, [&](Ino dir) { return dir == page1; });
    CHECK(has_entry(diff, page1, before->photo(1).files[0].name()));
    CHECK(has_inode(diff, member_sidecar(1)));
    CHECK_FALSE(has_inode(diff, member_sidecar(600)));  // on page 2
    CHECK_FALSE(has_inode(diff, page2));
    CHECK_FALSE(has_inode(diff, album_dir));
  }
  SECTION("everything seen: the same as no filter") {
    const auto all = diff_trees(*before, *after);
    const auto seen = diff_trees(*before, *after, [](Ino) { return true; });
    CHECK(all.size() == seen.size());
    CHECK(has_inode(seen, album_dir));
    CHECK(has_inode(seen, member_sidecar(600)));
  }
}
