// fs/prefetch/prefetcher.cpp over a real BlobStore (LMDB, files) and the in-process
// FakeDownloader: what a walk fetches, the window bound, used/wasted accounting, offline.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "fs/prefetch/prefetcher.hpp"
#include "fs/sync/catalog.hpp"
#include "tests/cache/cache_fixture.hpp"
#include "tests/fs/fake_catalog.hpp"

using namespace flickrfs;
using namespace std::chrono_literals;

namespace {

// Only what the prefetcher asks: no size is known (sizes come from the downloads).
class NoSizes final : public model::CatalogView {
 public:
  std::shared_ptr<const model::Tree> tree() const override { return nullptr; }
  std::optional<std::uint64_t> known_size(const model::Tree&, const model::Node&) override {
    return std::nullopt;
  }
  Result<std::uint64_t> resolve_size(const model::Tree&, const model::Node&,
                                     std::chrono::milliseconds) override {
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
  std::shared_ptr<const model::Tree> tree = model::Tree::build(test::make_catalog(40), {});
  NoSizes view;
  std::atomic<bool> online{true};

  World() {
    cache.open_all();
    for (std::uint32_t i = 0; i < tree->photo_count(); ++i)
      cache.downloader->add(tree->photo(i).files.at(0).choice.url, test::make_content(1000 + i, i));
  }
  [[nodiscard]] model::Node image(std::uint32_t i) const {
    return *tree->node(tree->photo(i).files.at(0).ino);
  }
  [[nodiscard]] bool cached(std::uint32_t i) const {
    return cache.blobs->is_cached(
        fs::Catalog::blob_key(tree->photo(i), tree->photo(i).files.at(0)));
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

}  // namespace

TEST_CASE("a walk prefetches the next photos, within the window, and counts used and wasted",
          "[prefetch]") {
  World w;
  fs::prefetch::PrefetchOptions options;
  options.window = 4;
  options.workers = 2;
  fs::prefetch::Prefetcher prefetcher(
      *w.cache.blobs, w.view, options, [&] { return w.online.load(); }, [] { return true; });
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
}

TEST_CASE("window 0 starts nothing, stop() during downloads joins cleanly", "[prefetch]") {
  World w;
  {
    fs::prefetch::PrefetchOptions off;
    off.window = 0;
    fs::prefetch::Prefetcher prefetcher(
        *w.cache.blobs, w.view, off, [] { return true; }, [] { return true; });
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
      *w.cache.blobs, w.view, options, [] { return true; }, [] { return true; });
  prefetcher.note_listing(w.tree, *w.tree->node(w.tree->page_ino(1)));
  for (std::uint32_t i = 0; i < 3; ++i)
    prefetcher.note_open(w.tree, w.image(i));
  std::this_thread::sleep_for(50ms);
  prefetcher.stop();  // waits for the running downloads, drops the queue
  const auto stats = prefetcher.stats();
  CHECK(stats.queued == 0);
  CHECK(stats.in_flight == 0);
  CHECK(w.cache.downloader->calls() <= 4 + 1);
}
