// Tests for fs/memory_policy.hpp: what it hands back leaves the RSS and nothing else changes.
#include "fs/memory_policy.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "tests/support/temp_dir.hpp"

using namespace flickrfs;
using flickrfs::cache::lmdb::Env;
using flickrfs::cache::lmdb::WriteTxn;

namespace {

// Resident file-backed pages of this process (RssFile of /proc/self/status), in KiB.
long rss_file_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("RssFile:", 0) == 0) return std::stol(line.substr(8));
  }
  return -1;
}

}  // namespace

TEST_CASE("release_mapped_pages hands the map's pages back and reads stay the same", "[fs]") {
  test::TempDir dir;
  auto env = Env::open(dir / "db.lmdb");
  REQUIRE(env.ok());
  auto db = (*env)->open_db("big");
  REQUIRE(db.ok());
  const std::string value(4000, 'v');  // one page per value
  REQUIRE((*env)->update([&](WriteTxn& txn) -> Result<void> {
    for (int i = 0; i < 4096; ++i)
      FLICKRFS_CHECK(txn.put(*db, std::to_string(100000 + i), value));
    return success();
  }));
  auto read_all = [&] {
    auto txn = (*env)->read();
    REQUIRE(txn.ok());
    std::size_t same = 0;
    for (int i = 0; i < 4096; ++i) {
      const auto got = txn->get(*db, std::to_string(100000 + i));
      if (got.ok() && got->has_value() && **got == value) ++same;
    }
    return same;
  };
  REQUIRE(rss_file_kib() >= 0);
  CHECK(read_all() == 4096);
  const long mapped = rss_file_kib();
  fs::memory_policy::release_mapped_pages(**env);
  const long released = rss_file_kib();
  INFO("RssFile after reading 16 MiB: " << mapped << " KiB, after release: " << released);
  CHECK(mapped - released > 12 * 1024);  // most of the 4,096 pages read
  CHECK(read_all() == 4096);             // mapped again from the page cache, same bytes
  CHECK(rss_file_kib() - released > 12 * 1024);
}

TEST_CASE("release_free_memory releases the map as well", "[fs]") {
  test::TempDir dir;
  auto env = Env::open(dir / "db.lmdb");
  REQUIRE(env.ok());
  auto db = (*env)->open_db("big");
  REQUIRE(db.ok());
  const std::string value(4000, 'v');
  REQUIRE((*env)->update([&](WriteTxn& txn) -> Result<void> {
    for (int i = 0; i < 2048; ++i)
      FLICKRFS_CHECK(txn.put(*db, std::to_string(100000 + i), value));
    return success();
  }));
  {
    auto txn = (*env)->read();
    REQUIRE(txn.ok());
    for (int i = 0; i < 2048; ++i) {  // compared: the value's own pages are read too
      const auto got = txn->get(*db, std::to_string(100000 + i));
      REQUIRE((got.ok() && got->has_value() && **got == value));
    }
  }
  const long mapped = rss_file_kib();
  fs::memory_policy::release_free_memory(**env);
  INFO("RssFile after reading 8 MiB: " << mapped
                                       << " KiB, after the swap hook: " << rss_file_kib());
  CHECK(mapped - rss_file_kib() > 6 * 1024);
}

TEST_CASE("bound_mapped_pages releases the map only once it is over the bound", "[fs]") {
  test::TempDir dir;
  auto env = Env::open(dir / "db.lmdb");
  REQUIRE(env.ok());
  auto db = (*env)->open_db("big");
  REQUIRE(db.ok());
  const std::string value(4000, 'v');  // one page per value
  constexpr int kValues = 24 * 1024;   // 96 MiB, over the 64 MiB bound once read
  REQUIRE((*env)->update([&](WriteTxn& txn) -> Result<void> {
    for (int i = 0; i < kValues; ++i)
      FLICKRFS_CHECK(txn.put(*db, std::to_string(100000 + i), value));
    return success();
  }));
  fs::memory_policy::release_mapped_pages(**env);
  auto read = [&](int count) {
    auto txn = (*env)->read();
    REQUIRE(txn.ok());
    for (int i = 0; i < count; ++i) {  // compared: the value's own pages are read too
      const auto got = txn->get(*db, std::to_string(100000 + i));
      REQUIRE((got.ok() && got->has_value() && **got == value));
    }
  };
  read(1024);  // 4 MiB: under the bound, kept
  const long small = rss_file_kib();
  CHECK_FALSE(fs::memory_policy::bound_mapped_pages(**env));
  CHECK(rss_file_kib() >= small - 1024);
  read(kValues);
  const long large = rss_file_kib();
  INFO("RssFile after reading 96 MiB: " << large << " KiB");
  REQUIRE(large > 64 * 1024);
  CHECK(fs::memory_policy::bound_mapped_pages(**env));
  CHECK(rss_file_kib() < large - 64 * 1024);
}
