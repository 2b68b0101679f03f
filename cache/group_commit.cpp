// See group_commit.hpp.
#include "cache/group_commit.hpp"

namespace flickrfs::cache::lmdb {

Result<void> GroupCommit::update(Write write) {
  std::unique_lock lock(m_mutex);
  if (!m_open) m_open = std::make_shared<Batch>();
  const auto batch = m_open;
  const std::size_t slot = batch->writes.size();
  batch->writes.push_back(std::move(write));
  m_committed.wait(lock, [&] { return batch->done || !m_committing; });
  if (!batch->done) {  // nobody commits: this caller leads the open batch, its own included
    m_committing = true;
    m_open.reset();  // writes queued from now on form the next batch
    lock.unlock();
    commit(*batch);
    lock.lock();
    m_committing = false;
    batch->done = true;
    ++m_transactions;
    m_writes += batch->writes.size();
    m_committed.notify_all();
  }
  return *batch->results[slot];
}

void GroupCommit::commit(Batch& batch) {
  batch.results.assign(batch.writes.size(), std::nullopt);
  Result<void> together = m_env->update([&](WriteTxn& txn) -> Result<void> {
    for (const auto& write : batch.writes)
      FLICKRFS_CHECK(write(txn));
    return success();
  });
  if (together.ok() || batch.writes.size() == 1) {
    for (auto& result : batch.results)
      result = together;
    return;
  }
  for (std::size_t i = 0; i < batch.writes.size(); ++i)
    batch.results[i] = m_env->update(batch.writes[i]);
}

std::size_t GroupCommit::queued() const {
  std::lock_guard lock(m_mutex);
  return m_open ? m_open->writes.size() : 0;
}

std::uint64_t GroupCommit::transactions() const {
  std::lock_guard lock(m_mutex);
  return m_transactions;
}

std::uint64_t GroupCommit::writes() const {
  std::lock_guard lock(m_mutex);
  return m_writes;
}

}  // namespace flickrfs::cache::lmdb
