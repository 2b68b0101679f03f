#pragma once
// GroupCommit: many threads' small independent writes share one LMDB write transaction, and so
// one fsync. Every commit of a synced env costs two fdatasyncs (data, then meta page) and
// LMDB runs one writer at a time, so a cold `ls -l` of a 500-photo page, whose 16 probe
// threads each stored one byte size in its own transaction, waited on 500 serialized commits:
// about 4.5 ms each on a VM disk, 2.3 s in all, more than the probes' own round trips.
//
// Leader and followers: a caller queues its write in the open batch; if no commit is running
// it becomes the leader, closes the batch and commits it in one Env::update(); callers that
// queue meanwhile wait, and the next of them commits the next batch. Each caller returns once
// the transaction holding its write committed, so what it stored is durable when it returns,
// as with Env::update(). When a batch fails (one write's error aborts the transaction), the
// leader runs each write of it in a transaction of its own, so a caller gets its own result.
//
// A write runs on the leader's thread, inside Env::update(): it must be idempotent (the update
// may be retried after the map grows) and must not open a read transaction (LMDB rule 4 in
// lmdb.hpp). It may refer to the caller's locals: the caller waits until it has run.
//
// Thread contract: thread-safe. Lock order: m_mutex is never held during a transaction.

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "base/result.hpp"
#include "cache/lmdb.hpp"

namespace flickrfs::cache::lmdb {

class GroupCommit {
 public:
  using Write = std::function<Result<void>(WriteTxn&)>;

  explicit GroupCommit(std::shared_ptr<Env> env) : m_env(std::move(env)) {}
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Runs `write` in a write transaction shared with other callers'; returns once it committed.
  [[nodiscard]] Result<void> update(Write write);

  // Writes waiting for the next transaction (not the running one's).
  [[nodiscard]] std::size_t queued() const;
  // Transactions committed, and writes they carried (tests and status).
  [[nodiscard]] std::uint64_t transactions() const;
  [[nodiscard]] std::uint64_t writes() const;

 private:
  struct Batch {
    std::vector<Write> writes;
    std::vector<std::optional<Result<void>>> results;  // parallel to writes, set by the leader
    bool done = false;
  };
  void commit(Batch& batch);

  std::shared_ptr<Env> m_env;
  mutable std::mutex m_mutex;  // guards everything below
  std::condition_variable m_committed;
  std::shared_ptr<Batch> m_open;  // collecting writes; null when none are queued
  bool m_committing = false;      // a leader is inside commit()
  std::uint64_t m_transactions = 0;
  std::uint64_t m_writes = 0;
};

}  // namespace flickrfs::cache::lmdb
