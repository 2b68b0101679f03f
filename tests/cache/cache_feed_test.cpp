// What MetaStore tells a rebuild about the photos written since the last one
// (cache/written_photos.hpp), and a snapshot built from the cache that reads only the pages
// those photos are in (fs/sync/cache_feed.hpp, model::Tree::build with `previous`).
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "cache/meta_store.hpp"
#include "fs/model/tree.hpp"
#include "fs/sync/cache_feed.hpp"
#include "tests/cache/cache_fixture.hpp"

namespace flickrfs {
namespace {

using cache::PhotoSource;
using Ids = cache::WrittenPhotos::Ids;

TEST_CASE("written photos: any before the first take, then what changed", "[cache]") {
  cache::WrittenPhotos written;
  written.note("1");
  CHECK_FALSE(written.take());  // no baseline yet: any photo may have changed
  auto none = written.take();
  REQUIRE(none);
  CHECK(none->empty());
  written.note("1");
  written.note("2");
  written.note("1");
  CHECK(written.take() == Ids{"1", "2"});
  written.note("3");
  written.note_all();
  CHECK_FALSE(written.take());
  for (std::size_t i = 0; i <= cache::WrittenPhotos::kLimit; ++i)
    written.note(std::to_string(i));
  CHECK_FALSE(written.take());  // too many to keep: any
}

TEST_CASE("MetaStore notes a photo record when its stored value changes", "[cache]") {
  test::CacheFixture f;
  f.open_meta();
  std::vector<api::Photo> photos = {test::sample_photo("1001"), test::sample_photo("1002")};
  REQUIRE(f.meta->upsert_photos(photos, PhotoSource::list));
  CHECK_FALSE(f.meta->take_written_photos());  // the first take: any
  REQUIRE(f.meta->upsert_photos(photos, PhotoSource::list));
  CHECK(f.meta->take_written_photos() == Ids{});  // the same values: nothing written
  photos[1].title = "retitled";
  REQUIRE(f.meta->upsert_photos(photos, PhotoSource::list));
  CHECK(f.meta->take_written_photos() == Ids{"1002"});
  const std::vector<api::Size> sizes = {
      {"Large", "b", 1024, 768, "https://live.staticflickr.com/65535/1001_b.jpg"}};
  const std::vector<cache::MetaStore::SizesEntry> entries = {{"1001", photos[0].secret, sizes}};
  REQUIRE(f.meta->put_sizes_many(entries));
  REQUIRE(f.meta->put_sizes("1002", photos[1].secret, sizes));
  CHECK(f.meta->take_written_photos() == Ids{"1001", "1002"});
  REQUIRE(f.meta->clear_metadata());
  CHECK_FALSE(f.meta->take_written_photos());
}

constexpr std::size_t kPage = 10;

std::vector<api::Photo> stream(int count) {
  std::vector<api::Photo> out;
  for (int i = 0; i < count; ++i)
    out.push_back(test::sample_photo(std::to_string(2000 + i), 1500000000 + 60 * i));
  return out;
}

std::vector<std::string> ids_of(const std::vector<api::Photo>& photos) {
  std::vector<std::string> ids;
  for (const auto& photo : photos)
    ids.push_back(photo.id);
  return ids;
}

struct Built {
  std::shared_ptr<const model::Tree> tree;
  std::size_t read = 0;
};

Built build(const cache::MetaStore& meta, const std::vector<std::string>& ids,
            std::shared_ptr<const Ids> changed, const model::Tree* previous) {
  const model::TreeOptions options{{"best"}, kPage};
  auto feed = std::make_shared<fs::CacheFeed>(meta, ids, options, nullptr, std::move(changed));
  model::CatalogInput input;
  input.feed = feed;
  auto tree = model::Tree::build(std::move(input), options, previous);
  REQUIRE_FALSE(feed->error());
  REQUIRE_FALSE(feed->out_of_order());
  return {std::move(tree), feed->photos_read()};
}

// Each photo's best file name and the inode numbers of it and its sidecar, in index order.
std::vector<std::string> names(const model::Tree& tree) {
  std::vector<std::string> out;
  for (std::uint32_t i = 0; i < tree.record_count(); ++i) {
    const auto record = tree.photo(i);
    out.push_back(std::string(record.files[0].name()) + " " + std::to_string(record.files[0].ino) +
                  " " + std::to_string(record.sidecar_ino) + " " +
                  std::string(record.photo.secret));
  }
  return out;
}

TEST_CASE("a rebuild from the cache reads only the pages with written photos", "[cache]") {
  test::CacheFixture f;
  f.open_meta();
  auto photos = stream(35);  // pages of 10: 10, 10, 10, 5
  REQUIRE(f.meta->upsert_photos(photos, PhotoSource::list));
  (void)f.meta->take_written_photos();
  const auto first = build(*f.meta, ids_of(photos), nullptr, nullptr);
  CHECK(first.read == 35);

  SECTION("a retitled photo: its page is read") {
    photos[14].title = "retitled";
    REQUIRE(f.meta->upsert_photos(photos, PhotoSource::list));
    auto changed = f.meta->take_written_photos();
    REQUIRE(changed == Ids{"2014"});
    const auto next = build(*f.meta, ids_of(photos),
                            std::make_shared<const Ids>(std::move(*changed)), first.tree.get());
    CHECK(next.read == 10 + 5);  // page 2 and the last page, which is not full
    CHECK(next.tree->page_chunk(1) == first.tree->page_chunk(1));
    CHECK(next.tree->page_chunk(3) == first.tree->page_chunk(3));
    CHECK(names(*next.tree) == names(*build(*f.meta, ids_of(photos), nullptr, nullptr).tree));
    CHECK(next.tree->photo(14).stem != first.tree->photo(14).stem);
  }
  SECTION("a new upload: the full pages are not read") {
    photos.push_back(test::sample_photo("2035", 1500000000 + 60 * 35));
    REQUIRE(f.meta->upsert_photos(photos, PhotoSource::list));
    auto changed = f.meta->take_written_photos();
    const auto next = build(*f.meta, ids_of(photos),
                            std::make_shared<const Ids>(std::move(*changed)), first.tree.get());
    CHECK(next.read == 6);
    CHECK(next.tree->photo_count() == 36);
    CHECK(names(*next.tree) == names(*build(*f.meta, ids_of(photos), nullptr, nullptr).tree));
  }
  SECTION("without the written ids every photo is read") {
    const auto next = build(*f.meta, ids_of(photos), nullptr, first.tree.get());
    CHECK(next.read == 35);
    CHECK(next.tree->shared_pages() == 4);  // read, and found the same
  }
  SECTION("a photo the listing no longer holds: the pages after it are read") {
    auto ids = ids_of(photos);
    ids.erase(ids.begin() + 3);
    const auto next = build(*f.meta, ids, std::make_shared<const Ids>(), first.tree.get());
    CHECK(next.read == 34);
    CHECK(next.tree->photo_count() == 34);
  }
}

}  // namespace
}  // namespace flickrfs
