// See pin_keeper.hpp.
#include "fs/sync/pin_keeper.hpp"

#include <algorithm>
#include <sstream>

#include "api/call_budget.hpp"
#include "fs/log.hpp"
#include "fs/sync/parallel_for.hpp"

namespace flickrfs::fs {

namespace {

constexpr std::chrono::milliseconds kWaitSlice{200};

// Errors that say "the network is gone": the rest of a pass would fail the same way.
bool stops_the_pass(const Error& error) {
  return error.code == Errc::offline || error.code == Errc::network ||
         error.code == Errc::interrupted || error.code == Errc::no_space;
}

}  // namespace

PinKeeper::PinKeeper(cache::MetaStore& meta, cache::BlobStore& blobs, Catalog& catalog,
                     api::WorkQueue& queue, PinKeeperOptions options, Gate online)
    : m_meta(meta),
      m_blobs(blobs),
      m_catalog(catalog),
      m_work_queue(queue),
      m_options(std::move(options)),
      m_online(std::move(online)),
      m_tasks(queue, api::Priority::pins) {}

PinKeeper::~PinKeeper() {
  stop();
}

void PinKeeper::start() {
  std::lock_guard lock(m_mutex);
  if (m_scanner.joinable() || m_stop) return;
  m_scanner = std::thread([this] { scanner_loop(); });
}

void PinKeeper::note_refresh() {
  {
    std::lock_guard lock(m_mutex);
    m_refreshed = true;
    m_kick = true;
  }
  m_wake.notify_all();
}

void PinKeeper::stop() {
  std::thread scanner;
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
    m_stopping = true;
    m_queue.clear();
    scanner.swap(m_scanner);
  }
  m_wake.notify_all();
  if (scanner.joinable()) scanner.join();
  std::unique_lock lock(m_mutex);
  m_tasks.wait_returned(lock);
}

std::string PinKeeper::pins_signature() const {
  auto pins = m_meta.pins();
  if (!pins.ok()) return "?";
  std::string signature;
  for (const auto& pin : *pins)
    signature += pin.key() + "\n";
  return signature;
}

Result<PinKeeper::Scan> PinKeeper::scan() const {
  Scan result;
  result.pins_signature = pins_signature();
  FLICKRFS_TRY(const auto ids, m_meta.pinned_photo_ids());
  const auto tree = m_catalog.tree();
  for (const auto& id : ids) {
    const auto index = tree->photo_index(id);
    if (!index) continue;  // not in the photostream any more (or not visible)
    const auto record = tree->photo(*index);
    for (std::size_t f = 0; f < record.files.size(); ++f) {
      cache::BlobKey key = Catalog::blob_key(record, record.files[f]);
      result.files += 1;
      if (m_blobs.is_cached(key)) {
        result.cached += 1;
      } else {
        result.missing.push_back({tree, *index, f, std::move(key)});
      }
    }
  }
  return result;
}

Result<void> PinKeeper::fetch(const Task& task, const std::atomic<bool>& stopping) {
  const model::PhotoFile file = task.tree->photo(task.photo).files[task.file];
  cache::BlobSource source;
  source.url = file.choice.url();
  const auto remote = m_meta.remote_size(task.key.photo_id, task.key.label, task.key.secret);
  if (remote.ok() && remote->has_value()) source.expected_size = (*remote)->bytes;
  FLICKRFS_TRY(auto reader, m_blobs.open(task.key, source));
  while (true) {
    FLICKRFS_TRY(const bool stored, reader.wait_for(kWaitSlice));
    if (stored) return success();
    if (stopping) return make_error(Errc::interrupted, "stopping: pinned download abandoned");
  }
}

bool PinKeeper::look_due(const std::string& pins_seen) {
  {
    std::lock_guard lock(m_mutex);
    const bool retry =
        m_incomplete && std::chrono::steady_clock::now() - m_last_look >= m_options.retry_interval;
    if (m_refreshed || retry) return true;
  }
  return pins_signature() != pins_seen;
}

