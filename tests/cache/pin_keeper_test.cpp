// Tests for PinKeeper (fs/sync/pin_keeper.hpp) on a real cache with an in-process downloader:
// pinned files are downloaded (and only those), the background keeper notices a pin added
// later, does nothing while offline, and stops promptly in the middle of a download.
#include "fs/sync/pin_keeper.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <thread>

#include "tests/cache/cache_fixture.hpp"
#include "tests/support/eventually.hpp"

using namespace flickrfs;
using namespace std::chrono_literals;

namespace {

constexpr const char* kAlbum = "72157700000000001";

// Six photos in the photostream, photos 2 and 3 in one album; every file of the tree is
// served by the fixture's downloader (content seeded by the photo id).
struct PinWorld {
  test::CacheFixture f;
  fs::Connectivity connectivity{false};
  std::unique_ptr<fs::Catalog> catalog;
  api::WorkQueue queue{4};  // runs the keeper's downloads

  PinWorld() {
    f.open_all();
    std::vector<api::Photo> photos;
    std::vector<std::string> ids;
    for (int i = 1; i <= 6; ++i) {
      photos.push_back(test::sample_photo(std::to_string(i), 1500000000 + i));
      ids.push_back(std::to_string(i));
    }
    REQUIRE(f.meta->upsert_photos(photos, cache::PhotoSource::list));
    REQUIRE(f.meta->replace_photostream(ids, 1));
    const std::vector<api::Photoset> albums = {api::Photoset{kAlbum, "Trip", "", "2", 2, 0, 0, 0}};
    REQUIRE(f.meta->replace_albums(albums, 1));
    REQUIRE(f.meta->replace_album_photos(kAlbum, std::vector<std::string>{"2", "3"}, 1));
    catalog = std::make_unique<fs::Catalog>(nullptr, *f.meta, *f.blobs, connectivity,
                                            fs::CatalogOptions{});
    REQUIRE(catalog->load_from_cache());
    const auto tree = catalog->tree();
    for (std::uint32_t i = 0; i < tree->record_count(); ++i) {
      const auto record = tree->photo(i);
      for (const auto& file : record.files)
        f.downloader->add(std::string(file.choice.url()), content_of(std::string(record.photo.id)));
    }
  }
  static std::string content_of(const std::string& id) {
    return test::make_content(3000 + std::stoul(id) * 100, static_cast<unsigned>(std::stoul(id)));
  }
  [[nodiscard]] cache::BlobKey key_of(const std::string& id) const {
    const auto tree = catalog->tree();
    const auto record = tree->photo(*tree->photo_index(id));
    return fs::Catalog::blob_key(record, record.files[0]);
  }
  [[nodiscard]] std::string cached_bytes(const std::string& id) const {
    auto reader = f.blobs->open_cached(key_of(id)).value();
    if (!reader) return "(not cached)";
    std::string bytes(10000, '\0');
    bytes.resize(reader->read(0, bytes).value());
    return bytes;
  }
};

cache::Pin album_pin() {
  cache::Pin pin;
  pin.kind = cache::Pin::Kind::album;
  pin.album_id = kAlbum;
  return pin;
}

}  // namespace

TEST_CASE("run_once downloads the files of pinned photos and nothing else", "[cache]") {
  PinWorld w;
  REQUIRE(w.f.meta->add_pin(album_pin()));
  fs::PinKeeper keeper(*w.f.meta, *w.f.blobs, *w.catalog, w.queue, {}, [] { return true; });
  const auto first = keeper.run_once();
  REQUIRE(first.ok());
  CHECK(first->pinned_files == 2);
  CHECK(first->downloaded == 2);
  CHECK(first->cached_files == 2);
  CHECK(first->failed == 0);
  CHECK(w.cached_bytes("2") == PinWorld::content_of("2"));
  CHECK(w.cached_bytes("3") == PinWorld::content_of("3"));
  CHECK(w.cached_bytes("1") == "(not cached)");
  const int calls = w.f.downloader->calls();
  const auto again = keeper.run_once();
  REQUIRE(again.ok());
  CHECK(again->downloaded == 0);
  CHECK(again->cached_files == 2);
  CHECK(w.f.downloader->calls() == calls);
}

TEST_CASE("the background keeper waits while offline and follows new pins", "[cache]") {
  PinWorld w;
  std::atomic<bool> online{false};
  fs::PinKeeperOptions options;
  options.poll_interval = 50ms;
  options.retry_interval = 100ms;
  std::atomic<int> asked{0};  // how often the keeper asked whether it is online
  fs::PinKeeper keeper(*w.f.meta, *w.f.blobs, *w.catalog, w.queue, options, [&] {
    ++asked;
    return online.load();
  });
  keeper.start();
  cache::Pin page;
  page.kind = cache::Pin::Kind::page;
  page.page = 1;
  REQUIRE(w.f.meta->add_pin(page));  // after start: found by re-reading the pins
  // Several polls after the pin was added, each one offline.
  const int asked_before = asked.load();
  REQUIRE(test::eventually([&] { return asked.load() >= asked_before + 3; }, 60s));
  CHECK(w.f.downloader->calls() == 0);  // offline: no request at all
  online = true;
  REQUIRE(test::eventually([&] { return keeper.stats().cached_files == 6; }, 60s));
  for (int i = 1; i <= 6; ++i)
    CHECK(w.cached_bytes(std::to_string(i)) == PinWorld::content_of(std::to_string(i)));
  CHECK(keeper.stats().downloaded == 6);
  CHECK(keeper.status_lines().find("pin_files=6\npin_cached=6\n") != std::string::npos);
  keeper.stop();
}

TEST_CASE("the keeper stops promptly in the middle of a pinned download", "[cache]") {
  PinWorld w;
  REQUIRE(w.f.meta->add_pin(album_pin()));
  w.f.downloader->close_gate_at(1000);  // every transfer hangs after 1000 bytes
  fs::PinKeeper keeper(*w.f.meta, *w.f.blobs, *w.catalog, w.queue, {}, [] { return true; });
  keeper.start();
  REQUIRE(test::eventually([&] { return w.f.downloader->delivered() >= 1000; }, 60s));
  // The transfer stays stuck until open_gate() below: stop() returning at all shows it does
  // not wait for it (were it to, ctest's timeout would end the test).
  keeper.stop();
  CHECK(keeper.stats().downloaded == 0);
  w.f.downloader->open_gate();  // let the store's own download finish before teardown
}
