// --exif (issue 22): <stem>.exif.json in pages and albums (fs/model/tree*.cpp) and its
// rendering (fs/model/exif_json.cpp).
#include <simdjson.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "fs/model/exif_json.hpp"
#include "fs/model/inode.hpp"
#include "fs/model/tree.hpp"
#include "fs/model/tree_diff.hpp"
#include "fs/model/walk_orders.hpp"
#include "fs/sync/stat_walk_ahead.hpp"
#include "tests/fs/fake_catalog.hpp"
#include "tests/fs/list_all.hpp"

using namespace flickrfs;
using namespace flickrfs::model;
using flickrfs::test::list_all;

namespace {

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
      return false;  // one entry per call
    }));
    if (!got) return names;
  }
}

TreeOptions with_exif() {
  TreeOptions options;
  options.exif = true;
  return options;
}

AlbumInput album_of(std::vector<std::string> ids) {
  AlbumInput album;
  album.set.id = "72157709876543210";
  album.set.title = "Summer";
  album.photo_ids = std::move(ids);
  return album;
}

}  // namespace

TEST_CASE("with --exif, <stem>.exif.json sits beside each sidecar and in .hidden", "[model]") {
  const auto tree = Tree::build(test::make_catalog(3), with_exif());
  const Node page = *tree->lookup(kPhotostreamIno, "page-0001");
  const auto files = list_all(*tree, page.ino);
  REQUIRE(files.size() == 2 + 1 + 3 * 3);
  CHECK(files[3].name == "2019-07-14_photo 0_1000.jpg");
  CHECK(files[4].name == "2019-07-14_photo 0_1000.json");
  CHECK(files[5].name == "2019-07-14_photo 0_1000.exif.json");
  CHECK(files[5].kind == NodeKind::exif_file);
  const auto exif = tree->lookup(page.ino, "2019-07-14_photo 1_1001.exif.json");
  REQUIRE(exif);
  CHECK(exif->kind == NodeKind::exif_file);
  CHECK(tree->photo(exif->index).photo.id == "1001");
  CHECK(tree->name_of(*exif) == "2019-07-14_photo 1_1001.exif.json");
  CHECK(tree->parent_of(*exif) == page.ino);
  CHECK(tree->node(exif->ino)->kind == NodeKind::exif_file);
  CHECK(is_regular_file(NodeKind::exif_file));
  CHECK_FALSE(is_photo_file(NodeKind::exif_file));  // no image walk-ahead for it
  const Attr attr = tree->attr(*exif, std::nullopt);
  CHECK_FALSE(attr.size);  // unknown until fetched: never guessed
  CHECK(tree->attr(*exif, 77).size == 77u);
  CHECK(attr.mtime == tree->photo(exif->index).taken_mtime);
  CHECK_FALSE(tree->lookup(page.ino, "2019-07-14_photo 1_1001.exif"));
  CHECK_FALSE(tree->lookup(page.ino, "2019-07-14_photo 1_1002.exif.json"));
  CHECK(tree->generated_text(*tree->lookup(page.ino, ".hidden")) ==
        "2019-07-14_photo 0_1000.json\n2019-07-14_photo 0_1000.exif.json\n"
        "2019-07-14_photo 1_1001.json\n2019-07-14_photo 1_1001.exif.json\n"
        "2019-07-14_photo 2_1002.json\n2019-07-14_photo 2_1002.exif.json\n");
  // Resuming a listing at any offset neither skips nor repeats an entry.
  std::vector<std::string> all;
  for (const auto& e : files)
    all.push_back(e.name);
  CHECK(list_resumed(*tree, page.ino) == all);
}

TEST_CASE("without --exif there is no exif.json anywhere", "[model]") {
  const auto tree = Tree::build(test::make_catalog(3, {album_of({"1001"})}), {});
  const Node page = *tree->lookup(kPhotostreamIno, "page-0001");
  CHECK(list_all(*tree, page.ino).size() == 2 + 1 + 2 * 3);
  CHECK_FALSE(tree->lookup(page.ino, "2019-07-14_photo 1_1001.exif.json"));
  CHECK(tree->exif_ino(1) == 0);
  const auto album = list_all(*tree, list_all(*tree, kSetsIno)[2].ino);
  CHECK(album.size() == 2 + 2 + 2);
}

