// Tests for fs/memory_policy.hpp: what it hands back leaves the RSS and nothing else changes.
#include "fs/memory_policy.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <memory>
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

// A database of `count` values of one page each (4,000 bytes), keys "100000" on.
class PageDb {
 public:
  explicit PageDb(int count) : m_count(count) {
    auto env = Env::open(m_dir / "db.lmdb");
    REQUIRE(env.ok());
    m_env = std::move(*env);
    auto db = m_env->open_db("big");
    REQUIRE(db.ok());
    m_db = *db;
    REQUIRE(m_env->update([&](WriteTxn& txn) -> Result<void> {
      for (int i = 0; i < m_count; ++i)
        FLICKRFS_CHECK(txn.put(m_db, std::to_string(100000 + i), m_value));
      return success();
    }));
  }
  [[nodiscard]] const Env& env() const { return *m_env; }
  // Reads the first `count` values (all by default); how many had the bytes written.
  std::size_t read(int count = -1) const {
    auto txn = m_env->read();
    REQUIRE(txn.ok());
    std::size_t same = 0;
    for (int i = 0; i < (count < 0 ? m_count : count); ++i) {
      // Compared: the value's own pages are read too.
      const auto got = txn->get(m_db, std::to_string(100000 + i));
      if (got.ok() && got->has_value() && **got == m_value) ++same;
    }
    return same;
  }

 private:
  test::TempDir m_dir;
  int m_count;
  const std::string m_value = std::string(4000, 'v');
  std::shared_ptr<Env> m_env;
  cache::lmdb::Dbi m_db{};
};

}  // namespace

TEST_CASE("release_mapped_pages hands the map's pages back and reads stay the same", "[fs]") {
  const PageDb db(4096);
  REQUIRE(rss_file_kib() >= 0);
  CHECK(db.read() == 4096);
  const long mapped = rss_file_kib();
  fs::memory_policy::release_mapped_pages(db.env());
  const long released = rss_file_kib();
  INFO("RssFile after reading 16 MiB: " << mapped << " KiB, after release: " << released);
  CHECK(mapped - released > 12 * 1024);  // most of the 4,096 pages read
  CHECK(db.read() == 4096);              // mapped again from the page cache, same bytes
  CHECK(rss_file_kib() - released > 12 * 1024);
}

TEST_CASE("release_free_memory releases the map as well", "[fs]") {
  const PageDb db(2048);
  REQUIRE(db.read() == 2048);
  const long mapped = rss_file_kib();
  fs::memory_policy::release_free_memory(db.env());
  INFO("RssFile after reading 8 MiB: " << mapped
                                       << " KiB, after the swap hook: " << rss_file_kib());
  CHECK(mapped - rss_file_kib() > 6 * 1024);
}

TEST_CASE("bound_mapped_pages releases the map only once it is over the bound", "[fs]") {
  const PageDb db(24 * 1024);  // 96 MiB, over the 64 MiB bound once read
  fs::memory_policy::release_mapped_pages(db.env());
  REQUIRE(db.read(1024) == 1024);  // 4 MiB: under the bound, kept
  const long small = rss_file_kib();
  CHECK_FALSE(fs::memory_policy::bound_mapped_pages(db.env()));
  CHECK(rss_file_kib() >= small - 1024);
  REQUIRE(db.read() == 24 * 1024);
  const long large = rss_file_kib();
  INFO("RssFile after reading 96 MiB: " << large << " KiB");
  REQUIRE(large > 64 * 1024);
  CHECK(fs::memory_policy::bound_mapped_pages(db.env()));
  CHECK(rss_file_kib() < large - 64 * 1024);
}
