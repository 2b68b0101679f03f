// fs/prefetch/prefetcher.cpp over a real BlobStore (LMDB, files) and the in-process
// FakeDownloader: what a walk fetches, the window bound, used/wasted accounting, offline.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <thread>

#include "fs/prefetch/prefetcher.hpp"
#include "fs/sync/catalog.hpp"
#include "tests/cache/cache_fixture.hpp"
#include "tests/fs/fake_catalog.hpp"
#include "tests/support/eventually.hpp"

using namespace flickrfs;
using namespace std::chrono_literals;

namespace {

// Only what the prefetcher asks: no size is known (sizes come from the downloads). Counts
// the info.json sizes the prefetcher resolves (warming their comments), and the stored-size
// lookups (LMDB reads in the real catalog) made on the thread that built it, which plays the
// FUSE thread calling note_*().
class NoSizes final : public model::CatalogView {
 public:
  std::atomic<int> info_resolves{0};
  std::atomic<int> size_lookups{0};
  std::atomic<int> size_lookups_on_fuse_thread{0};
  const std::thread::id fuse_thread = std::this_thread::get_id();
  std::shared_ptr<const model::Tree> tree() const override { return nullptr; }
  std::optional<std::uint64_t> known_size(const model::Tree&, const model::Node&) override {
    size_lookups += 1;
    if (std::this_thread::get_id() == fuse_thread) size_lookups_on_fuse_thread += 1;
    return std::nullopt;
  }
  Result<std::uint64_t> resolve_size(const model::Tree&, const model::Node& node,
                                     std::chrono::milliseconds) override {
    if (node.kind == model::NodeKind::sidecar) info_resolves += 1;
    return make_error(Errc::offline, "not in this test");
  }
  Result<std::unique_ptr<model::OpenFile>> open(const model::Tree&, const model::Node&) override {
    return make_error(Errc::offline, "not in this test");
  }
  void note_listing(const model::Tree&, const model::Node&) override {}
  void note_attr_wanted(const model::Tree&, const model::Node&) override {}
  std::string status_lines() override { return {}; }
};

struct World {
  test::CacheFixture cache;
  std::shared_ptr<const model::Tree> tree;
  NoSizes view;
  std::atomic<bool> online{true};
  api::WorkQueue queue{4, 1};  // after the cache: the prefetcher's tasks stop before it goes

  explicit World(
      std::shared_ptr<const model::Tree> world = model::Tree::build(test::make_catalog(40), {}))
      : tree(std::move(world)) {
    cache.open_all();
    for (std::uint32_t i = 0; i < tree->photo_count(); ++i)
      cache.downloader->add(std::string(best(i).choice.url()), test::make_content(1000 + i, i));
  }
  [[nodiscard]] model::PhotoFile best(std::uint32_t i) const {
    REQUIRE_FALSE(tree->photo(i).files.empty());
    return tree->photo(i).files[0];
  }
  [[nodiscard]] model::Node image(std::uint32_t i) const { return *tree->node(best(i).ino); }
  [[nodiscard]] model::Node info(std::uint32_t i) const {
    return *tree->node(tree->photo(i).sidecar_ino);
  }
  [[nodiscard]] bool cached(std::uint32_t i) const {
    return cache.blobs->is_cached(fs::Catalog::blob_key(tree->photo(i), best(i)));
  }
};

void settle(const fs::prefetch::Prefetcher& prefetcher) {
  for (int i = 0; i < 500; ++i) {
    const auto s = prefetcher.stats();
    if (s.queued == 0 && s.in_flight == 0) return;
    std::this_thread::sleep_for(10ms);
  }
  FAIL("prefetch did not settle");
}

// A window of 4 and 2 workers over the world's blob store, online while w.online is.
std::unique_ptr<fs::prefetch::Prefetcher> small_prefetcher(World& w) {
  fs::prefetch::PrefetchOptions options;
  options.window = 4;
  options.workers = 2;
  return std::make_unique<fs::prefetch::Prefetcher>(
      *w.cache.blobs, w.view, w.queue, options, [&w] { return w.online.load(); },
      [] { return true; });
}

}  // namespace

