// See blob_store.hpp. This file: keys, open (hit / join / start), readers, the download
// workers and the publish step (.part -> fsync -> rename -> fsync dir -> one LMDB txn).
#include "cache/blob_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "api/call_budget.hpp"
#include "cache/blob_store_impl.hpp"
#include "cache/cache_dir.hpp"
#include "cache/record_codec.hpp"

namespace flickrfs::cache {

// ---- keys and records ---------------------------------------------------------------------

std::string BlobKey::file_name() const {
  return encode_path_component(photo_id) + "_" + encode_path_component(secret) + "_" +
         encode_path_component(label);
}

std::optional<BlobKey> BlobKey::from_file_name(std::string_view name) {
  auto first = name.find('_');
  auto second = first == std::string_view::npos ? first : name.find('_', first + 1);
  if (second == std::string_view::npos || name.find('_', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  auto id = decode_path_component(name.substr(0, first));
  auto secret = decode_path_component(name.substr(first + 1, second - first - 1));
  auto label = decode_path_component(name.substr(second + 1));
  if (!id || !secret || !label || id->empty()) return std::nullopt;
  return BlobKey{*id, *secret, *label};
}

std::string BlobKey::record_key() const {
  std::string key = photo_id;
  key += '\0';
  key += secret;
  key += '\0';
  key += label;
  return key;
}

std::optional<BlobKey> BlobKey::from_record_key(std::string_view key) {
  auto first = key.find('\0');
  auto second = first == std::string_view::npos ? first : key.find('\0', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  return BlobKey{std::string(key.substr(0, first)),
                 std::string(key.substr(first + 1, second - first - 1)),
                 std::string(key.substr(second + 1))};
}

std::string encode_blob_record(const BlobRecord& record) {
  RecordWriter out;
  out.u8(kBlobRecordFormat);
  out.varint(record.size);
  out.raw(std::string_view(reinterpret_cast<const char*>(record.sha256.data()), 32));
  out.str(record.etag);
  out.svarint(record.stored_at);
  out.svarint(record.last_access);
  return out.take();
}

std::optional<BlobRecord> decode_blob_record(std::string_view bytes) {
  RecordReader in(bytes);
  BlobRecord record;
  if (in.u8() != kBlobRecordFormat) return std::nullopt;
  record.size = in.varint();
  std::string_view sha = in.raw(32);
  if (in.ok()) std::copy(sha.begin(), sha.end(), record.sha256.begin());
  record.etag = in.str();
  record.stored_at = in.svarint();
  record.last_access = in.svarint();
  if (!in.ok() || !in.at_end()) return std::nullopt;
  return record;
}

std::int64_t unix_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::string blobs_dir(const std::string& user_directory) {
  return user_directory + "/blobs";
}

// ---- Impl basics ----------------------------------------------------------------------------

BlobStore::Impl::Impl(MetaStore& meta_store, std::shared_ptr<Downloader> dl, std::string directory,
                      Options opts)
    : meta(meta_store),
      env(*meta_store.env()),
      dbs(meta_store.databases()),
      downloader(std::move(dl)),
      dir(std::move(directory)),
      options(opts),
      offline(opts.offline) {}

std::string BlobStore::Impl::final_path(const BlobKey& key) const {
  return dir + "/" + key.file_name();
}

std::string BlobStore::Impl::part_path(const BlobKey& key) const {
  return final_path(key) + "." + std::to_string(::getpid()) + ".part";
}

void BlobStore::Impl::start_workers() {
  unsigned count = std::max(1u, options.download_jobs);
  for (unsigned i = 0; i < count; ++i)
    workers.emplace_back([this] { worker_loop(); });
}

void BlobStore::Impl::worker_loop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mutex);
      jobs_changed.wait(lock, [this] { return stopping.load() || !jobs.empty(); });
      if (jobs.empty()) return;  // stopping and drained
      job = std::move(jobs.front());
      jobs.pop_front();
    }
    job();  // a job started after stop sees `stopping` through its state's cancel flag
  }
}

void BlobStore::Impl::stop_workers() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
    for (auto& [key, state] : inflight)
      state->cancel = true;
  }
  jobs_changed.notify_all();
  for (auto& worker : workers)
    worker.join();
  workers.clear();
}

void BlobStore::Impl::note_open(const std::string& record_key, bool hit) {
  std::lock_guard<std::mutex> lock(mutex);
  pending_access[record_key] = unix_now();
  (hit ? hits_pending : misses_pending) += 1;
}

