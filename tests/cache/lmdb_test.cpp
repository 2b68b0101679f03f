// Tests for cache/lmdb.hpp: values, cursors, MAP_FULL growth, the thread rule.
#include "cache/lmdb.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <thread>

#include "tests/support/temp_dir.hpp"

using namespace flickrfs;
using flickrfs::cache::lmdb::Env;
using flickrfs::cache::lmdb::WriteTxn;

TEST_CASE("lmdb stores, reads and iterates values in key order", "[cache]") {
  test::TempDir dir;
  auto env = Env::open(dir / "db.lmdb");
  REQUIRE(env.ok());
  auto db = (*env)->open_db("things");
  REQUIRE(db.ok());
  REQUIRE((*env)->update([&](WriteTxn& txn) -> Result<void> {
    FLICKRFS_CHECK(txn.put(*db, "b", "2"));
    FLICKRFS_CHECK(txn.put(*db, "a", "1"));
    return txn.put(*db, "c", std::string("3\0x", 3));
  }));
  auto txn = (*env)->read();
  REQUIRE(txn.ok());
  auto value = txn->get(*db, "c");
  REQUIRE(value.ok());
  REQUIRE(value->has_value());
  CHECK(**value == std::string("3\0x", 3));
  CHECK_FALSE(txn->get(*db, "zz")->has_value());  // NOTFOUND is an empty optional
  CHECK(*txn->count(*db) == 3);
  auto cursor = cache::lmdb::Cursor::open(*txn, *db);
  REQUIRE(cursor.ok());
  std::string keys;
  for (auto entry = cursor->first(); entry.ok() && entry->has_value(); entry = cursor->next()) {
    keys += (*entry)->key;
  }
  CHECK(keys == "abc");
  auto seek = cursor->seek("bb");
  REQUIRE(seek->has_value());
  CHECK((*seek)->key == "c");
}

TEST_CASE("lmdb put_if_changed writes only bytes not stored yet", "[cache]") {
  test::TempDir dir;
  auto env = Env::open(dir / "db.lmdb");
  REQUIRE(env.ok());
  auto db = (*env)->open_db("things");
  REQUIRE(db.ok());
  std::vector<bool> wrote;
  REQUIRE((*env)->update([&](WriteTxn& txn) -> Result<void> {
    wrote.clear();  // a body may run again after the map grew
    for (const char* value : {"1", "1", "2"}) {
      FLICKRFS_TRY(const bool put, txn.put_if_changed(*db, "a", value));
      wrote.push_back(put);
    }
    FLICKRFS_TRY(const bool embedded_nul, txn.put_if_changed(*db, "b", std::string("x\0y", 3)));
    wrote.push_back(embedded_nul);
    FLICKRFS_TRY(const bool again, txn.put_if_changed(*db, "b", std::string("x\0z", 3)));
    wrote.push_back(again);
    return success();
  }));
  // A new key, the same value, a new value; then values differing after an embedded NUL.
  CHECK(wrote == std::vector<bool>{true, false, true, true, true});
  auto txn = (*env)->read();
  REQUIRE(txn.ok());
  CHECK(**txn->get(*db, "a") == "2");
  CHECK(**txn->get(*db, "b") == std::string("x\0z", 3));
}

TEST_CASE("lmdb aborts a write whose body fails", "[cache]") {
  test::TempDir dir;
  auto env = Env::open(dir / "db.lmdb");
  auto db = (*env)->open_db("things");
  auto result = (*env)->update([&](WriteTxn& txn) -> Result<void> {
    FLICKRFS_CHECK(txn.put(*db, "a", "1"));
    return make_error(Errc::io, "changed my mind");
  });
  CHECK_FALSE(result.ok());
  CHECK_FALSE((*env)->read()->get(*db, "a")->has_value());
}

TEST_CASE("lmdb grows the map on MDB_MAP_FULL and keeps every value", "[cache]") {
  test::TempDir dir;
  Env::Options options;
  options.initial_map_size = 64 * 1024;
  auto env = Env::open(dir / "db.lmdb", options);
  REQUIRE(env.ok());
  auto db = (*env)->open_db("big");
  std::string value(100 * 1024, 'x');
  for (int i = 0; i < 40; ++i) {  // 4 MB through a 64 KiB map
    auto put = (*env)->update(
        [&](WriteTxn& txn) { return txn.put(*db, "key" + std::to_string(i), value); });
    REQUIRE(put.ok());
  }
  CHECK((*env)->map_size() >= 4u * 1024 * 1024);
  auto txn = (*env)->read();
  for (int i = 0; i < 40; ++i)
    CHECK(txn->get(*db, "key" + std::to_string(i))->value() == value);
}

TEST_CASE("lmdb refuses the map limit with no_space", "[cache]") {
  test::TempDir dir;
  Env::Options options;
  options.initial_map_size = 64 * 1024;
  options.max_map_size = 256 * 1024;
  auto env = Env::open(dir / "db.lmdb", options);
  auto db = (*env)->open_db("big");
  auto put = (*env)->update(
      [&](WriteTxn& txn) { return txn.put(*db, "k", std::string(1024 * 1024, 'y')); });
  REQUIRE_FALSE(put.ok());
  CHECK(put.error().code == Errc::no_space);
}

TEST_CASE("lmdb refuses a write while the thread holds a read txn", "[cache]") {
  test::TempDir dir;
  auto env = Env::open(dir / "db.lmdb");
  auto db = (*env)->open_db("t");
  {
    auto txn = (*env)->read();
    auto put = (*env)->update([&](WriteTxn& w) { return w.put(*db, "a", "b"); });
    REQUIRE_FALSE(put.ok());
    CHECK(put.error().code == Errc::internal);
  }
  CHECK((*env)->update([&](WriteTxn& w) { return w.put(*db, "a", "b"); }).ok());
}

TEST_CASE("lmdb readers on many threads see committed snapshots during writes", "[cache]") {
  test::TempDir dir;
  auto env =
      Env::open(dir / "db.lmdb", Env::Options{64 * 1024, std::size_t{1} << 30, 8, 64, false});
  auto db = (*env)->open_db("t");
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 8; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        auto txn = (*env)->read();
        if (!txn) continue;
        auto a = txn->get(*db, "a");
        auto b = txn->get(*db, "b");
        if (a.ok() && b.ok() && a->value_or("") != b->value_or("")) bad += 1;  // same txn
      }
    });
  }
  for (int i = 0; i < 200; ++i) {  // values grow, so the map grows under the readers
    std::string v(static_cast<std::size_t>(i) * 512, static_cast<char>('a' + i % 26));
    REQUIRE((*env)->update([&](WriteTxn& w) -> Result<void> {
      FLICKRFS_CHECK(w.put(*db, "a", v));
      FLICKRFS_CHECK(w.put(*db, "b", v));
      return w.put(*db, "filler" + std::to_string(i), v);
    }));
  }
  stop = true;
  for (auto& r : readers)
    r.join();
  CHECK(bad == 0);
}

TEST_CASE("for_each_mapping visits the whole map of the data file", "[cache]") {
  test::TempDir dir;
  auto env = Env::open(dir / "db.lmdb");
  REQUIRE(env.ok());
  REQUIRE((*env)->open_db("things").ok());
  std::size_t mapped = 0;
  std::size_t visits = 0;
  (*env)->for_each_mapping([&](void* begin, std::size_t length) {
    CHECK(begin != nullptr);
    mapped += length;
    ++visits;
  });
  CHECK(visits >= 1);
  CHECK(mapped == (*env)->map_size());
}
