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
  CHECK(has_entry(diff, page, before->photo(1).files[0].name));
  CHECK(has_entry(diff, page, before->sidecar_name(1)));
  CHECK(has_entry(diff, page, before->photo(2).files[0].name));
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
