#pragma once
// RAII wrapper around LMDB (liblmdb): environment, read and write transactions, cursors.
// The public header does not include <lmdb.h>; MDB_* codes never leave cache/lmdb.cpp (every
// failure becomes a flickrfs::Error: MDB_MAP_FULL that cannot be grown and ENOSPC are
// Errc::no_space, MDB_CORRUPTED / MDB_PAGE_NOTFOUND / MDB_INVALID are Errc::corrupt, the rest
// Errc::io with the LMDB message).
//
// LMDB rules, as this project applies them (lmdb.h "Caveats"):
// 1. One write transaction at a time. LMDB serialises writers itself; Env::update() also
//    takes an in-process mutex so the map can be grown between attempts. Write through
//    Env::update() only: it retries the whole transaction after MDB_MAP_FULL with a doubled
//    map, so the callback must be idempotent (compute from what it reads in the txn).
// 2. Read transactions are short: one per operation (per FUSE request, per store call). Never
//    hold one across a network call, a download, a sleep or a user prompt: a live reader
//    pins old pages, so the file grows while it is open, and it blocks map growth (which
//    needs every transaction of this process ended).
// 3. No transaction is used by two threads, nor moved to another thread. The env is opened
//    with MDB_NOTLS anyway: read slots then belong to the ReadTxn object instead of the
//    thread, so a thread may hold a ReadTxn while a helper it calls opens another one (LMDB
//    without MDB_NOTLS forbids two transactions per thread and would fail with
//    MDB_BAD_RSLOT), and FUSE worker threads that come and go do not leak reader slots.
// 4. Never call Env::update() while this thread holds a ReadTxn: growth would wait for that
//    reader forever. update() detects it (thread-local count) and returns Errc::internal.
// 5. Values returned by get() and cursors are views into the memory map: they die with the
//    transaction (and, in a write txn, at the next put/del). Copy what must outlive it.
// 6. A cursor lives inside the scope of its transaction (a Cursor borrows the txn and must be
//    destroyed first; lmdbxx's double free when a cursor outlives commit cannot happen).
// 7. Never open the same env twice in one process (share the Env through shared_ptr), never
//    use an Env after fork() (a child opens its own), never put it on a network filesystem.
//    Other processes (e.g. `flickrfs cache stats` next to a mount) may open it concurrently.
//
// Thread contract: Env is thread-safe. ReadTxn, WriteTxn and Cursor are confined to the
// thread that created them.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>

#include "base/result.hpp"

struct MDB_env;
struct MDB_txn;
struct MDB_cursor;

namespace flickrfs::cache::lmdb {

using Dbi = unsigned int;  // an open named database (MDB_dbi)

class Env;

// A read-only snapshot. Move-only; the destructor aborts (ends) it.
class ReadTxn {
 public:
  ReadTxn(ReadTxn&& other) noexcept;
  ReadTxn& operator=(ReadTxn&& other) noexcept;
  ReadTxn(const ReadTxn&) = delete;
  ReadTxn& operator=(const ReadTxn&) = delete;
  ~ReadTxn();

  // The value stored under `key`, or nullopt. The view dies with the transaction.
  [[nodiscard]] Result<std::optional<std::string_view>> get(Dbi db, std::string_view key) const;
  // Number of entries in `db`.
  [[nodiscard]] Result<std::uint64_t> count(Dbi db) const;

  [[nodiscard]] MDB_txn* handle() const { return m_txn; }

 protected:
  friend class Env;
  ReadTxn(MDB_txn* txn, std::shared_lock<std::shared_mutex> resize_guard);
  void reset() noexcept;  // aborts if still open

  MDB_txn* m_txn = nullptr;
  std::shared_lock<std::shared_mutex> m_resize_guard;  // keeps map growth out while alive
};

// A write transaction, only handed out inside Env::update(). The destructor aborts unless
// commit() succeeded; update() commits for you when the callback succeeds.
class WriteTxn : public ReadTxn {
 public:
  [[nodiscard]] Result<void> put(Dbi db, std::string_view key, std::string_view value);
  // put() unless `key` already holds these bytes (an equal put still dirties its pages);
  // true when it wrote.
  [[nodiscard]] Result<bool> put_if_changed(Dbi db, std::string_view key, std::string_view value);
  // Removes `key`; false if it was not there.
  [[nodiscard]] Result<bool> del(Dbi db, std::string_view key);
  // Removes every entry of `db` (keeps the database itself).
  [[nodiscard]] Result<void> clear(Dbi db);
  // Deletes the database `db` itself (schema migrations); its handle is closed on commit.
  [[nodiscard]] Result<void> drop(Dbi db);