TEST_CASE("albums link each member's exif.json into the photostream", "[model]") {
  const auto tree = Tree::build(test::make_catalog(800, {album_of({"1700", "1000"})}), with_exif());
  const Ino dir = list_all(*tree, kSetsIno)[2].ino;
  const auto entries = list_all(*tree, dir);
  REQUIRE(entries.size() == 2 + 2 + 2 * 3);
  CHECK(entries[6].name == "0001_2019-07-14_photo 700_1700.exif.json");
  CHECK(entries[6].kind == NodeKind::exif_link);
  const auto link = tree->lookup(dir, "0001_2019-07-14_photo 700_1700.exif.json");
  REQUIRE(link);
  CHECK(link->kind == NodeKind::exif_link);
  CHECK(is_symlink(NodeKind::exif_link));
  CHECK(tree->link_target(*link) ==
        "../../photostream/page-0002/2019-07-14_photo 700_1700.exif.json");
  CHECK(tree->attr(*link, std::nullopt).size == tree->link_target(*link).size());
  CHECK(tree->parent_of(*link) == dir);
  CHECK(tree->node(link->ino)->kind == NodeKind::exif_link);
  CHECK(tree->lookup(dir, "0001_2019-07-14_photo 700_1700.json")->kind == NodeKind::sidecar_link);
  CHECK_FALSE(tree->lookup(dir, "0002_2019-07-14_photo 700_1700.exif.json"));
  CHECK(tree->generated_text(*tree->lookup(dir, ".hidden")) ==
        "0001_2019-07-14_photo 700_1700.json\n0001_2019-07-14_photo 700_1700.exif.json\n"
        "0002_2019-07-14_photo 0_1000.json\n0002_2019-07-14_photo 0_1000.exif.json\n"
        "album.json\n");
  std::vector<std::string> all;
  for (const auto& e : entries)
    all.push_back(e.name);
  CHECK(list_resumed(*tree, dir) == all);
}

TEST_CASE("a retitle invalidates the old exif.json names and their album links", "[model]") {
  auto input = test::make_catalog(3, {album_of({"1001"})});
  const auto before = Tree::build(input, with_exif());
  input.photos[1].title = "renamed";
  const auto after = Tree::build(input, with_exif());
  const auto diff = diff_trees(*before, *after);
  const Ino page = before->page_ino(1);
  const auto invalidated = [&](Invalidation::Type type, Ino ino, std::string_view name) {
    return std::any_of(diff.begin(), diff.end(), [&](const Invalidation& i) {
      return i.type == type && i.ino == ino && i.name == name;
    });
  };
  CHECK(invalidated(Invalidation::Type::entry, page, before->exif_name(1)));
  CHECK(invalidated(Invalidation::Type::inode, before->lookup(page, ".hidden")->ino, ""));
  const Ino album = before->album(0).ino;
  CHECK(invalidated(Invalidation::Type::entry, album, "0001_" + before->exif_name(1)));
  CHECK(invalidated(Invalidation::Type::inode, before->album(0).hidden_ino, ""));
  CHECK(before->exif_ino(1) == after->exif_ino(1));  // the same photo: the same inode
  CHECK(diff_trees(*after, *Tree::build(input, with_exif())).empty());
}