TEST_CASE("a walk prefetches the next photos, within the window, and counts used and wasted",
          "[prefetch]") {
  World w;
  const auto owned = small_prefetcher(w);
  fs::prefetch::Prefetcher& prefetcher = *owned;
  prefetcher.note_listing(w.tree, *w.tree->node(w.tree->page_ino(1)));
  prefetcher.note_open(w.tree, w.image(0));
  settle(prefetcher);
  CHECK(w.cache.downloader->calls() == 0);  // one open is not a walk
  prefetcher.note_open(w.tree, w.image(1));
  settle(prefetcher);
  CHECK(w.cache.downloader->calls() == 4);
  for (std::uint32_t i = 2; i < 6; ++i)
    CHECK(w.cached(i));
  CHECK_FALSE(w.cached(6));
  prefetcher.note_open(w.tree, w.image(2));  // the reader reaches a prefetched photo
  settle(prefetcher);
  CHECK(w.cache.downloader->calls() == 5);  // the window moved by one: photo 6
  auto stats = prefetcher.stats();
  CHECK(stats.prefetched_files == 5);
  CHECK(stats.used_bytes == 1002);

  w.online = false;  // offline: the walk goes on, nothing is fetched
  prefetcher.note_open(w.tree, w.image(3));
  prefetcher.note_open(w.tree, w.image(4));
  settle(prefetcher);
  CHECK(w.cache.downloader->calls() == 5);
  prefetcher.stop();
  stats = prefetcher.stats();
  CHECK(stats.used_bytes == 1002 + 1003 + 1004);
  CHECK(stats.wasted_bytes == 1005 + 1006);  // prefetched, never opened
  CHECK(stats.prefetched_bytes == stats.used_bytes + stats.wasted_bytes);
  CHECK(w.view.info_resolves == 0);  // the walk never opened an info.json
}

TEST_CASE("note_open looks up no stored size itself: the workers do", "[prefetch]") {
  World w;
  const auto owned = small_prefetcher(w);
  fs::prefetch::Prefetcher& prefetcher = *owned;
  prefetcher.note_listing(w.tree, *w.tree->node(w.tree->page_ino(1)));
  for (std::uint32_t i = 0; i < 3; ++i) {  // a walk: photos 2 to 5, then 6, are queued
    prefetcher.note_open(w.tree, w.image(i));
    settle(prefetcher);
  }
  CHECK(w.cache.downloader->calls() == 5);
  CHECK(w.view.size_lookups >= 5);                 // each queued file's size was looked up...
  CHECK(w.view.size_lookups_on_fuse_thread == 0);  // ...never on the caller of note_open
  prefetcher.stop();
}

TEST_CASE("a walk that copies info.json warms the info.json of what it prefetches", "[prefetch]") {
  World w;
  const auto owned = small_prefetcher(w);
  fs::prefetch::Prefetcher& prefetcher = *owned;
  prefetcher.note_listing(w.tree, *w.tree->node(w.tree->page_ino(1)));
  prefetcher.note_open(w.tree, w.image(0));
  prefetcher.note_open(w.tree, w.info(0));
  prefetcher.note_open(w.tree, w.image(1));
  settle(prefetcher);
  CHECK(w.cache.downloader->calls() == 4);  // photos 2..5
  CHECK(w.view.info_resolves == 4);         // and their info.json
}

namespace {

// 40 photos on pages of 10, and one album whose order jumps between the pages.
std::shared_ptr<const model::Tree> album_world() {
  model::AlbumInput album;
  album.set.id = "72157700000000001";
  album.set.title = "Across pages";
  for (const int id : {1003, 1013, 1023, 1033, 1005, 1015, 1025, 1035, 1007, 1017})
    album.photo_ids.push_back(std::to_string(id));
  return model::Tree::build(test::make_catalog(40, {album}), {{"best"}, 10});
}

std::uint32_t index_of(const World& w, int id) {
  return *w.tree->photo_index(std::to_string(id));
}

}  // namespace

