// Tests for cache/blob_store.hpp: the fetch path, single flight, streaming readers, errors
// and offline behaviour, with the in-process FakeDownloader.
#include "cache/blob_store.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include "tests/cache/cache_fixture.hpp"

using namespace flickrfs;
using cache::BlobKey;
using cache::BlobSource;

namespace {

std::string read_all(cache::BlobReader& reader, std::size_t chunk = 7000) {
  std::string out;
  std::string buffer(chunk, '\0');
  for (;;) {
    auto n = reader.read(out.size(), buffer);
    REQUIRE(n.ok());
    if (*n == 0) return out;
    out.append(buffer.data(), *n);
  }
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

TEST_CASE("a downloaded blob is stored once and then served from the cache", "[cache]") {
  test::CacheFixture f;
  f.open_all();
  std::string content = test::make_content(100000, 1);
  f.downloader->add("http://x/1", content);
  BlobKey key{"1", "abc", "Large 2048"};
  {
    auto reader = f.blobs->open(key, BlobSource{"http://x/1", content.size()});
    REQUIRE(reader.ok());
    CHECK_FALSE(reader->from_cache());
    CHECK(read_all(*reader) == content);
    REQUIRE(reader->wait().ok());
  }
  auto record = f.blobs->record(key).value();
  REQUIRE(record.has_value());
  CHECK(record->size == content.size());
  CHECK(record->etag == "\"etag-100000\"");
  f.reopen();
  auto again = f.blobs->open(key, BlobSource{"http://x/1", content.size()});
  REQUIRE(again.ok());
  CHECK(again->from_cache());
  CHECK(*again->size() == content.size());
  CHECK(read_all(*again) == content);
  CHECK(f.downloader->calls() == 1);
  CHECK(exists(f.blob_dir() + "/" + key.file_name()));
}

TEST_CASE("32 concurrent readers share one download", "[cache]") {
  test::CacheFixture f;
  f.open_all();
  std::string content = test::make_content(500000, 2);
  f.downloader->add("http://x/2", content);
  f.downloader->set_chunk_delay(std::chrono::microseconds(200));
  BlobKey key{"2", "s", "Original"};
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int i = 0; i < 32; ++i) {
    threads.emplace_back([&] {
      auto reader = f.blobs->open(key, BlobSource{"http://x/2", std::nullopt});
      if (!reader) return;
      std::string got;
      std::string buffer(65536, '\0');
      for (;;) {
        auto n = reader->read(got.size(), buffer);
        if (!n || *n == 0) break;
        got.append(buffer.data(), *n);
      }
      if (got == content) good += 1;
    });
  }
  for (auto& t : threads)
    t.join();
  CHECK(good == 32);
  CHECK(f.downloader->calls() == 1);
  CHECK(f.downloader->delivered() == content.size());
}

TEST_CASE("readers read what has arrived while the rest is downloading", "[cache]") {
  test::CacheFixture f;
  f.open_all();
  std::string content = test::make_content(200000, 3);
  f.downloader->add("http://x/3", content);
  f.downloader->close_gate_at(50000);
  BlobKey key{"3", "s", "Large"};
  auto reader = f.blobs->open(key, BlobSource{"http://x/3", content.size()});
  REQUIRE(reader.ok());
  std::string head(40000, '\0');
  REQUIRE(*reader->read(0, head) == head.size());  // served while the download is held
  CHECK(head == content.substr(0, 40000));
  CHECK(*reader->size() == content.size());  // known from the expected size
  CHECK_FALSE(f.blobs->is_cached(key));
  // The tail is behind the closed gate, so the read cannot finish before the gate opens
  // (whichever of the two threads gets there first); then it returns the tail exactly.
  std::string tail(10000, '\0');
  auto tail_read = std::async(std::launch::async, [&] { return reader->read(190000, tail); });
  CHECK(tail_read.wait_for(std::chrono::seconds(0)) == std::future_status::timeout);
  f.downloader->open_gate();
  REQUIRE(*tail_read.get() == 10000);
  CHECK(tail == content.substr(190000));
  REQUIRE(reader->wait().ok());
  CHECK(f.blobs->is_cached(key));
}

TEST_CASE("a failed download reaches every waiter and leaves no file", "[cache]") {
  test::CacheFixture f;
  f.blob_options.download_attempts = 1;
  f.open_all();
  std::string content = test::make_content(100000, 4);
  f.downloader->add("http://x/4", content);
  f.downloader->close_gate_at(30000);
  f.downloader->fail_after(30000, Errc::network);
  BlobKey key{"4", "s", "Original"};
  auto a = f.blobs->open(key, BlobSource{"http://x/4", std::nullopt});
  auto b = f.blobs->open(key, BlobSource{"http://x/4", std::nullopt});
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  std::string buffer(100, '\0');
  CHECK(*a->read(0, buffer) == 100);
  f.downloader->open_gate();
  auto wa = a->wait();
  auto wb = b->read(90000, buffer);
  REQUIRE_FALSE(wa.ok());
  CHECK(wa.error().code == Errc::network);
  REQUIRE_FALSE(wb.ok());
  CHECK(wb.error().code == Errc::network);
  CHECK_FALSE(exists(f.blob_dir() + "/" + key.file_name()));
  CHECK_FALSE(f.blobs->record(key)->has_value());
  CHECK(f.downloader->calls() == 1);
}

TEST_CASE("a network error resumes with a range request", "[cache]") {
  test::CacheFixture f;
  f.open_all();
  std::string content = test::make_content(100000, 5);
  f.downloader->add("http://x/5", content);
  f.downloader->fail_after(40000, Errc::network);
  BlobKey key{"5", "s", "Original"};
  auto reader = f.blobs->open(key, BlobSource{"http://x/5", std::nullopt});
  REQUIRE(reader.ok());
  REQUIRE(reader->wait().ok());
  CHECK(read_all(*reader) == content);
  CHECK(f.downloader->calls() == 2);
  CHECK(f.downloader->delivered() == content.size());  // resumed, not restarted
}

TEST_CASE("a download of the wrong length is never stored", "[cache]") {
  test::CacheFixture f;
  f.open_all();
  f.downloader->add("http://x/6", test::make_content(1000, 6));
  BlobKey key{"6", "s", "Original"};
  auto reader = f.blobs->open(key, BlobSource{"http://x/6", 2000});
  REQUIRE(reader.ok());
  REQUIRE_FALSE(reader->wait().ok());
  CHECK_FALSE(f.blobs->is_cached(key));
}

TEST_CASE("offline serves what is cached and fails without a download attempt for the rest",
          "[cache]") {
  test::CacheFixture f;
  f.open_all();
  std::string content = test::make_content(5000, 7);
  f.downloader->add("http://x/7", content);
  BlobKey cached{"7", "s", "Original"};
  REQUIRE(f.blobs->fetch(cached, BlobSource{"http://x/7", std::nullopt}).ok());
  f.blobs->set_offline(true);
  // A transfer would now hang at the gate: failing at all shows none was attempted.
  f.downloader->close_gate_at(0);
  auto missing = f.blobs->open(BlobKey{"8", "s", "Original"}, BlobSource{"http://x/8", {}});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == Errc::offline);
  CHECK(f.downloader->calls() == 1);  // the fetch of "7" only
  f.downloader->open_gate();
  auto hit = f.blobs->open(cached, BlobSource{"http://x/7", std::nullopt});
  REQUIRE(hit.ok());
  CHECK(read_all(*hit) == content);
  CHECK(f.downloader->calls() == 1);
}

TEST_CASE("a store without downloader is offline", "[cache]") {
  test::CacheFixture f;
  f.downloader = nullptr;
  f.open_all();
  auto missing = f.blobs->open(BlobKey{"8", "s", "Original"}, BlobSource{"http://x/8", {}});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == Errc::offline);
}

TEST_CASE("blob file names are safe and reversible", "[cache]") {
  BlobKey hostile{"123", "../..", "Large 2048/\x01%"};
  std::string name = hostile.file_name();
  CHECK(name.find('/') == std::string::npos);
  CHECK(name.find('.') == std::string::npos);
  auto back = BlobKey::from_file_name(name);
  REQUIRE(back.has_value());
  CHECK(*back == hostile);
  CHECK(BlobKey::from_record_key(hostile.record_key()).value() == hostile);
  CHECK_FALSE(BlobKey::from_file_name("123_abc").has_value());
  CHECK_FALSE(BlobKey::from_file_name("1_a_b_c").has_value());
}
