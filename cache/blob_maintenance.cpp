// See blob_store.hpp. This file: startup reconciliation, eviction, verify, clear, and the
// flush of access times and hit counters.
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <unordered_set>

#include "cache/blob_store.hpp"
#include "cache/blob_store_impl.hpp"
#include "cache/eviction.hpp"
#include "cache/record_codec.hpp"

namespace flickrfs::cache {

namespace {

constexpr std::string_view kPartSuffix = ".part";

Result<std::vector<std::string>> list_dir(const std::string& dir) {
  std::unique_ptr<DIR, int (*)(DIR*)> handle(::opendir(dir.c_str()), &::closedir);
  if (!handle) return error_from_errno(errno, "open directory " + dir);
  std::vector<std::string> names;
  errno = 0;
  while (dirent* entry = ::readdir(handle.get())) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  if (errno != 0) return error_from_errno(errno, "read directory " + dir);
  return names;
}

// A .part another live process is still writing holds an flock; ours do not need one
// because reconcile never runs on a key in flight in this process.
bool part_in_use(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return false;
  return ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
}

struct StoredRecord {
  std::string record_key;
  std::optional<BlobRecord> record;  // nullopt: undecodable
};

Result<std::vector<StoredRecord>> read_records(lmdb::Env& env, lmdb::Dbi db) {
  FLICKRFS_TRY(auto txn, env.read());
  FLICKRFS_TRY(auto cursor, lmdb::Cursor::open(txn, db));
  std::vector<StoredRecord> out;
  FLICKRFS_TRY(auto entry, cursor.first());
  while (entry) {
    out.push_back({std::string(entry->key), decode_blob_record(entry->value)});
    FLICKRFS_TRY(entry, cursor.next());
  }
  return out;
}

std::uint64_t file_size_or_max(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return UINT64_MAX;
  return std::uint64_t(st.st_size);
}

}  // namespace

// ---- reconcile --------------------------------------------------------------------------------

Result<ReconcileReport> BlobStore::reconcile() {
  Impl& d = *m_impl;
  ReconcileReport report;
  std::unordered_set<std::string> busy;  // record keys in flight or open here: left alone
  {
    std::lock_guard<std::mutex> lock(d.mutex);
    for (const auto& [key, state] : d.inflight)
      busy.insert(key);
    for (const auto& [key, count] : d.open_count)
      busy.insert(key);
  }
  FLICKRFS_TRY(auto names, list_dir(d.dir));
  std::unordered_set<std::string> files;  // record keys that have a final file
  for (const auto& name : names) {
    std::string path = d.dir + "/" + name;
    if (name.ends_with(kPartSuffix)) {
      auto key_end = name.rfind('.', name.size() - kPartSuffix.size() - 1);
      auto key = BlobKey::from_file_name(name.substr(0, key_end));
      if ((key && busy.contains(key->record_key())) || part_in_use(path)) continue;
      if (::unlink(path.c_str()) == 0) report.part_files_removed += 1;
      continue;
    }
    if (auto key = BlobKey::from_file_name(name)) files.insert(key->record_key());
  }
  FLICKRFS_TRY(auto records, read_records(d.env, d.dbs.blobs));
  std::vector<std::string> dropped;
  std::unordered_set<std::string> valid;
  for (const auto& stored : records) {
    auto key = BlobKey::from_record_key(stored.record_key);
    if (busy.contains(stored.record_key)) continue;
    bool ok = key && stored.record && files.contains(stored.record_key) &&
              file_size_or_max(d.final_path(*key)) == stored.record->size;
    if (!ok) {
      dropped.push_back(stored.record_key);
      continue;
    }
    valid.insert(stored.record_key);
    report.blobs += 1;
    report.bytes += stored.record->size;
  }
  auto drop = [&](lmdb::WriteTxn& txn) -> Result<void> {
    for (const auto& key : dropped)
      FLICKRFS_CHECK(txn.del(d.dbs.blobs, key));
    return success();
  };
  if (!dropped.empty()) FLICKRFS_CHECK(d.env.update(drop));
  report.records_dropped = dropped.size();
  for (const auto& record_key : files) {  // files without (valid) record, and dropped ones
    if (valid.contains(record_key) || busy.contains(record_key)) continue;
    auto key = BlobKey::from_record_key(record_key);
    if (key && ::unlink(d.final_path(*key).c_str()) == 0) report.orphan_files_removed += 1;
  }
  std::lock_guard<std::mutex> lock(d.mutex);
  d.blob_count = report.blobs;
  d.blob_bytes = report.bytes;
  return report;
}

Result<void> BlobStore::Impl::count_records() {
  FLICKRFS_TRY(auto records, read_records(env, dbs.blobs));
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
  for (const auto& stored : records) {
    if (!stored.record) continue;
    count += 1;
    bytes += stored.record->size;
  }
  std::lock_guard<std::mutex> lock(mutex);
  blob_count = count;
  blob_bytes = bytes;
  return success();
}

// ---- eviction ---------------------------------------------------------------------------------

Result<void> BlobStore::Impl::remove_blobs(const std::vector<std::string>& record_keys,
                                           std::uint64_t& freed) {
  // Records first: a crash after this txn leaves files without record, removed at open.
  std::vector<std::pair<BlobKey, std::uint64_t>> removed;
  auto body = [&](lmdb::WriteTxn& txn) -> Result<void> {
    removed.clear();
    for (const auto& record_key : record_keys) {
      FLICKRFS_TRY(auto value, txn.get(dbs.blobs, record_key));
      auto record = value ? decode_blob_record(*value) : std::nullopt;
      auto key = BlobKey::from_record_key(record_key);
      FLICKRFS_CHECK(txn.del(dbs.blobs, record_key));  // a junk key goes too: it has no file
      if (key) removed.emplace_back(*key, record ? record->size : 0);
    }
    return success();
  };
  FLICKRFS_CHECK(env.update(body));
  freed = 0;
  for (const auto& [key, size] : removed) {
    ::unlink(final_path(key).c_str());
    freed += size;
  }
  std::lock_guard<std::mutex> lock(mutex);
  blob_count -= std::min<std::uint64_t>(blob_count, removed.size());
  blob_bytes -= std::min(blob_bytes, freed);
  return success();
}

Result<EvictionReport> BlobStore::Impl::evict(std::uint64_t extra_bytes) {
  FLICKRFS_TRY(auto records, read_records(env, dbs.blobs));
  FLICKRFS_TRY(auto pinned_ids, meta.pinned_photo_ids());
  std::unordered_set<std::string> pinned(pinned_ids.begin(), pinned_ids.end());
  FLICKRFS_TRY(std::uint64_t free_now, free_bytes(dir));
  EvictionLimits limits;
  std::vector<EvictionCandidate> candidates;
  {
    std::lock_guard<std::mutex> lock(mutex);
    limits = EvictionLimits{options.max_bytes, options.min_free_bytes, free_now, extra_bytes};
    for (const auto& stored : records) {
      if (!stored.record) continue;
      auto key = BlobKey::from_record_key(stored.record_key);
      auto access = pending_access.find(stored.record_key);
      candidates.push_back(EvictionCandidate{
          stored.record_key, stored.record->size,
          access != pending_access.end() ? access->second : stored.record->last_access,
          open_count.contains(stored.record_key) || inflight.contains(stored.record_key),
          key && pinned.contains(key->photo_id)});
    }
  }
  EvictionPlan plan = plan_eviction(std::move(candidates), limits);
  EvictionReport report{plan.victims.size(), 0, plan.satisfied};
  if (plan.victims.empty()) return report;
  {  // Drop victims opened since the snapshot; they stay.
    std::lock_guard<std::mutex> lock(mutex);
    std::erase_if(plan.victims, [&](const std::string& k) { return open_count.contains(k); });
  }
  FLICKRFS_CHECK(remove_blobs(plan.victims, report.freed_bytes));
  report.evicted = plan.victims.size();
  return report;
}

void BlobStore::Impl::maybe_evict(std::uint64_t extra_bytes) {
  bool over = false;
  {
    std::lock_guard<std::mutex> lock(mutex);
    over = options.max_bytes > 0 && blob_bytes + extra_bytes > options.max_bytes;
  }
  auto free_now = free_bytes(dir);
  if (free_now && *free_now < options.min_free_bytes + extra_bytes) over = true;
  if (over) (void)evict(extra_bytes);  // best effort: a download must not fail because of it
}

Result<EvictionReport> BlobStore::evict() {
  FLICKRFS_CHECK(m_impl->flush());  // access times count
  return m_impl->evict(0);
}

// ---- verify, clear, flush, stats -------------------------------------------------------------

Result<VerifyReport> BlobStore::verify(Repair repair) {
  Impl& d = *m_impl;
  FLICKRFS_TRY(auto records, read_records(d.env, d.dbs.blobs));
  VerifyReport report;
  std::vector<std::string> bad_keys;
  for (const auto& stored : records) {
    auto key = BlobKey::from_record_key(stored.record_key);
    report.checked += 1;
    bool good = false;
    if (key && stored.record) {
      auto hashed = hash_file(d.final_path(*key));
      good =
          hashed && hashed->second == stored.record->size && hashed->first == stored.record->sha256;
    }
    if (good) continue;
    report.bad.push_back(key.value_or(BlobKey{stored.record_key, "", ""}));
    bad_keys.push_back(stored.record_key);
  }
  if (repair == Repair::yes && !bad_keys.empty()) {
    std::uint64_t freed = 0;
    FLICKRFS_CHECK(d.remove_blobs(bad_keys, freed));
    // Checked afterwards rather than trusted: a record still there or a file that would not
    // go (a directory in its place, a read-only file system) is reported as not repaired.
    FLICKRFS_TRY(auto txn, d.env.read());
    for (std::size_t i = 0; i < bad_keys.size(); ++i) {
      FLICKRFS_TRY(const auto still, txn.get(d.dbs.blobs, bad_keys[i]));
      const auto key = BlobKey::from_record_key(bad_keys[i]);
      struct stat st {};
      const bool file_left = key && ::lstat(d.final_path(*key).c_str(), &st) == 0;
      if (still || file_left) {
        report.unrepaired.push_back(report.bad[i]);
      } else {
        report.removed += 1;
      }
    }
  }
  return report;
}

Result<std::uint64_t> BlobStore::clear() {
  Impl& d = *m_impl;
  FLICKRFS_TRY(auto records, read_records(d.env, d.dbs.blobs));
  std::vector<std::string> keys;
  {
    std::lock_guard<std::mutex> lock(d.mutex);
    for (const auto& stored : records) {
      if (!d.open_count.contains(stored.record_key) && !d.inflight.contains(stored.record_key)) {
        keys.push_back(stored.record_key);
      }
    }
  }
  std::uint64_t freed = 0;
  FLICKRFS_CHECK(d.remove_blobs(keys, freed));
  FLICKRFS_TRY(auto report, reconcile());  // leftovers: .part and files without record
  (void)report;
  return std::uint64_t{keys.size()};
}

Result<void> BlobStore::Impl::flush() {
  std::unordered_map<std::string, std::int64_t> access;
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  {
    std::lock_guard<std::mutex> lock(mutex);
    access.swap(pending_access);
    hits = std::exchange(hits_pending, 0);
    misses = std::exchange(misses_pending, 0);
  }
  if (access.empty() && hits == 0 && misses == 0) return success();
  auto add_counter = [&](lmdb::WriteTxn& txn, std::string_view name, std::uint64_t delta) {
    std::uint64_t value = 0;
    auto stored = txn.get(dbs.blob_stats, name);
    if (stored && *stored) (void)parse_decimal(**stored, value);
    return txn.put(dbs.blob_stats, name, decimal(value + delta));
  };
  auto body = [&](lmdb::WriteTxn& txn) -> Result<void> {
    for (const auto& [record_key, when] : access) {
      FLICKRFS_TRY(auto value, txn.get(dbs.blobs, record_key));
      auto record = value ? decode_blob_record(*value) : std::nullopt;
      if (!record || record->last_access >= when) continue;
      record->last_access = when;
      FLICKRFS_CHECK(txn.put(dbs.blobs, record_key, encode_blob_record(*record)));
    }
    FLICKRFS_CHECK(add_counter(txn, "hits", hits));
    return add_counter(txn, "misses", misses);
  };
  return env.update(body);
}

Result<void> BlobStore::flush() {
  return m_impl->flush();
}

BlobStats BlobStore::stats() const {
  Impl& d = *m_impl;
  BlobStats stats;
  {
    std::lock_guard<std::mutex> lock(d.mutex);
    stats.blobs = d.blob_count;
    stats.bytes = d.blob_bytes;
    stats.hits = d.hits_pending;
    stats.misses = d.misses_pending;
    stats.downloads_in_flight = d.inflight.size();
  }
  if (auto txn = d.env.read()) {
    for (auto [name, field] : {std::pair{"hits", &stats.hits}, {"misses", &stats.misses}}) {
      std::uint64_t value = 0;
      auto stored = txn->get(d.dbs.blob_stats, name);
      if (stored && *stored && parse_decimal(**stored, value)) *field += value;
    }
  }
  return stats;
}

}  // namespace flickrfs::cache
