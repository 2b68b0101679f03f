// fs/sync/catalog*.cpp against a real flickr-emulator, real LMDB and a real BlobStore:
// the background fill of a first mount (await_listing) and the walk-ahead that fetches a
// page's comments beside its size probes.
#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <thread>

#include <simdjson.h>

#include "api/flickr_client.hpp"
#include "fs/model/inode.hpp"
#include "fs/sync/catalog.hpp"
#include "fs/sync/client_downloader.hpp"
#include "tests/cache/cache_fixture.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/eventually.hpp"

using namespace flickrfs;
using namespace std::chrono_literals;

namespace {

api::ClientOptions emulator_options(const test::EmulatorProcess& emulator) {
  api::ClientOptions options;
  options.api_url = emulator.url();
  options.credentials = {
      "test-key", "test-secret", "test-token", "test-token-secret", "12345678@N00", "demo", {}};
  options.rate_limits = api::RateLimits::of({0});
  options.retry = api::fast_retry_policy_for_tests(4, std::chrono::milliseconds(5));
  return options;
}

struct World {
  test::EmulatorProcess emulator;
  test::CacheFixture cache;
  api::FlickrClient client;
  fs::Connectivity connectivity;
  std::unique_ptr<fs::Catalog> catalog;

  explicit World(test::EmulatorProcess::Options options, bool forced_offline = false,
                 fs::CatalogOptions catalog_options = {})
      : emulator(std::move(options)),
        client(emulator_options(emulator)),
        connectivity(forced_offline) {
    cache.downloader.reset();
    cache.open_meta();
    auto opened = cache::BlobStore::open(
        *cache.meta, std::make_shared<fs::ClientDownloader>(client, connectivity), cache.blob_dir(),
        cache.blob_options);
    REQUIRE(opened.ok());
    cache.blobs = std::move(*opened);
    catalog = std::make_unique<fs::Catalog>(&client, *cache.meta, *cache.blobs, connectivity,
                                            std::move(catalog_options));
    REQUIRE(catalog->load_from_cache().ok());
  }
  ~World() { catalog.reset(); }
};

// Every listing asks for a listing check; no recentlyUpdated poll comes between.
fs::CatalogOptions checking_options() {
  fs::CatalogOptions options;
  options.dir_cache_time = 0s;
  options.poll_interval = 3600s;
  return options;
}

// A number the catalog's status reports ("rebuilds", "refreshes").
std::uint64_t status_number(fs::Catalog& catalog, const std::string& name) {
  const std::string lines = catalog.status_lines();
  const auto at = lines.find("\n" + name + "=");
  REQUIRE(at != std::string::npos);
  return std::stoull(lines.substr(at + name.size() + 2));
}

using test::eventually;

}  // namespace

TEST_CASE("stat-ing a page's first photos fetches the comments of the photos ahead, once each",
          "[catalog][emulator]") {
  World w({120, 2, 5, {}});
  REQUIRE(w.catalog->refresh_all().ok());
  const auto tree = w.catalog->tree();
  std::vector<model::Node> commented;   // info.json nodes of photos with comments
  constexpr std::uint32_t kAhead = 40;  // within the stat walk's window (64)
  for (std::uint32_t i = 3; i < kAhead; ++i) {
    if (tree->photo(i).photo.count_comments > 0) {
      commented.push_back(*tree->node(tree->photo(i).sidecar_ino));
    }
  }
  REQUIRE(commented.size() >= 3);
  for (const auto& info : commented)
    CHECK_FALSE(w.catalog->known_size(*tree, info).has_value());  // nothing fetched yet
  const std::int64_t before = w.emulator.calls("flickr.photos.comments.getList");

  // `ls -l` in listing order: photos 0, 1, 2 (stat_walk_ahead.hpp).
  for (std::uint32_t i = 0; i < 3; ++i) {
    REQUIRE_FALSE(tree->photo(i).files.empty());
    w.catalog->note_attr_wanted(*tree, *tree->node(tree->photo(i).files[0].ino));
  }

  // The info.json sizes become known without anyone asking for them one by one.
  CHECK(eventually(
      [&] {
        for (const auto& info : commented) {
          if (!w.catalog->known_size(*tree, info)) return false;
        }
        return true;
      },
      30s));
  // A foreground render now costs nothing: each photo's comments were fetched once.
  for (const auto& info : commented) {
    const auto size = w.catalog->resolve_size(*tree, info, 5000ms);
    REQUIRE(size.ok());
    CHECK(*size == w.catalog->known_size(*tree, info).value());
  }
  // At most one call per commented photo the walk handed out (replayed on the same tree).
  fs::StatWalkAhead replay;
  std::int64_t in_window = 0;
  for (std::uint32_t i = 0; i < 3; ++i) {
    for (const std::uint32_t photo : replay.on_stat(tree, i))
      in_window += tree->photo(photo).photo.count_comments > 0 ? 1 : 0;
  }
  CHECK(in_window >= static_cast<std::int64_t>(commented.size()));
  CHECK(w.emulator.calls("flickr.photos.comments.getList") - before <= in_window);
}

