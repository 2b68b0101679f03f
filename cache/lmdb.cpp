// See lmdb.hpp. This is the only file that includes <lmdb.h> and sees MDB_* codes.
#include "cache/lmdb.hpp"

#include <lmdb.h>

#include <cerrno>
#include <cinttypes>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace flickrfs::cache::lmdb {

namespace {

// Transactions alive on this thread; update() refuses to run while one is (rule 4).
thread_local int t_live_txns = 0;

MDB_val to_val(std::string_view bytes) {
  return MDB_val{bytes.size(), const_cast<char*>(bytes.data())};  // LMDB never writes it
}

std::string_view to_view(const MDB_val& val) {
  return {static_cast<const char*>(val.mv_data), val.mv_size};
}

Error lmdb_error(int rc, std::string_view what) {
  std::string message = std::string(what) + ": " + mdb_strerror(rc);
  switch (rc) {
    case MDB_MAP_FULL:
    case ENOSPC:
    case EDQUOT:
      return Error{Errc::no_space, "LMDB " + message, rc > 0 ? rc : 0, 0, false};
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
      return make_error(Errc::corrupt, "LMDB " + message);
    case EACCES:
    case EROFS:
      return Error{Errc::permission, "LMDB " + message, rc, 0, false};
    default:
      return Error{Errc::io, "LMDB " + message, rc > 0 ? rc : 0, 0, false};
  }
}

}  // namespace

// ---- ReadTxn -----------------------------------------------------------------------------

ReadTxn::ReadTxn(MDB_txn* txn, std::shared_lock<std::shared_mutex> resize_guard)
    : m_txn(txn), m_resize_guard(std::move(resize_guard)) {
  ++t_live_txns;
}

ReadTxn::ReadTxn(ReadTxn&& other) noexcept
    : m_txn(std::exchange(other.m_txn, nullptr)), m_resize_guard(std::move(other.m_resize_guard)) {}

ReadTxn& ReadTxn::operator=(ReadTxn&& other) noexcept {
  if (this != &other) {
    reset();
    m_txn = std::exchange(other.m_txn, nullptr);
    m_resize_guard = std::move(other.m_resize_guard);
  }
  return *this;
}

ReadTxn::~ReadTxn() {
  reset();
}

void ReadTxn::reset() noexcept {
  if (m_txn != nullptr) {
    mdb_txn_abort(m_txn);
    m_txn = nullptr;
    --t_live_txns;
  }
  if (m_resize_guard.owns_lock()) m_resize_guard.unlock();
}

Result<std::optional<std::string_view>> ReadTxn::get(Dbi db, std::string_view key) const {
  MDB_val k = to_val(key);
  MDB_val v{};
  int rc = mdb_get(m_txn, db, &k, &v);
  if (rc == MDB_NOTFOUND) return std::optional<std::string_view>{};
  if (rc != 0) return lmdb_error(rc, "get");
  return std::optional<std::string_view>{to_view(v)};
}

Result<std::uint64_t> ReadTxn::count(Dbi db) const {
  MDB_stat stat{};
  if (int rc = mdb_stat(m_txn, db, &stat); rc != 0) return lmdb_error(rc, "stat");
  return std::uint64_t{stat.ms_entries};
}

// ---- WriteTxn ----------------------------------------------------------------------------

Result<void> WriteTxn::put(Dbi db, std::string_view key, std::string_view value) {
  MDB_val k = to_val(key);
  MDB_val v = to_val(value);
  if (int rc = mdb_put(m_txn, db, &k, &v, 0); rc != 0) {
    m_map_full = rc == MDB_MAP_FULL;
    return lmdb_error(rc, "put");
  }
  return success();
}

Result<bool> WriteTxn::put_if_changed(Dbi db, std::string_view key, std::string_view value) {
  FLICKRFS_TRY(const auto stored, get(db, key));
  if (stored && *stored == value) return false;
  FLICKRFS_CHECK(put(db, key, value));
  return true;
}

Result<bool> WriteTxn::del(Dbi db, std::string_view key) {
  MDB_val k = to_val(key);
  int rc = mdb_del(m_txn, db, &k, nullptr);
  if (rc == MDB_NOTFOUND) return false;
  if (rc != 0) return lmdb_error(rc, "del");
  return true;
}

Result<void> WriteTxn::clear(Dbi db) {
  if (int rc = mdb_drop(m_txn, db, 0); rc != 0) return lmdb_error(rc, "clear");
  return success();
}