void PinKeeper::look() {
  auto scanned = scan();
  std::lock_guard lock(m_mutex);
  m_last_look = std::chrono::steady_clock::now();
  m_refreshed = false;
  if (!scanned.ok()) {
    m_incomplete = true;
    log::warning("pins: %s", scanned.error().describe().c_str());
    return;
  }
  m_pins_seen = scanned->pins_signature;
  m_stats.pinned_files = scanned->files;
  // A download that finished during the scan was counted as cached there and will be
  // counted again when its worker reports: count it once, at the report.
  std::unordered_set<std::string> missing;
  for (const auto& task : scanned->missing)
    missing.insert(task.key.record_key());
  std::uint64_t reported_later = 0;
  for (const auto& key : m_pending)
    reported_later += missing.contains(key) ? 0 : 1;
  m_stats.cached_files = scanned->cached - std::min(reported_later, scanned->cached);
  m_incomplete = false;
  for (auto& task : scanned->missing) {
    if (!m_pending.insert(task.key.record_key()).second) continue;  // already on its way
    m_queue.push_back(std::move(task));
  }
  m_stats.pending = m_pending.size();
  if (!m_queue.empty()) {
    log::info("pins: downloading %zu files", m_queue.size());
    start_downloads_locked();
  }
}

void PinKeeper::scanner_loop() {
  const api::PriorityScope background(api::Priority::pins);
  std::unique_lock lock(m_mutex);
  while (!m_stop) {
    const std::string seen = m_pins_seen;
    lock.unlock();
    if (m_online() && look_due(seen)) look();
    lock.lock();
    m_wake.wait_for(lock, m_options.poll_interval, [this] { return m_stop || m_kick; });
    m_kick = false;
  }
}

void PinKeeper::finish_task_locked(const Task& task, const Result<void>& outcome) {
  m_pending.erase(task.key.record_key());
  if (outcome.ok()) {
    m_stats.downloaded += 1;
    m_stats.cached_files += 1;
  } else if (outcome.error().code != Errc::interrupted) {
    m_stats.failed += 1;
    m_incomplete = true;  // retried after retry_interval or the next listing rebuild
    log::info("pins: %s: %s", task.key.file_name().c_str(), outcome.error().describe().c_str());
    if (stops_the_pass(outcome.error())) {
      for (const auto& queued : m_queue)
        m_pending.erase(queued.key.record_key());
      m_queue.clear();
    }
  }
  m_stats.pending = m_pending.size();
}

void PinKeeper::start_downloads_locked() {
  // A refusal means the queue is shutting down: the files stay queued for nobody.
  (void)m_tasks.top_up_locked(
      std::max(1U, m_options.workers), [this] { return !m_stop && !m_queue.empty(); },
      [this] { download_task(); });
}

void PinKeeper::download_task() {
  std::unique_lock lock(m_mutex);
  if (!m_stop && !m_queue.empty()) {  // a task started after the queue emptied has nothing
    Task task = std::move(m_queue.front());
    m_queue.pop_front();
    lock.unlock();
    Result<void> outcome =
        m_online() ? fetch(task, m_stopping) : Result<void>(make_error(Errc::offline, "offline"));
    lock.lock();
    finish_task_locked(task, outcome);
  }
  m_tasks.returned_locked();
  start_downloads_locked();  // the next file is a new task, behind what was queued meanwhile
}

Result<PinStats> PinKeeper::run_once() {
  FLICKRFS_TRY(const auto scanned, scan());
  std::atomic<bool> abort{false};
  std::atomic<std::uint64_t> downloaded{0};
  std::atomic<std::uint64_t> failed{0};
  std::mutex error_mutex;
  std::optional<Error> stopped_by;
  parallel_for(m_work_queue, scanned.missing.size(), std::max(1U, m_options.workers), abort,
               [&](std::size_t i) {
                 auto got = fetch(scanned.missing[i], abort);
                 if (got.ok()) {
                   downloaded += 1;
                   return;
                 }
                 failed += 1;
                 if (stops_the_pass(got.error())) {
                   std::lock_guard lock(error_mutex);
                   if (!stopped_by) stopped_by = got.error();
                   abort = true;
                 }
               });
  if (stopped_by) return *stopped_by;
  PinStats stats;
  stats.pinned_files = scanned.files;
  stats.cached_files = scanned.cached + downloaded;
  stats.downloaded = downloaded;
  stats.failed = failed;
  return stats;
}

PinStats PinKeeper::stats() const {
  std::lock_guard lock(m_mutex);
  return m_stats;
}

std::string PinKeeper::status_lines() const {
  const PinStats s = stats();
  std::ostringstream out;
  out << "pin_files=" << s.pinned_files << "\n";
  out << "pin_cached=" << s.cached_files << "\n";
  out << "pin_downloaded=" << s.downloaded << "\n";
  out << "pin_failed=" << s.failed << "\n";
  out << "pin_pending=" << s.pending << "\n";
  return out.str();
}

}  // namespace flickrfs::fs