Result<std::shared_ptr<Inflight>> BlobStore::Impl::open_stored(const BlobKey& key) {
  std::optional<BlobRecord> record;
  {
    FLICKRFS_TRY(auto txn, env.read());
    FLICKRFS_TRY(auto value, txn.get(dbs.blobs, key.record_key()));
    if (value) record = decode_blob_record(*value);
  }
  if (!record) return std::shared_ptr<Inflight>();
  UniqueFd fd(::open(final_path(key).c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || std::uint64_t(st.st_size) != record->size) {
    return std::shared_ptr<Inflight>();  // missing or wrong size: never served, re-fetched
  }
  auto state = std::make_shared<Inflight>();
  state->fd = std::move(fd);
  state->available = record->size;
  state->total = record->size;
  state->done = true;
  return state;
}

// ---- download -------------------------------------------------------------------------------

Result<BlobRecord> BlobStore::Impl::download_to_part(const BlobKey& key, const BlobSource& source,
                                                     Inflight& state) {
  std::optional<Sha256> sha(std::in_place);
  std::uint64_t written = 0;
  std::string etag;
  std::string what = part_path(key);
  auto sink = [&](std::string_view chunk) -> Result<void> {
    if (source.expected_size && written + chunk.size() > *source.expected_size) {
      return make_error(Errc::corrupt,
                        "download of " + key.file_name() + " is longer than its known size");
    }
    FLICKRFS_CHECK(write_all_at(state.fd.get(), chunk, written, what));
    sha->update(chunk);
    written += chunk.size();
    {
      std::lock_guard<std::mutex> lock(state.mutex);
      state.available = std::max(state.available, written);  // a rewind rewrites, never hides
    }
    state.changed.notify_all();
    return success();
  };
  // The server refused to resume (416): the bytes come again from 0 and overwrite the part
  // file; a shorter file is cut to its length before publish.
  auto rewind = [&]() -> Result<void> {
    sha.emplace();
    written = 0;
    return success();
  };
  std::optional<Error> last;
  for (unsigned attempt = 0; attempt < std::max(1u, options.download_attempts); ++attempt) {
    auto meta_result = downloader->download(source.url, written, sink, &state.cancel, rewind);
    if (meta_result) {
      if (!etag.empty() && meta_result->etag != etag) {
        return make_error(Errc::corrupt, key.file_name() + " changed while downloading");
      }
      std::uint64_t expected =
          source.expected_size.value_or(meta_result->total_size.value_or(written));
      if (written != expected || (meta_result->total_size && *meta_result->total_size != written)) {
        return make_error(Errc::bad_response, "download of " + key.file_name() + " gave " +
                                                  std::to_string(written) + " bytes, expected " +
                                                  std::to_string(expected));
      }
      if (::ftruncate(state.fd.get(), static_cast<off_t>(written)) != 0) {
        return error_from_errno(errno, "truncate " + what);
      }
      return BlobRecord{written, sha->finish(), meta_result->etag, unix_now(), unix_now()};
    }
    last = std::move(meta_result).error();
    bool retryable = last->code == Errc::network || last->code == Errc::unavailable ||
                     last->code == Errc::bad_response;
    if (!retryable || state.cancel) break;
  }
  return std::move(*last);
}

Result<void> BlobStore::Impl::publish(const BlobKey& key, Inflight& state, BlobRecord& record) {
  std::string part = part_path(key);
  std::string final = final_path(key);
  if (::fsync(state.fd.get()) != 0) return error_from_errno(errno, "fsync " + part);
  if (::rename(part.c_str(), final.c_str()) != 0) {
    return error_from_errno(errno, "rename " + part);
  }
  Result<void> recorded = fsync_dir(dir);
  if (recorded) {
    recorded = env.update([&](lmdb::WriteTxn& txn) {
      return txn.put(dbs.blobs, key.record_key(), encode_blob_record(record));
    });
  }
  if (!recorded) ::unlink(final.c_str());  // a file without record would be removed anyway
  return recorded;
}

void BlobStore::Impl::run_download(const BlobKey& key, const BlobSource& source,
                                   const std::shared_ptr<Inflight>& state) {
  if (source.expected_size) maybe_evict(*source.expected_size);
  Result<BlobRecord> record =
      stopping ? Result<BlobRecord>(make_error(Errc::interrupted, "shutting down"))
               : download_to_part(key, source, *state);
  Result<void> stored = record ? publish(key, *state, *record) : std::move(record).error();
  if (!stored) {
    ::unlink(part_path(key).c_str());
    // Readers still hold the Inflight (and its fd) until they see the error; the unlinked
    // file's blocks would stay allocated until the last of them lets go. Truncating frees
    // them now, so a caller told "no space" finds the space back (a reader racing this
    // gets a short read, then the error).
    if (state->fd.valid()) (void)::ftruncate(state->fd.get(), 0);
    if (stored.error().code == Errc::no_space) {
      maybe_evict(0);
      stored = Error{Errc::no_space,
                     "no space left for the cache in " + dir + " (" + stored.error().message +
                         "); free some space or lower --cache-size",
                     stored.error().sys_errno, 0, false};
    }
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    inflight.erase(key.record_key());
    if (stored) {
      blob_count += 1;
      blob_bytes += state->available;
    }
  }
  // Evict before announcing completion, so a caller that waited sees the cache within its
  // limits (readers can already read every byte meanwhile).
  if (stored) maybe_evict(0);
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    if (stored) {
      state->total = state->available;
      state->done = true;
    } else {
      state->error = stored.error();
    }
  }
  state->changed.notify_all();
}