Result<void> WriteTxn::drop(Dbi db) {
  if (int rc = mdb_drop(m_txn, db, 1); rc != 0) return lmdb_error(rc, "drop");
  return success();
}

Result<void> WriteTxn::commit() {
  MDB_txn* txn = std::exchange(m_txn, nullptr);
  --t_live_txns;
  if (m_resize_guard.owns_lock()) m_resize_guard.unlock();
  if (int rc = mdb_txn_commit(txn); rc != 0) {  // the txn is freed even on failure
    m_map_full = rc == MDB_MAP_FULL;
    return lmdb_error(rc, "commit");
  }
  return success();
}

// ---- Cursor ------------------------------------------------------------------------------

Result<Cursor> Cursor::open(const ReadTxn& txn, Dbi db) {
  MDB_cursor* cursor = nullptr;
  if (int rc = mdb_cursor_open(txn.handle(), db, &cursor); rc != 0) {
    return lmdb_error(rc, "cursor open");
  }
  return Cursor(cursor);
}

Cursor::Cursor(Cursor&& other) noexcept : m_cursor(std::exchange(other.m_cursor, nullptr)) {}

Cursor::~Cursor() {
  if (m_cursor != nullptr) mdb_cursor_close(m_cursor);
}

Result<std::optional<Cursor::Entry>> Cursor::step(int op, std::string_view key) {
  MDB_val k = to_val(key);
  MDB_val v{};
  int rc = mdb_cursor_get(m_cursor, &k, &v, static_cast<MDB_cursor_op>(op));
  if (rc == MDB_NOTFOUND) return std::optional<Entry>{};
  if (rc != 0) return lmdb_error(rc, "cursor get");
  return std::optional<Entry>{Entry{to_view(k), to_view(v)}};
}

Result<std::optional<Cursor::Entry>> Cursor::first() {
  return step(MDB_FIRST, {});
}
Result<std::optional<Cursor::Entry>> Cursor::next() {
  return step(MDB_NEXT, {});
}
Result<std::optional<Cursor::Entry>> Cursor::seek(std::string_view key) {
  return step(MDB_SET_RANGE, key);
}

// ---- Env ---------------------------------------------------------------------------------

Env::Env(MDB_env* env, std::string path, Options options)
    : m_env(env), m_path(std::move(path)), m_options(options) {
  MDB_envinfo info{};
  mdb_env_info(m_env, &info);
  m_map_size = info.me_mapsize;
}

Env::~Env() {
  mdb_env_close(m_env);
}

Result<std::shared_ptr<Env>> Env::open(const std::string& path, Options options) {
  MDB_env* env = nullptr;
  if (int rc = mdb_env_create(&env); rc != 0) return lmdb_error(rc, "env create");
  auto fail = [&](int rc, std::string_view what) {
    mdb_env_close(env);
    return lmdb_error(rc, std::string(what) + " " + path);
  };
  if (int rc = mdb_env_set_maxdbs(env, options.max_dbs); rc != 0) return fail(rc, "maxdbs");
  if (int rc = mdb_env_set_maxreaders(env, options.max_readers); rc != 0) {
    return fail(rc, "maxreaders");
  }
  if (int rc = mdb_env_set_mapsize(env, options.initial_map_size); rc != 0) {
    return fail(rc, "mapsize");
  }
  unsigned flags = MDB_NOSUBDIR | MDB_NOTLS | (options.sync_commits ? 0u : unsigned{MDB_NOSYNC});
  if (int rc = mdb_env_open(env, path.c_str(), flags, 0600); rc != 0) {
    return fail(rc, "open");
  }
  return std::shared_ptr<Env>(new Env(env, path, options));
}

void Env::for_each_mapping(const std::function<void(void*, std::size_t)>& visit) const {
  // LMDB tells the map's address only for MDB_FIXEDMAP; /proc/self/maps names the mapping of
  // the data file (rule 7: one Env per file and process, so there is exactly one).
  char canonical[PATH_MAX];
  if (::realpath(m_path.c_str(), canonical) == nullptr) return;
  std::shared_lock resize_guard(m_resize);  // the map is not moved while it is visited
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    const auto path_at = line.find('/');
    if (path_at == std::string::npos || line.compare(path_at, std::string::npos, canonical) != 0) {
      continue;
    }
    std::uintptr_t begin = 0;
    std::uintptr_t end = 0;
    if (std::sscanf(line.c_str(), "%" SCNxPTR "-%" SCNxPTR, &begin, &end) != 2) continue;
    visit(reinterpret_cast<void*>(begin), end - begin);
  }
}