TEST_CASE("with --exif, stat-ing a page's exif.json files fetches the EXIF ahead, once each",
          "[catalog][emulator]") {
  fs::CatalogOptions options;
  options.exif = true;
  World w({60, 1, 11, {}}, false, options);
  REQUIRE(w.catalog->refresh_all().ok());
  const auto tree = w.catalog->tree();
  const auto exif_node = [&](std::uint32_t i) { return *tree->node(tree->exif_ino(i)); };
  CHECK_FALSE(w.catalog->known_size(*tree, exif_node(5)).has_value());
  CHECK(w.emulator.calls("flickr.photos.getExif") == 0);  // the listing asked none

  // `ls -l` in listing order: image, sidecar, exif.json of photos 0 and 1.
  for (std::uint32_t i = 0; i < 2; ++i) {
    w.catalog->note_attr_wanted(*tree, *tree->node(tree->photo(i).files[0].ino));
    w.catalog->note_attr_wanted(*tree, *tree->node(tree->photo(i).sidecar_ino));
    w.catalog->note_attr_wanted(*tree, exif_node(i));
  }
  const auto known = [&] {
    std::int64_t count = 0;
    for (std::uint32_t i = 0; i < tree->photo_count(); ++i)
      count += w.catalog->known_size(*tree, exif_node(i)) ? 1 : 0;
    return count;
  };
  // The photos the walk handed out (replayed on the same tree) get their exif.json size
  // without being asked one by one, one call each. Waiting for all of them, not only for the
  // ones read below, so no probe is still queued when the foreground's calls are counted.
  fs::StatWalkAhead replay;
  std::vector<std::uint32_t> handed_out;
  for (std::uint32_t i = 0; i < 2; ++i) {
    for (const std::uint8_t part : {0, 1, 2}) {
      for (const std::uint32_t photo : replay.on_stat(tree, i, part))
        handed_out.push_back(photo);
    }
  }
  REQUIRE(handed_out.size() >= 30);
  CHECK(eventually(
      [&] {
        for (const std::uint32_t i : handed_out) {
          if (!w.catalog->known_size(*tree, exif_node(i))) return false;
        }
        return w.emulator.calls("flickr.photos.getExif") == known();
      },
      30s));
  CHECK(known() == static_cast<std::int64_t>(handed_out.size()));
  const std::int64_t calls = w.emulator.calls("flickr.photos.getExif");
  CHECK(calls < static_cast<std::int64_t>(tree->photo_count()));  // a window, not the page
  for (std::uint32_t i = 2; i < 30; ++i) {
    const auto size = w.catalog->resolve_size(*tree, exif_node(i), 5000ms);
    REQUIRE(size.ok());
    CHECK(*size == w.catalog->known_size(*tree, exif_node(i)).value());
  }
  CHECK(w.emulator.calls("flickr.photos.getExif") == calls);  // the foreground cost nothing
}