// ---- BlobStore ------------------------------------------------------------------------------

BlobStore::BlobStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

BlobStore::~BlobStore() {
  m_impl->stop_workers();
  (void)m_impl->flush();  // best effort: only access times and counters are at stake
}

Result<std::unique_ptr<BlobStore>> BlobStore::open(MetaStore& meta,
                                                   std::shared_ptr<Downloader> downloader,
                                                   const std::string& blobs_dir, Options options) {
  FLICKRFS_CHECK(ensure_private_dir(blobs_dir));
  auto impl = std::make_unique<Impl>(meta, std::move(downloader), blobs_dir, options);
  std::unique_ptr<BlobStore> store(new BlobStore(std::move(impl)));
  if (options.reconcile_at_open) {
    FLICKRFS_TRY(auto report, store->reconcile());
    (void)report;
  } else {
    FLICKRFS_CHECK(store->m_impl->count_records());
  }
  store->m_impl->start_workers();
  return store;
}

Result<BlobReader> BlobStore::open(const BlobKey& key, const BlobSource& source) {
  Impl& d = *m_impl;
  const std::string record_key = key.record_key();
  {
    std::lock_guard<std::mutex> lock(d.mutex);
    d.open_count[record_key] += 1;  // before looking: eviction skips it from now on
    if (auto it = d.inflight.find(record_key); it != d.inflight.end()) {
      d.misses_pending += 1;
      return BlobReader(this, key, it->second, false);
    }
  }
  auto stored = d.open_stored(key);
  if (stored && *stored) {
    d.note_open(record_key, true);
    return BlobReader(this, key, std::move(*stored), true);
  }
  auto fail = [&](Error error) -> Result<BlobReader> {
    release(key);
    return error;
  };
  if (!stored) return fail(std::move(stored).error());
  if (d.offline || !d.downloader) {
    return fail(make_error(Errc::offline, "photo " + key.photo_id + " (" + key.label +
                                              ") is not cached and flickrfs is offline"));
  }
  std::lock_guard<std::mutex> lock(d.mutex);
  if (auto it = d.inflight.find(record_key); it != d.inflight.end()) {  // started meanwhile
    d.misses_pending += 1;
    return BlobReader(this, key, it->second, false);
  }
  if (d.stopping) return fail(make_error(Errc::interrupted, "the cache is shutting down"));
  auto state = std::make_shared<Inflight>();
  state->fd =
      UniqueFd(::open(d.part_path(key).c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!state->fd.valid()) {
    int err = errno;
    d.open_count[record_key] -= 1;  // release() would take the mutex we hold
    if (d.open_count[record_key] == 0) d.open_count.erase(record_key);
    return error_from_errno(err, "create " + d.part_path(key));
  }
  // The flock tells another process's reconcile that this .part is alive.
  (void)::flock(state->fd.get(), LOCK_EX | LOCK_NB);
  state->total = source.expected_size;
  d.inflight[record_key] = state;
  d.misses_pending += 1;
  d.pending_access[record_key] = unix_now();
  // The download runs on a worker thread with the priority of whoever asked for it (a reader,
  // or walk-ahead prefetch and pins, which yield Flickr's budget to readers).
  d.jobs.emplace_back([&d, key, source, state, priority = api::current_priority()] {
    const api::PriorityScope scope(priority);
    d.run_download(key, source, state);
  });
  d.jobs_changed.notify_one();
  return BlobReader(this, key, state, false);
}

Result<std::optional<BlobReader>> BlobStore::open_cached(const BlobKey& key) {
  Impl& d = *m_impl;
  {
    std::lock_guard<std::mutex> lock(d.mutex);
    d.open_count[key.record_key()] += 1;
  }
  auto stored = d.open_stored(key);
  if (!stored || !*stored) {
    release(key);
    if (!stored) return std::move(stored).error();
    return std::optional<BlobReader>{};
  }
  d.note_open(key.record_key(), true);
  return std::optional<BlobReader>{BlobReader(this, key, std::move(*stored), true)};
}

Result<void> BlobStore::fetch(const BlobKey& key, const BlobSource& source) {
  FLICKRFS_TRY(auto reader, open(key, source));
  return reader.wait();
}

Result<std::optional<BlobRecord>> BlobStore::record(const BlobKey& key) const {
  FLICKRFS_TRY(auto txn, m_impl->env.read());
  FLICKRFS_TRY(auto value, txn.get(m_impl->dbs.blobs, key.record_key()));
  if (!value) return std::optional<BlobRecord>{};
  return decode_blob_record(*value);
}

bool BlobStore::is_cached(const BlobKey& key) const {
  auto stored = m_impl->open_stored(key);
  return stored && *stored;
}

void BlobStore::release(const BlobKey& key) noexcept {
  std::lock_guard<std::mutex> lock(m_impl->mutex);
  auto it = m_impl->open_count.find(key.record_key());
  if (it != m_impl->open_count.end() && --it->second <= 0) m_impl->open_count.erase(it);
}

void BlobStore::set_offline(bool offline) {
  m_impl->offline = offline;
}
bool BlobStore::offline() const {
  return m_impl->offline;
}
const std::string& BlobStore::dir() const {
  return m_impl->dir;
}

// ---- BlobReader -----------------------------------------------------------------------------

BlobReader::BlobReader(BlobStore* store, BlobKey key, std::shared_ptr<Inflight> state, bool hit)
    : m_store(store), m_key(std::move(key)), m_state(std::move(state)), m_hit(hit) {}

BlobReader::BlobReader(BlobReader&& other) noexcept
    : m_store(std::exchange(other.m_store, nullptr)),
      m_key(std::move(other.m_key)),
      m_state(std::move(other.m_state)),
      m_hit(other.m_hit) {}

BlobReader& BlobReader::operator=(BlobReader&& other) noexcept {
  if (this != &other) {
    if (m_store) m_store->release(m_key);
    m_store = std::exchange(other.m_store, nullptr);
    m_key = std::move(other.m_key);
    m_state = std::move(other.m_state);
    m_hit = other.m_hit;
  }
  return *this;
}

BlobReader::~BlobReader() {
  if (m_store) m_store->release(m_key);
}

Result<std::size_t> BlobReader::read(std::uint64_t offset, std::span<char> out) {
  Inflight& s = *m_state;
  std::uint64_t end = 0;
  {
    std::unique_lock<std::mutex> lock(s.mutex);
    s.changed.wait(lock, [&] {
      return s.done || s.error || s.available >= offset + out.size() ||
             (s.total && s.available >= *s.total);
    });
    if (s.error) return *s.error;
    end = s.available;
  }
  if (offset >= end) return std::size_t{0};
  auto n = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), end - offset));
  return read_at(s.fd.get(), out.data(), n, offset, m_key.file_name());
}

Result<std::uint64_t> BlobReader::size() {
  Inflight& s = *m_state;
  std::unique_lock<std::mutex> lock(s.mutex);
  s.changed.wait(lock, [&] { return s.done || s.error || s.total.has_value(); });
  if (s.error) return *s.error;
  return *s.total;
}

Result<void> BlobReader::wait() {
  Inflight& s = *m_state;
  std::unique_lock<std::mutex> lock(s.mutex);
  s.changed.wait(lock, [&] { return s.done || s.error; });
  if (s.error) return *s.error;
  return success();
}

Result<bool> BlobReader::wait_for(std::chrono::milliseconds timeout) {
  Inflight& s = *m_state;
  std::unique_lock<std::mutex> lock(s.mutex);
  const bool finished = s.changed.wait_for(lock, timeout, [&] { return s.done || s.error; });
  if (s.error) return *s.error;
  return finished;
}

}  // namespace flickrfs::cache