Result<Dbi> Env::open_db(const std::string& name) {
  Dbi dbi = 0;
  Result<void> done = update([&](WriteTxn& txn) -> Result<void> {
    if (int rc = mdb_dbi_open(txn.handle(), name.c_str(), MDB_CREATE, &dbi); rc != 0) {
      return lmdb_error(rc, "open database " + name);
    }
    return success();
  });
  if (!done) return std::move(done).error();
  return dbi;
}

Result<ReadTxn> Env::read() const {
  for (int attempt = 0; attempt < 2; ++attempt) {
    // New readers queue behind a pending growth (m_gate), otherwise a steady stream of
    // readers would starve it (the rwlock prefers readers). A nested reader on a thread that
    // already holds a txn skips the gate: the grower waits for that thread's first txn, so
    // blocking the second one would deadlock; the reader-preferring rwlock lets it in.
    std::shared_lock<std::shared_mutex> guard(m_resize, std::defer_lock);
    if (t_live_txns == 0) {
      std::lock_guard<std::mutex> gate(m_gate);
      guard.lock();
    } else {
      guard.lock();
    }
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(m_env, nullptr, MDB_RDONLY, &txn);
    if (rc == 0) return ReadTxn(txn, std::move(guard));
    if (rc != MDB_MAP_RESIZED) return lmdb_error(rc, "begin read");
    // Another process grew the map: adopt its size, then retry.
    guard.unlock();
    if (t_live_txns > 0) return lmdb_error(rc, "begin read (another txn open on this thread)");
    std::unique_lock<std::mutex> writer(m_writer);
    FLICKRFS_CHECK(adopt_resized_map());
  }
  return make_error(Errc::io, "LMDB: map kept being resized by another process");
}

Result<void> Env::adopt_resized_map() const {
  std::lock_guard<std::mutex> gate(m_gate);
  std::unique_lock<std::shared_mutex> exclusive(m_resize);
  if (int rc = mdb_env_set_mapsize(m_env, 0); rc != 0) return lmdb_error(rc, "adopt map size");
  MDB_envinfo info{};
  mdb_env_info(m_env, &info);
  m_map_size = info.me_mapsize;
  return success();
}

Result<void> Env::grow_map(std::unique_lock<std::mutex>& /*writer held*/) {
  std::size_t current = m_map_size.load();
  if (current >= m_options.max_map_size) {
    return make_error(Errc::no_space, "LMDB map of " + m_path + " reached its limit of " +
                                          std::to_string(m_options.max_map_size) + " bytes");
  }
  std::size_t next = std::min(current * 2, m_options.max_map_size);
  std::lock_guard<std::mutex> gate(m_gate);                 // no new readers from now on
  std::unique_lock<std::shared_mutex> exclusive(m_resize);  // waits for every live txn
  if (int rc = mdb_env_set_mapsize(m_env, next); rc != 0) return lmdb_error(rc, "grow map");
  MDB_envinfo info{};
  mdb_env_info(m_env, &info);
  m_map_size = info.me_mapsize;
  return success();
}

Result<void> Env::update(const std::function<Result<void>(WriteTxn&)>& body) {
  if (t_live_txns > 0) {
    return make_error(Errc::internal, "LMDB write started while this thread holds a read txn");
  }
  std::unique_lock<std::mutex> writer(m_writer);
  for (int attempt = 0; attempt < 64; ++attempt) {
    std::shared_lock<std::shared_mutex> guard(m_resize);
    MDB_txn* raw = nullptr;
    int rc = mdb_txn_begin(m_env, nullptr, 0, &raw);
    if (rc == MDB_MAP_RESIZED) {
      guard.unlock();
      FLICKRFS_CHECK(adopt_resized_map());
      continue;
    }
    if (rc != 0) return lmdb_error(rc, "begin write");
    WriteTxn txn(raw, std::move(guard));
    Result<void> result = body(txn);
    if (result) result = txn.commit();
    if (result) return result;
    txn.reset();  // aborts if the body failed; a failed commit already freed the txn
    if (!txn.m_map_full) return result;
    FLICKRFS_CHECK(grow_map(writer));
  }
  return make_error(Errc::no_space, "LMDB: transaction does not fit after growing the map");
}

}  // namespace flickrfs::cache::lmdb