TEST_CASE("a first mount lists in the background and a directory waits for its listing",
          "[catalog][emulator]") {
  World w({620, 3, 7, {"--latency-ms", "20"}});
  auto tree = w.catalog->tree();
  CHECK_FALSE(w.catalog->has_listing());
  CHECK_FALSE(tree->listed(*tree->node(model::kPhotostreamIno)));
  CHECK_FALSE(tree->complete());
  w.catalog->start();

  tree = w.catalog->await_listing(*tree->node(model::kPhotostreamIno), 30'000ms);
  CHECK(tree->listed(*tree->node(model::kPhotostreamIno)));
  CHECK(tree->photo_count() == 620);
  CHECK(tree->page_count() == 2);

  tree = w.catalog->await_listing(*tree->node(model::kSetsIno), 30'000ms);
  CHECK(tree->listed(*tree->node(model::kSetsIno)));
  CHECK(tree->album_count() == 3);
  std::vector<model::Ino> album_inos;  // copied: `tree` is replaced in the loop
  for (const auto& album : tree->albums())
    album_inos.push_back(album.ino);
  for (const model::Ino ino : album_inos) {
    tree = w.catalog->await_listing(*tree->node(ino), 30'000ms);
    CHECK(tree->listed(*tree->node(ino)));
  }
  for (std::size_t page = 1; page <= tree->page_count(); ++page) {
    tree = w.catalog->await_listing(*tree->node(tree->page_ino(page)), 30'000ms);
    CHECK(tree->listed(*tree->node(tree->page_ino(page))));
  }
  CHECK(eventually([&] { return w.catalog->tree()->complete(); }, 30s));
  const auto filled = w.catalog->tree();
  for (std::uint32_t i = 0; i < filled->record_count(); ++i)
    CHECK_FALSE(filled->photo(i).sizes_pending);  // every video's streams were fetched
  w.catalog->stop();
}

TEST_CASE("a first walk shows page-0001 after three calls, while the walk goes on",
          "[catalog][emulator]") {
  World w({3000, 2, 7, {}});  // six pages of 500
  struct Early {
    std::size_t photos = 0;
    std::size_t pages = 0;
    std::int64_t walk_calls = 0;
    bool photostream_listed = false;
    std::vector<std::string> page_one;
  };
  std::optional<Early> early;  // the first snapshot with page-0001 listed
  // The listener runs on the refresh thread inside the walk's page observer, so the calls
  // counted here are the ones made before that snapshot was published.
  w.catalog->set_change_listener([&](const model::Tree&, const model::Tree& after) {
    const auto page = after.page_count() > 0 ? after.node(after.page_ino(1)) : std::nullopt;
    if (early || !page || !after.listed(*page)) return;
    Early seen{after.photo_count(),
               after.page_count(),
               w.emulator.calls("flickr.people.getPhotos"),
               after.listed(*after.node(model::kPhotostreamIno)),
               {}};
    const auto [begin, end] = after.page_range(1);
    for (auto i = begin; i < end; ++i)
      seen.page_one.emplace_back(after.photo(static_cast<std::uint32_t>(i)).photo.id);
    early = std::move(seen);
  });
  w.catalog->start();
  const auto root = w.catalog->tree();
  auto tree = w.catalog->await_listing(*root->node(model::kPhotostreamIno), 30'000ms);
  REQUIRE(tree->listed(*tree->node(model::kPhotostreamIno)));
  REQUIRE(early.has_value());
  // Page 1 (the newest: how many pages), then pages 6 and 5: the 500 oldest are final.
  CHECK(early->walk_calls == 3);
  CHECK_FALSE(early->photostream_listed);  // the other pages are not there yet
  CHECK(early->photos == 500);
  CHECK(early->pages == 1);
  // The same photos, in the same order, as page-0001 of the complete listing.
  const auto [begin, end] = tree->page_range(1);
  std::vector<std::string> page_one;
  for (auto i = begin; i < end; ++i)
    page_one.emplace_back(tree->photo(static_cast<std::uint32_t>(i)).photo.id);
  CHECK(early->page_one == page_one);
  CHECK(tree->photo_count() == 3000);
  CHECK(w.emulator.calls("flickr.people.getPhotos") == 6);
  // Page-0001's videos got their streams before it was shown, and no video was asked twice.
  std::int64_t videos = 0;
  for (std::uint32_t i = 0; i < tree->record_count(); ++i)
    videos += tree->photo(i).photo.media == api::Media::video ? 1 : 0;
  CHECK(videos > 0);
  CHECK(eventually([&] { return w.catalog->tree()->complete(); }, 30s));
  CHECK(w.emulator.calls("flickr.photos.getSizes") == videos);
  w.catalog->stop();
}

TEST_CASE("offline, a directory not listed yet is answered at once with what is cached",
          "[catalog][emulator]") {
  World w({20, 1, 3, {}}, true);  // --offline
  w.catalog->start();
  // No bound worth waiting for: were the offline answer to wait for a listing, the test
  // would stop at ctest's timeout instead of passing.
  const auto tree = w.catalog->await_listing(*w.catalog->tree()->node(model::kPhotostreamIno), 24h);
  CHECK(tree->photo_count() == 0);
  w.catalog->stop();
}

TEST_CASE("an info.json size is remembered per snapshot once final, and is the bytes served",
          "[catalog][emulator]") {
  World w({40, 2, 7, {}});
  REQUIRE(w.catalog->refresh_all().ok());
  const auto tree = w.catalog->tree();
  std::optional<std::uint32_t> commented;
  for (std::uint32_t i = 0; i < tree->photo_count() && !commented; ++i) {
    if (tree->photo(i).photo.count_comments > 0) commented = i;
  }
  REQUIRE(commented);
  const auto info = *tree->node(tree->photo(*commented).sidecar_ino);
  // Comments not fetched: nothing is final, nothing remembered.
  CHECK_FALSE(w.catalog->known_size(*tree, info).has_value());
  CHECK_FALSE(tree->info_size(*commented).has_value());

  const auto size = w.catalog->resolve_size(*tree, info, 5000ms);
  REQUIRE(size.ok());
  REQUIRE(tree->info_size(*commented).has_value());
  CHECK(*tree->info_size(*commented) == *size);
  CHECK(w.catalog->known_size(*tree, info) == *size);
  auto file = w.catalog->open(*tree, info);
  REQUIRE(file.ok());
  std::string bytes(*size + 10, '\0');
  const auto got = (*file)->read(0, bytes);
  REQUIRE(got.ok());
  CHECK(*got == *size);  // exactly the remembered size, and nothing after it

  // A new snapshot starts with no memo of its own.
  REQUIRE(w.catalog->refresh_all().ok());
  const auto rebuilt = w.catalog->tree();
  REQUIRE(rebuilt.get() != tree.get());
  const auto index = rebuilt->photo_index(tree->photo(*commented).photo.id);
  REQUIRE(index);
  CHECK_FALSE(rebuilt->info_size(*index).has_value());
  CHECK(w.catalog->known_size(*rebuilt, *rebuilt->node(rebuilt->photo(*index).sidecar_ino)) ==
        *size);
}

TEST_CASE("a refresh that finds only new uploads reads page 1, not the whole photostream",
          "[catalog][emulator]") {
  World w({1200, 2, 3, {}}, false, checking_options());
  const auto listed = w.catalog->refresh_all();
  REQUIRE(listed.ok());
  REQUIRE(w.catalog->tree()->photo_count() == 1200);
  const std::string added =
      w.emulator.post("/_emulator/mutate", R"({"op":"add","count":2,"title":"New upload"})");
  REQUIRE(added.find("\"ok\":true") != std::string::npos);
  w.emulator.post("/_emulator/reset-stats", "");
  w.catalog->start();
  const auto before = w.catalog->tree();
  w.catalog->note_listing(*before, *before->node(model::kPhotostreamIno));
  REQUIRE(eventually([&] { return w.catalog->tree()->photo_count() == 1202; }, 30s));
  const auto tree = w.catalog->tree();
  w.catalog->stop();
  CHECK(tree->page_count() == 3);
  // The new uploads are the newest: the last two photos of the last page, oldest first.
  const auto last = tree->photo(1201).photo;
  const auto previous = tree->photo(1200).photo;
  CHECK(added.find("\"" + std::string(last.id) + "\"") != std::string::npos);
  CHECK(added.find("\"" + std::string(previous.id) + "\"") != std::string::npos);
  CHECK(previous.date_upload <= last.date_upload);
  CHECK(tree->photo(1199).photo.date_upload <= previous.date_upload);
  CHECK(w.emulator.calls("flickr.people.getPhotos") == 1);  // not 3: no full walk
  const auto state = w.cache.meta->listing_state(cache::ListingId::photostream());
  REQUIRE(state.ok());
  CHECK(state->count == 1202);
}

TEST_CASE("a listing check that finds nothing new keeps the snapshot; a retitle rebuilds it",
          "[catalog][emulator]") {
  World w({1200, 3, 3, {}}, false, checking_options());
  REQUIRE(w.catalog->refresh_all().ok());
  w.catalog->start();
  const auto check_once = [&] {
    const std::uint64_t refreshes = status_number(*w.catalog, "refreshes");
    const auto tree = w.catalog->tree();
    w.catalog->note_listing(*tree, *tree->node(model::kPhotostreamIno));
    REQUIRE(eventually([&] { return status_number(*w.catalog, "refreshes") > refreshes; }, 30s));
  };
  check_once();  // may still rebuild: refresh_all stored the videos' streams after its last
  const auto unchanged = w.catalog->tree();
  const std::uint64_t rebuilds = status_number(*w.catalog, "rebuilds");
  w.emulator.post("/_emulator/reset-stats", "");
  check_once();
  check_once();
  CHECK(w.emulator.calls("flickr.people.getPhotos") == 2);  // two checks of page 1
  CHECK(status_number(*w.catalog, "rebuilds") == rebuilds);
  CHECK(w.catalog->tree() == unchanged);  // the same snapshot, not an equal one

  // Page 1 of the listing holds the newest photo: retitled, the check rebuilds.
  const std::string id(unchanged->photo(1199).photo.id);
  const std::string retitled = w.emulator.post(
      "/_emulator/mutate", R"({"op":"retitle","id":")" + id + R"(","title":"Renamed"})");
  REQUIRE(retitled.find("\"ok\":true") != std::string::npos);
  check_once();
  const auto tree = w.catalog->tree();
  w.catalog->stop();
  CHECK(status_number(*w.catalog, "rebuilds") == rebuilds + 1);
  CHECK(tree->sidecar_name(1199).find("Renamed") != std::string::npos);
}

TEST_CASE("a cached photostream out of upload order still builds a sorted tree",
          "[catalog][emulator]") {
  World w({10, 1, 1, {}}, true);  // offline: only the cache
  std::vector<api::Photo> photos;
  std::vector<std::string> ids;
  for (int i = 0; i < 2500; ++i) {
    photos.push_back(test::sample_photo(std::to_string(5000 + i), 1500000000 + i * 60));
    ids.push_back(photos.back().id);
  }
  REQUIRE(w.cache.meta->upsert_photos(photos, cache::PhotoSource::list).ok());
  std::swap(ids[3], ids[2400]);  // a stored order that no longer matches the upload dates
  ids.push_back(ids[10]);        // and a photo listed twice
  REQUIRE(w.cache.meta->replace_photostream(ids, 1600000000).ok());
  REQUIRE(w.catalog->load_from_cache().ok());
  const auto tree = w.catalog->tree();
  REQUIRE(tree->photo_count() == 2500);
  for (std::uint32_t i = 0; i < 2500; ++i)
    CHECK(tree->photo(i).photo.id == std::to_string(5000 + i));
  CHECK(tree->page_count() == 5);
}
