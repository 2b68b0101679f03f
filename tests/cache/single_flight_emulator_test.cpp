// Single flight against real HTTP (issue 6): 32 readers open the same blob at once through
// the API's HttpClient on the emulator; the emulator's /_emulator/stats must count exactly one
// image request, and every reader must get the manifest's bytes (sha256).
#include <catch2/catch.hpp>
#include <regex>
#include <thread>

#include "api/http/http_client.hpp"
#include "cache/blob_store.hpp"
#include "cache/file_util.hpp"
#include "tests/cache/cache_fixture.hpp"
#include "tests/support/emulator_process.hpp"

using namespace flickrfs;

namespace {

// The adapter the filesystem layer will use too: HttpClient::download has the same shape.
class HttpDownloader : public cache::Downloader {
 public:
  Result<cache::DownloadMeta> download(const std::string& url, std::uint64_t offset,
                                       const std::function<Result<void>(std::string_view)>& sink,
                                       const std::atomic<bool>* cancel,
                                       const std::function<Result<void>()>& rewind) override {
    FLICKRFS_TRY(auto info, m_client.download(url, offset, sink, cancel, rewind));
    return cache::DownloadMeta{info.total_size, info.etag, info.last_modified};
  }

 private:
  api::http::HttpClient m_client;
};

std::string first_match(const std::string& text, const std::string& pattern) {
  std::smatch match;
  if (!std::regex_search(text, match, std::regex(pattern))) return {};
  return match[1].str();
}

}  // namespace

TEST_CASE("32 readers of one blob cause one image request on the emulator", "[cache]") {
  test::EmulatorProcess emulator(test::EmulatorProcess::Options{20, 2, 3, {}});
  std::string manifest = emulator.get("/_emulator/manifest?offset=0&limit=1");
  // Only the photos: albums, collections and favorites (with their own ladders) follow.
  manifest = manifest.substr(0, manifest.find("],\"sets\":"));
  // The first photo's largest photo size: the last "url"/"bytes"/"sha256" of its ladder.
  std::string id = first_match(manifest, R"re("photos":\[\{"id":"(\d+)")re");
  REQUIRE_FALSE(id.empty());
  std::regex size_row(R"re("url":"([^"]+)","bytes":(\d+),"sha256":"([0-9a-f]{64})")re");
  std::string url, sha;
  std::uint64_t bytes = 0;
  for (std::sregex_iterator it(manifest.begin(), manifest.end(), size_row), end; it != end; ++it) {
    std::uint64_t size = std::stoull((*it)[2].str());
    if (size > bytes && (*it)[1].str().find(".mp4") == std::string::npos) {
      url = std::regex_replace((*it)[1].str(), std::regex(R"(\\/)"), "/");  // JSON "\/"

      bytes = size;
      sha = (*it)[3].str();
    }
  }
  REQUIRE(bytes > 0);
  emulator.post("/_emulator/reset-stats", "");

  test::CacheFixture f;
  f.downloader = nullptr;
  f.open_meta();
  auto store = cache::BlobStore::open(*f.meta, std::make_shared<HttpDownloader>(), f.blob_dir(),
                                      f.blob_options);
  REQUIRE(store.ok());
  cache::BlobKey key{id, "secret", "Largest"};
  INFO("url " << url << " bytes " << bytes);
  {  // one reader first, for a readable failure
    auto probe = (*store)->open(cache::BlobKey{id, "probe", "Largest"}, {url, bytes});
    REQUIRE(probe.ok());
    auto waited = probe->wait();
    if (!waited) FAIL(waited.error().describe());
  }
  emulator.post("/_emulator/reset-stats", "");
  std::atomic<int> good{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 32; ++i) {
    readers.emplace_back([&] {
      auto reader = (*store)->open(key, cache::BlobSource{url, bytes});
      if (!reader) return;
      cache::Sha256 hash;
      std::string buffer(16384, '\0');
      std::uint64_t offset = 0;
      for (;;) {
        auto n = reader->read(offset, buffer);
        if (!n || *n == 0) break;
        hash.update(std::string_view(buffer.data(), *n));
        offset += *n;
      }
      if (offset == bytes && cache::to_hex(hash.finish()) == sha) good += 1;
    });
  }
  for (auto& reader : readers)
    reader.join();
  CHECK(good == 32);
  std::string stats = emulator.get("/_emulator/stats");
  INFO(stats);
  CHECK(first_match(stats, R"("images":(\d+))") == "1");
  CHECK(first_match(stats, "\"" + id + R"re(":(\d+))re") == "1");
}