TEST_CASE("a walk through an album's links (cp -rL) is followed in album order", "[prefetch]") {
  SECTION("listed album") {
    World w(album_world());
    const auto owned = small_prefetcher(w);
    fs::prefetch::Prefetcher& prefetcher = *owned;
    REQUIRE(w.tree->photo(index_of(w, 1013)).page == 2);
    prefetcher.note_listing(w.tree, *w.tree->node(w.tree->album(0).ino));
    prefetcher.note_open(w.tree, w.image(index_of(w, 1003)));
    prefetcher.note_open(w.tree, w.image(index_of(w, 1013)));
    settle(prefetcher);
    CHECK(w.cache.downloader->calls() == 4);
    for (const int id : {1023, 1033, 1005, 1015})
      CHECK(w.cached(index_of(w, id)));
    CHECK_FALSE(w.cached(index_of(w, 1025)));
    CHECK_FALSE(w.cached(index_of(w, 1004)));  // the pages' own neighbours are not walked
  }
  SECTION("the same opens without the album listed are no walk") {
    World w(album_world());
    const auto owned = small_prefetcher(w);
    fs::prefetch::Prefetcher& prefetcher = *owned;
    for (const int id : {1003, 1013, 1023, 1033})
      prefetcher.note_open(w.tree, w.image(index_of(w, id)));
    settle(prefetcher);
    CHECK(w.cache.downloader->calls() == 0);
  }
}

TEST_CASE("the prefetcher keeps the walk orders of a few directories, and no old snapshot",
          "[prefetch]") {
  constexpr std::size_t kPageSize = 10;
  const std::size_t pages = fs::prefetch::Prefetcher::kOrdersKept + 2;
  World w(model::Tree::build(test::make_catalog(pages * kPageSize), {{"best"}, kPageSize}));
  const auto owned = small_prefetcher(w);
  for (std::uint32_t page = 1; page <= pages; ++page) {
    const auto first = static_cast<std::uint32_t>(w.tree->page_range(page).first);
    owned->note_open(w.tree, w.image(first));  // one open a page: no walk, no download
    CHECK(owned->orders_kept() ==
          std::min<std::size_t>(page, fs::prefetch::Prefetcher::kOrdersKept));
  }
  settle(*owned);
  CHECK(w.cache.downloader->calls() == 0);
  const std::weak_ptr<const model::Tree> watched = w.tree;
  w.tree.reset();
  CHECK(watched.expired());
  owned->stop();
}

TEST_CASE("window 0 starts nothing, stop() during downloads joins cleanly", "[prefetch]") {
  World w;
  {
    fs::prefetch::PrefetchOptions off;
    off.window = 0;
    fs::prefetch::Prefetcher prefetcher(
        *w.cache.blobs, w.view, w.queue, off, [] { return true; }, [] { return true; });
    for (std::uint32_t i = 0; i < 10; ++i)
      prefetcher.note_open(w.tree, w.image(i));
    CHECK(prefetcher.stats().queued == 0);
  }
  CHECK(w.cache.downloader->calls() == 0);
  w.cache.downloader->set_chunk_delay(20ms);
  w.cache.downloader->set_chunk_size(100);
  fs::prefetch::PrefetchOptions options;
  options.window = 8;
  options.workers = 4;
  fs::prefetch::Prefetcher prefetcher(
      *w.cache.blobs, w.view, w.queue, options, [] { return true; }, [] { return true; });
  prefetcher.note_listing(w.tree, *w.tree->node(w.tree->page_ino(1)));
  for (std::uint32_t i = 0; i < 3; ++i)
    prefetcher.note_open(w.tree, w.image(i));
  // Stop while downloads run (20 ms a 100-byte chunk: each takes seconds).
  REQUIRE(test::eventually([&] { return w.cache.downloader->calls() >= 1; }, 60s));
  prefetcher.stop();  // waits for the running downloads, drops the queue
  const auto stats = prefetcher.stats();
  CHECK(stats.queued == 0);
  CHECK(stats.in_flight == 0);
  CHECK(w.cache.downloader->calls() <= 4 + 1);
}
