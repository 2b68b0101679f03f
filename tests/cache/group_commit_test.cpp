// Tests for cache/group_commit.hpp: writes queued while a transaction runs share the next one,
// each caller returns after its own write committed, and a failing write fails only its caller.
#include "cache/group_commit.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/temp_dir.hpp"

using namespace flickrfs;
using cache::lmdb::Env;
using cache::lmdb::GroupCommit;
using cache::lmdb::WriteTxn;

namespace {

struct Store {
  test::TempDir dir;
  std::shared_ptr<Env> env;
  cache::lmdb::Dbi db = 0;
  Store() {
    auto opened = Env::open(dir / "db.lmdb");
    REQUIRE(opened.ok());
    env = *opened;
    auto named = env->open_db("things");
    REQUIRE(named.ok());
    db = *named;
  }
  // Called from several threads: no Catch2 assertion in here (they are not thread-safe).
  [[nodiscard]] std::optional<std::string> get(const std::string& key) const {
    auto txn = env->read();
    if (!txn.ok()) return "(read failed)";
    auto value = txn->get(db, key);
    if (!value.ok()) return "(get failed)";
    if (!value->has_value()) return std::nullopt;
    return std::string(**value);
  }
};

// Runs `callers` threads that each store key<i>; caller 0's write holds its transaction open
// until the others have queued, so they all land in the second transaction. `fails` names a
// caller whose write returns an error. Returns each caller's result.
std::vector<Result<void>> run_queued_behind_first(Store& store, GroupCommit& group, int callers,
                                                  int fails = -1) {
  std::vector<Result<void>> results(callers, success());
  std::atomic<bool> first_running{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < callers; ++i) {
    threads.emplace_back([&, i] {
      while (i > 0 && !first_running.load())  // caller 0 leads; the others queue behind it
        std::this_thread::yield();
      results[i] = group.update([&, i](WriteTxn& txn) -> Result<void> {
        if (i == 0 && !first_running.exchange(true)) {
          while (group.queued() < std::size_t(callers - 1))
            std::this_thread::yield();
        }
        if (i == fails) return make_error(Errc::invalid_argument, "caller refuses");
        return txn.put(store.db, "key" + std::to_string(i), "value" + std::to_string(i));
      });
      // Committed before update() returned: a new read transaction sees it.
      if (results[i].ok() && store.get("key" + std::to_string(i)) != "value" + std::to_string(i))
        results[i] = make_error(Errc::internal, "not visible after update returned");
    });
  }
  for (auto& thread : threads)
    thread.join();
  return results;
}

}  // namespace

TEST_CASE("group commit: writes queued behind a running transaction share the next one",
          "[cache][group_commit]") {
  Store store;
  GroupCommit group(store.env);
  const auto results = run_queued_behind_first(store, group, 8);
  for (const auto& result : results)
    CHECK(result.ok());
  CHECK(group.writes() == 8);
  CHECK(group.transactions() == 2);  // caller 0's, then the seven queued behind it together
  CHECK(group.queued() == 0);
}

TEST_CASE("group commit: a failing write fails its caller only", "[cache][group_commit]") {
  Store store;
  GroupCommit group(store.env);
  const auto results = run_queued_behind_first(store, group, 6, 3);
  for (int i = 0; i < 6; ++i) {
    INFO("caller " << i);
    CHECK(results[i].ok() == (i != 3));
    CHECK(store.get("key" + std::to_string(i)).has_value() == (i != 3));
  }
  CHECK(results[3].error().code == Errc::invalid_argument);
}

TEST_CASE("group commit: a lone write commits at once", "[cache][group_commit]") {
  Store store;
  GroupCommit group(store.env);
  REQUIRE(group.update([&](WriteTxn& txn) { return txn.put(store.db, "a", "1"); }));
  CHECK(store.get("a") == "1");
  CHECK(group.transactions() == 1);
  CHECK(group.writes() == 1);
}