 private:
  friend class Env;
  using ReadTxn::ReadTxn;
  [[nodiscard]] Result<void> commit();
  bool m_map_full = false;  // a put or the commit hit MDB_MAP_FULL: update() grows and retries
};

// Iterates one database inside a transaction. Borrows the txn: destroy the cursor first.
class Cursor {
 public:
  struct Entry {
    std::string_view key;
    std::string_view value;  // views die with the transaction
  };

  [[nodiscard]] static Result<Cursor> open(const ReadTxn& txn, Dbi db);
  Cursor(Cursor&& other) noexcept;
  Cursor& operator=(Cursor&&) = delete;
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  ~Cursor();

  // Each returns nullopt at the end (or for an empty database).
  [[nodiscard]] Result<std::optional<Entry>> first();
  [[nodiscard]] Result<std::optional<Entry>> next();
  // First entry whose key is >= `key`.
  [[nodiscard]] Result<std::optional<Entry>> seek(std::string_view key);

 private:
  explicit Cursor(MDB_cursor* cursor) : m_cursor(cursor) {}
  [[nodiscard]] Result<std::optional<Entry>> step(int op, std::string_view key);
  MDB_cursor* m_cursor = nullptr;
};

class Env {
 public:
  struct Options {
    std::size_t initial_map_size = std::size_t{64} << 20;  // grows by doubling on MAP_FULL
    std::size_t max_map_size = std::size_t{64} << 30;      // beyond this: Errc::no_space
    unsigned max_dbs = 32;
    unsigned max_readers = 256;  // FUSE threads + refresher + mirror jobs, with room
    // false: MDB_NOSYNC, commits are not fsynced (a crash of the machine, not of the process,
    // may lose the last commits). Only for tests that measure or stress, never for caches.
    bool sync_commits = true;
  };

  // Opens (creating) the environment stored in the single file `path` (MDB_NOSUBDIR; LMDB
  // adds `path`-lock next to it), mode 0600, with MDB_NOTLS.
  [[nodiscard]] static Result<std::shared_ptr<Env>> open(const std::string& path, Options options);
  [[nodiscard]] static Result<std::shared_ptr<Env>> open(const std::string& path) {
    return open(path, Options{});
  }
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;
  ~Env();

  // Opens (creating) the named database `name`. Call before concurrent use (at store open).
  [[nodiscard]] Result<Dbi> open_db(const std::string& name);

  [[nodiscard]] Result<ReadTxn> read() const;

  // Runs `body` in a write transaction and commits it if body succeeds; aborts otherwise
  // and returns body's error. On MDB_MAP_FULL (from a put or the commit) aborts, doubles
  // the map (up to max_map_size) and runs body again. See rule 1 and 4 above.
  [[nodiscard]] Result<void> update(const std::function<Result<void>(WriteTxn&)>& body);

  [[nodiscard]] std::size_t map_size() const { return m_map_size.load(); }
  // Calls `visit(begin, length)` for each mapping of the data file in this process, while a
  // resize cannot move the map. LMDB's map is read-only and shared (this Env never sets
  // MDB_WRITEMAP), so the memory policy may advise its pages away (fs/memory_policy.hpp)
  // and live readers' views keep their content.
  void for_each_mapping(const std::function<void(void* begin, std::size_t length)>& visit) const;
  [[nodiscard]] const std::string& path() const { return m_path; }

 private:
  Env(MDB_env* env, std::string path, Options options);
  [[nodiscard]] Result<void> grow_map(std::unique_lock<std::mutex>& writer);
  [[nodiscard]] Result<void> adopt_resized_map() const;

  MDB_env* m_env = nullptr;
  std::string m_path;
  Options m_options;
  mutable std::atomic<std::size_t> m_map_size{0};
  // Lock order: m_writer before m_resize. Readers take m_resize shared for their whole
  // lifetime; growth takes it exclusively (with m_writer held) so no txn is alive.
  mutable std::mutex m_writer;
  mutable std::shared_mutex m_resize;
  // Taken by growth for its whole duration and briefly by each new (outermost) reader, so
  // growth is not starved by a stream of readers. Lock order: m_writer, m_gate, m_resize.
  mutable std::mutex m_gate;
};

}  // namespace flickrfs::cache::lmdb