TEST_CASE("with --exif the stat walk-ahead ranks exif.json and still sees image-only walks",
          "[stat-walk]") {
  const auto tree = Tree::build(test::make_catalog(500), with_exif());
  const auto listing = page_listing(*tree, 1, true);
  CHECK(listing.size() == 3 * 500);
  const auto orders = rank_walk_orders(listing);
  CHECK(orders.rank_of(WalkOrder::listing, 0, 1) == 1u);
  CHECK(orders.rank_of(WalkOrder::listing, 0, 2) == 2u);
  CHECK(orders.rank_of(WalkOrder::listing, 1, 0) == 3u);
  // The window after a walk in listing order reaches ~40 photos ahead; nearby windows of
  // the other orders cannot hold that many photos in a row.
  const auto wide = [](const std::vector<std::uint32_t>& handed) {
    const std::set<std::uint32_t> unique(handed.begin(), handed.end());
    for (std::uint32_t photo = 10; photo < 35; ++photo) {
      if (unique.count(photo) == 0) return false;
    }
    return true;
  };
  SECTION("`ls -l`: image, sidecar and exif.json of each photo") {
    fs::StatWalkAhead walk;
    std::vector<std::uint32_t> handed;
    for (std::uint32_t photo = 0; photo < 2; ++photo) {
      for (std::uint8_t part = 0; part < 3; ++part) {
        const auto more = walk.on_stat(tree, photo, part);
        handed.insert(handed.end(), more.begin(), more.end());
      }
    }
    CHECK(wide(handed));
    CHECK(std::set<std::uint32_t>(handed.begin(), handed.end()).size() == handed.size());
  }
  SECTION("the images only, three entries apart") {
    fs::StatWalkAhead walk;
    std::vector<std::uint32_t> handed;
    for (std::uint32_t photo = 0; photo < 3; ++photo) {
      const auto more = walk.on_stat(tree, photo, 0);
      handed.insert(handed.end(), more.begin(), more.end());
    }
    CHECK(wide(handed));
  }
}

TEST_CASE("exif.json renders getExif's reply deterministically, hidden EXIF as a fact", "[model]") {
  api::Exif exif;
  exif.camera = "Canon EOS 5D";
  exif.tags.push_back({"IFD0", 0, "Make", "Make", "Canon", ""});
  exif.tags.push_back({"ExifIFD", 0, "ExposureTime", "Exposure", "1/250", "0.004 sec (1/250)"});
  exif.tags.push_back({"IFD0", 0, "Artist", "Artist", "Zo\xc3\xab \"Z\"\t\xff", ""});
  const std::string text = render_exif_json("54216619200", exif);
  CHECK(text == render_exif_json("54216619200", exif));
  CHECK(text.ends_with("}\n"));
  simdjson::dom::parser parser;
  const simdjson::dom::element doc = parser.parse(text);
  CHECK(std::string_view(doc["id"]) == "54216619200");
  CHECK_FALSE(bool(doc["hidden_by_owner"]));
  CHECK(std::string_view(doc["camera"]) == "Canon EOS 5D");
  const simdjson::dom::array tags = doc["exif"];
  REQUIRE(tags.size() == 3);
  CHECK(std::string_view(tags.at(0)["tagspace"]) == "IFD0");
  CHECK(int64_t(tags.at(0)["tagspaceid"]) == 0);
  CHECK(std::string_view(tags.at(0)["raw"]) == "Canon");
  CHECK(tags.at(0)["clean"].is_null());
  CHECK(std::string_view(tags.at(1)["label"]) == "Exposure");
  CHECK(std::string_view(tags.at(1)["clean"]) == "0.004 sec (1/250)");
  // Valid UTF-8 whatever the camera wrote: the bad byte becomes U+FFFD.
  CHECK(std::string_view(tags.at(2)["raw"]) == "Zo\xc3\xab \"Z\"\t\xef\xbf\xbd");
  CHECK(text.find("\"camera\": \"Canon EOS 5D\"") != std::string::npos);  // pretty

  api::Exif none;
  const simdjson::dom::element empty = parser.parse(render_exif_json("1", none));
  CHECK(empty["camera"].is_null());
  CHECK(simdjson::dom::array(empty["exif"]).size() == 0);

  const std::string hidden = render_exif_hidden("54216619200");
  CHECK(hidden == "{\n  \"id\": \"54216619200\",\n  \"hidden_by_owner\": true\n}\n");
}
