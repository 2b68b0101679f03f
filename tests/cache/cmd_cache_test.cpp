// Tests for `flickrfs cache ...` (fs/cli/cmd_cache.cpp, fs/cli/cache_target.cpp) on a real
// cache directory.
#include <fcntl.h>
#include <pty.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "fs/cli/cache_target.hpp"
#include "fs/cli/commands.hpp"
#include "tests/cache/cache_fixture.hpp"

using namespace flickrfs;

namespace {

int run(const std::vector<std::string>& args) {
  return cli::cmd_cache(args);
}

// Runs `flickrfs cache ARGS` with its stdout captured (the command prints with printf).
std::pair<int, std::string> run_captured(const std::vector<std::string>& args,
                                         const std::string& scratch) {
  std::fflush(stdout);
  const int saved = ::dup(STDOUT_FILENO);
  const int file = ::open(scratch.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REQUIRE(saved >= 0);
  REQUIRE(file >= 0);
  ::dup2(file, STDOUT_FILENO);
  const int code = cli::cmd_cache(args);
  std::fflush(stdout);
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  ::close(file);
  std::ifstream in(scratch);
  std::stringstream text;
  text << in.rdbuf();
  return {code, text.str()};
}

// Runs `flickrfs cache clear DIR` with a terminal on stdin that answers `answer`.
int clear_answering(const std::string& dir, const std::string& answer) {
  int master = -1;
  int slave = -1;
  REQUIRE(::openpty(&master, &slave, nullptr, nullptr, nullptr) == 0);
  const std::string line = answer + "\n";
  REQUIRE(::write(master, line.data(), line.size()) == static_cast<ssize_t>(line.size()));
  const int saved = ::dup(STDIN_FILENO);
  ::dup2(slave, STDIN_FILENO);
  std::cin.clear();
  const int code = run({"clear", dir});
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  ::close(slave);
  ::close(master);
  std::cin.clear();
  std::clearerr(stdin);
  return code;
}

}  // namespace

TEST_CASE("pin paths name an album or a photostream page", "[cache]") {
  auto album = cli::parse_pin_path("/mnt/flickr/sets/Summer 2019_72157709876543210/");
  REQUIRE(album.ok());
  CHECK(album->kind == cache::Pin::Kind::album);
  CHECK(album->album_id == "72157709876543210");
  CHECK(cli::parse_pin_path("sets/72157709876543210")->album_id == "72157709876543210");
  auto page = cli::parse_pin_path("/mnt/flickr/photostream/page-0012");
  REQUIRE(page.ok());
  CHECK(page->kind == cache::Pin::Kind::page);
  CHECK(page->page == 12);
  for (const char* bad :
       {"/mnt/flickr", "/mnt/flickr/photostream/page-0000", "/mnt/flickr/photostream/page-x",
        "/mnt/flickr/sets/Title_abc", "/mnt/flickr/other/x_1", "page-0001"}) {
    INFO(bad);
    auto pin = cli::parse_pin_path(bad);
    REQUIRE_FALSE(pin.ok());
    CHECK(pin.error().code == Errc::invalid_argument);
  }
}

TEST_CASE("cache stats, verify, pin and clear work on a real cache", "[cache]") {
  test::CacheFixture f;
  f.open_all();
  f.downloader->add("http://x/1", test::make_content(4000, 1));
  f.downloader->add("http://x/2", test::make_content(4000, 2));
  REQUIRE(f.blobs->fetch({"1", "s", "Original"}, {"http://x/1", {}}).ok());
  REQUIRE(f.blobs->fetch({"2", "s", "Original"}, {"http://x/2", {}}).ok());
  auto photo = test::sample_photo("1");
  REQUIRE(f.meta->upsert_photos({&photo, 1}, cache::PhotoSource::list));
  REQUIRE(f.meta->replace_album_photos("72157700000000001", std::vector<std::string>{"1"}, 1));
  f.close();
  const std::string dir = "--cache-dir=" + f.cache_dir();

  const std::string scratch = f.root.path() + "/stdout";
  {
    const auto [code, text] = run_captured({"stats", dir}, scratch);
    INFO(text);
    CHECK(code == 0);
    CHECK(text.find("schema version: 3\n") != std::string::npos);
    CHECK(text.find("photos:         1 ") != std::string::npos);
    CHECK(text.find("blobs:          2 (7.8 KiB)") != std::string::npos);
    CHECK(text.find("hit rate:       0.0% (0 hits, 2 misses)") != std::string::npos);
  }
  f.open_all();
  REQUIRE(f.blobs->open({"1", "s", "Original"}, {"http://x/1", {}}).ok());  // one hit
  f.close();
  {
    const auto [code, text] = run_captured({"stats", dir}, scratch);
    INFO(text);
    CHECK(text.find("hit rate:       33.3% (1 hits, 2 misses)") != std::string::npos);
  }
  CHECK(run({"verify", dir}) == 0);
  CHECK(run({"bogus", dir}) == 1);
  CHECK(run({"pin", dir}) == 1);  // PATH missing
  // --offline: only recorded (without a mount, `pin` would otherwise download right away;
  // that is tested against the emulator in tests/mount/mount_pin_test.cpp).
  CHECK(run({"pin", "/mnt/sets/Trip_72157700000000001", dir, "--offline"}) == 0);
  CHECK(run({"pin", "/mnt/photostream/page-0002", dir, "--user", "12345678@N00"}) == 0);

  {  // corrupt one blob behind the cache's back
    std::fstream file(f.blob_dir() + "/" + cache::BlobKey{"2", "s", "Original"}.file_name(),
                      std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(10);
    file.put('\x01');
  }
  CHECK(run({"verify", dir}) == 23);
  {
    const auto [code, text] = run_captured({"verify", "--repair", dir}, scratch);
    INFO(text);
    CHECK(code == 0);  // everything bad was removed
    CHECK(text.find("2 blobs: 1 bad, 1 removed, 0 could not be removed") != std::string::npos);
  }
  CHECK(run({"verify", dir}) == 0);
  CHECK_FALSE(
      ::access((f.blob_dir() + "/" + cache::BlobKey{"2", "s", "Original"}.file_name()).c_str(),
               F_OK) == 0);

  f.open_all();
  CHECK(f.meta->pins()->size() == 2);
  CHECK(f.blobs->is_cached({"1", "s", "Original"}));
  f.close();
  if (::isatty(STDIN_FILENO) == 0) CHECK(run({"clear", dir}) == 1);  // no terminal, no --yes
  CHECK(run({"unpin", "/mnt/photostream/page-0002", dir}) == 0);
  CHECK(run({"clear", "--yes", dir}) == 0);
  f.open_all();
  CHECK_FALSE(f.blobs->is_cached({"1", "s", "Original"}));
  CHECK(f.meta->counts()->photos == 0);
  CHECK(f.meta->pins()->size() == 1);
}

TEST_CASE("cache commands on an empty cache directory fail clearly", "[cache]") {
  test::TempDir dir;
  CHECK(run({"stats", "--cache-dir", dir.path() + "/none"}) != 0);
  CHECK(run({"stats", "--cache-dir", dir.path()}) != 0);
}

TEST_CASE("cache verify --repair exits 23 when a bad blob cannot be removed", "[cache]") {
  test::CacheFixture f;
  f.open_all();
  f.downloader->add("http://x/3", test::make_content(3000, 3));
  const cache::BlobKey key{"3", "s", "Original"};
  REQUIRE(f.blobs->fetch(key, {"http://x/3", {}}).ok());
  f.close();
  // A directory where the blob's file should be: unlink() fails even for root.
  const std::string path = f.blob_dir() + "/" + key.file_name();
  REQUIRE(::unlink(path.c_str()) == 0);
  REQUIRE(::mkdir(path.c_str(), 0700) == 0);
  const std::string dir = "--cache-dir=" + f.cache_dir();
  CHECK(run({"verify", dir}) == 23);
  const auto [code, text] = run_captured({"verify", "--repair", dir}, f.root.path() + "/out");
  INFO(text);
  CHECK(code == 23);
  CHECK(text.find("1 bad, 0 removed, 1 could not be removed") != std::string::npos);
  REQUIRE(::rmdir(path.c_str()) == 0);
  CHECK(run({"verify", dir}) == 0);  // its record went with the first repair
}

TEST_CASE("cache clear asks on a terminal and removes nothing unless told yes", "[cache]") {
  test::CacheFixture f;
  f.open_all();
  f.downloader->add("http://x/4", test::make_content(2000, 4));
  const cache::BlobKey key{"4", "s", "Original"};
  REQUIRE(f.blobs->fetch(key, {"http://x/4", {}}).ok());
  f.close();
  const std::string dir = "--cache-dir=" + f.cache_dir();
  CHECK(clear_answering(dir, "n") == 1);
  CHECK(clear_answering(dir, "") == 1);
  f.open_all();
  CHECK(f.blobs->is_cached(key));
  f.close();
  CHECK(clear_answering(dir, "y") == 0);
  f.open_all();
  CHECK_FALSE(f.blobs->is_cached(key));
}
