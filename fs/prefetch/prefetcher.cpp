// See prefetcher.hpp.
#include "fs/prefetch/prefetcher.hpp"

#include <algorithm>
#include <sstream>

#include "api/call_budget.hpp"
#include "fs/sync/catalog.hpp"

namespace flickrfs::fs::prefetch {

namespace {

constexpr std::uint64_t kUnknownSizeEstimate = std::uint64_t{1} << 20;
constexpr std::chrono::milliseconds kRateBackoff{20};
constexpr std::chrono::milliseconds kInfoBound{15'000};

bool is_image(model::NodeKind kind) {
  return kind == model::NodeKind::image_file || kind == model::NodeKind::size_file;
}

std::string record_key_of(const model::Tree& tree, const model::Node& file) {
  return Catalog::blob_key(tree.photo(file.index), tree.file(file)).record_key();
}

// Walk keys: a page number, or an album index with the album bit set (page numbers are
// 1-based, so 0 means "no walk key").
constexpr std::uint64_t kAlbumBit = std::uint64_t{1} << 32;

std::uint64_t page_key(std::uint32_t page) {
  return page;
}

std::uint64_t album_key(std::uint32_t album) {
  return kAlbumBit | album;
}

std::vector<model::ListedPhoto> walk_listing(const model::Tree& tree, std::uint64_t key) {
  if ((key & kAlbumBit) == 0) return model::page_listing(tree, static_cast<std::uint32_t>(key));
  std::vector<model::ListedPhoto> listing;
  const auto album_index = static_cast<std::uint32_t>(key & ~kAlbumBit);
  if (album_index >= tree.album_count()) return listing;
  const auto& album = tree.album(album_index);
  for (std::uint32_t p = 0; p < album.members.size(); ++p) {
    // Link names start with the zero-padded album position: album order is name order
    // (up to 9,999 entries, where the padding stops being enough).
    if (const auto link = tree.album_member_node(album_index, p, 0))
      listing.push_back({album.members[p], {}, link->ino});
  }
  return listing;
}

}  // namespace

Prefetcher::Prefetcher(cache::BlobStore& blobs, model::CatalogView& catalog, api::WorkQueue& queue,
                       PrefetchOptions options, Gate online, Gate may_request)
    : m_blobs(blobs),
      m_catalog(catalog),
      m_options(options),
      m_online(std::move(online)),
      m_may_request(std::move(may_request)),
      m_detector(WalkOptions{.initial_window = std::min<std::size_t>(4, options.window),
                             .max_window = options.window,
                             .idle_timeout = options.idle_timeout}),
      m_tasks(queue, api::Priority::prefetch) {}

Prefetcher::~Prefetcher() {
  stop();
}

void Prefetcher::stop() {
  std::unique_lock lock(m_mutex);
  m_stop = true;
  while (!m_queue.empty()) {
    m_entries.erase(m_queue.front().record_key);
    m_queue.pop_front();
  }
  m_wake.notify_all();
  m_tasks.wait_returned(lock);
  for (const auto& [key, entry] : m_entries) {
    if (entry.state == State::done && !entry.opened) m_stats.wasted_bytes += entry.bytes;
  }
  m_entries.clear();
  m_bytes_unused = 0;
}

// ---- what the FUSE ops report ---------------------------------------------------------------

void Prefetcher::note_listing(const std::shared_ptr<const model::Tree>& /*tree*/,
                              const model::Node& dir) {
  if (m_options.window == 0) return;
  std::uint64_t key = 0;
  const bool page =
      dir.kind == model::NodeKind::page_dir || dir.kind == model::NodeKind::size_page_dir;
  if (page) key = page_key(dir.index);
  if (dir.kind == model::NodeKind::album_dir) key = album_key(dir.index);
  if (key == 0) return;
  std::lock_guard lock(m_mutex);
  m_detector.note_listing(key, WalkClock::now());
}

void Prefetcher::note_open(const std::shared_ptr<const model::Tree>& tree,
                           const model::Node& file) {
  const bool info = file.kind == model::NodeKind::sidecar;
  if (m_options.window == 0 || (!info && !is_image(file.kind))) return;
  const auto record = tree->photo(file.index);
  const auto now = WalkClock::now();
  std::lock_guard lock(m_mutex);
  if (m_stop) return;
  if (info) {  // the walk copies metadata too: warm the info.json of what it prefetches
    m_info_wanted[page_key(record.page)] = true;
    for (const std::uint32_t album : tree->albums_of(file.index)) {
      const std::uint64_t key = album_key(album);
      if (m_detector.listed_recently(key, now)) m_info_wanted[key] = true;
    }
    return;
  }
  count_foreground_open_locked(record_key_of(*tree, file));
  end_walks_locked(now);
  follow_walk_locked(tree, page_key(record.page), file, now);
  for (const std::uint32_t album : tree->albums_of(file.index)) {
    const std::uint64_t key = album_key(album);
    if (m_detector.listed_recently(key, now)) follow_walk_locked(tree, key, file, now);
  }
}

// ---- scheduling -----------------------------------------------------------------------------

void Prefetcher::follow_walk_locked(const std::shared_ptr<const model::Tree>& tree,
                                    std::uint64_t key, const model::Node& file,
                                    WalkClock::time_point now) {
  const PageOrders& orders = orders_locked(tree, key);
  WalkOpen open{key, {}};
  for (std::size_t o = 0; o < kWalkOrders; ++o) {
    const auto rank = orders.rank_of(model::WalkOrder(o), file.index);
    if (!rank) return;  // not in this album of an older snapshot
    open.ranks[o] = *rank;
  }
  std::uint64_t& slots = m_slots[key];
  if (file.sub < 64) slots |= std::uint64_t{1} << file.sub;
  const WalkAdvice advice = m_detector.note_open(open, now);
  if (!advice.walking) {
    drop_queued_locked(key);  // the walk stopped (or has not started): nothing ahead
    return;
  }
  if (!m_online()) return;
  enqueue_locked(tree, key, advice, slots);
  start_tasks_locked();
}

const Prefetcher::PageOrders& Prefetcher::orders_locked(
    const std::shared_ptr<const model::Tree>& tree, std::uint64_t key) {
  if (m_orders_tree.lock() != tree) {
    m_orders.clear();
    m_orders_tree = tree;
  }
  auto [found, inserted] = m_orders.try_emplace(key);
  found->second.last_use = ++m_order_uses;
  if (inserted) {
    found->second.orders = model::rank_walk_orders(walk_listing(*tree, key));
    if (m_orders.size() > kOrdersKept) model::erase_least_recent(m_orders);  // not `found`
  }
  return found->second.orders;
}

void Prefetcher::enqueue_locked(const std::shared_ptr<const model::Tree>& tree, std::uint64_t key,
                                const WalkAdvice& advice, std::uint64_t slots) {
  const auto& ranked = m_orders.at(key).orders.by_rank[std::size_t(advice.order)];
  const std::size_t end = std::min<std::size_t>(ranked.size(), advice.first + advice.window);
  for (std::size_t rank = advice.first; rank < end; ++rank) {
    const auto record = tree->photo(ranked[rank]);
    for (std::size_t sub = 0; sub < record.files.size() && sub < 64; ++sub) {
      if ((slots & (std::uint64_t{1} << sub)) == 0) continue;
      const auto file = record.files[sub];
      cache::BlobKey blob = Catalog::blob_key(record, file);
      std::string record_key = blob.record_key();
      if (m_entries.contains(record_key)) continue;
      // The stored size is an LMDB read: a worker looks it up (size_front), not this FUSE
      // thread under m_mutex. Until then the entry counts the average size.
      m_entries.emplace(record_key, Entry{key, State::queued, estimate_locked()});
      m_queue.push_back({std::move(record_key),
                         std::move(blob),
                         {file.choice.url(), std::nullopt},
                         tree,
                         ranked[rank],
                         file.ino});
    }
  }
}

void Prefetcher::drop_queued_locked(std::uint64_t dir) {
  std::erase_if(m_queue, [&](const Task& task) {
    auto found = m_entries.find(task.record_key);
    if (found == m_entries.end() || found->second.dir != dir) return false;
    m_entries.erase(found);
    return true;
  });
}

void Prefetcher::end_walks_locked(WalkClock::time_point now) {
  for (const std::uint64_t dir : m_detector.expire(now)) {
    drop_queued_locked(dir);
    m_slots.erase(dir);
    m_info_wanted.erase(dir);
    for (auto it = m_entries.begin(); it != m_entries.end();) {
      Entry& entry = it->second;
      if (entry.dir != dir) {
        ++it;
      } else if (entry.state == State::running) {
        entry.walk_ended = true;  // counted when it completes
        ++it;
      } else {
        m_stats.wasted_bytes += entry.bytes;  // done and never opened (opened ones are gone)
        m_bytes_unused -= entry.bytes;
        it = m_entries.erase(it);
      }
    }
  }
}

void Prefetcher::count_foreground_open_locked(const std::string& record_key) {
  auto found = m_entries.find(record_key);
  if (found == m_entries.end()) return;
  Entry& entry = found->second;
  switch (entry.state) {
    case State::queued:  // the foreground download starts now; do not race it
      std::erase_if(m_queue, [&](const Task& task) { return task.record_key == record_key; });
      m_entries.erase(found);
      return;
    case State::running:  // the foreground joins the download (single flight)
      entry.opened = true;
      return;
    case State::done:
      m_stats.used_bytes += entry.bytes;
      m_bytes_unused -= entry.bytes;
      m_entries.erase(found);
      start_tasks_locked();  // room under the unused-bytes budget
      return;
  }
}

std::uint64_t Prefetcher::estimate_locked() const {
  return m_stats.prefetched_files > 0 ? m_stats.prefetched_bytes / m_stats.prefetched_files
                                      : kUnknownSizeEstimate;
}

bool Prefetcher::front_unsized_locked() const {
  return !m_sizing && !m_queue.empty() && !m_queue.front().sized;
}

void Prefetcher::size_front(std::unique_lock<std::mutex>& lock) {
  const Task& front = m_queue.front();
  const std::string record_key = front.record_key;
  const std::shared_ptr<const model::Tree> tree = front.tree;
  const model::Ino ino = front.ino;
  m_sizing = true;
  lock.unlock();
  const auto node = tree->node(ino);
  const auto size = node ? m_catalog.known_size(*tree, *node) : std::nullopt;
  lock.lock();
  m_sizing = false;
  // The task may have been dropped (walk stopped) or opened in the foreground meanwhile.
  const auto task = std::find_if(m_queue.begin(), m_queue.end(), [&](const Task& queued) {
    return queued.record_key == record_key;
  });
  if (task == m_queue.end()) return;
  task->sized = true;
  task->source.expected_size = size;
  if (size) m_entries.at(record_key).bytes = *size;
}

bool Prefetcher::can_start_locked() const {
  if (m_queue.empty() || m_running >= std::max(1u, m_options.workers)) return false;
  if (!m_queue.front().sized) return false;  // size_front first
  const std::uint64_t next = m_entries.at(m_queue.front().record_key).bytes;
  if (m_running > 0 && m_bytes_running + next > m_options.max_bytes_in_flight) return false;
  if (m_options.cache_max_bytes == 0) return true;
  return m_bytes_unused + m_bytes_running + next <= m_options.cache_max_bytes / 4;
}

// ---- tasks ----------------------------------------------------------------------------------

void Prefetcher::start_tasks_locked() {
  // Tasks that are not downloading (queued on the WorkQueue, or sizing) each take one entry.
  // A refusal means the queue is shutting down: what is queued is dropped by stop().
  (void)m_tasks.top_up_locked(
      std::max(1U, m_options.workers),
      [this] {
        return !m_stop && m_tasks.count_locked() - m_running < m_queue.size() &&
               (front_unsized_locked() || can_start_locked());
      },
      [this] { task(); });
}

void Prefetcher::task() {
  std::unique_lock lock(m_mutex);
  // Sizes the queue's front as often as needed, then runs at most one download: the next
  // download is a new task, so walk-ahead and foreground tasks queued meanwhile go first.
  while (!m_stop) {
    end_walks_locked(WalkClock::now());
    if (front_unsized_locked()) {
      size_front(lock);
      continue;  // the budget is checked again with the stored size
    }
    if (!can_start_locked()) break;
    if (!m_online()) {  // offline: nothing queued survives
      while (!m_queue.empty()) {
        m_entries.erase(m_queue.front().record_key);
        m_queue.pop_front();
      }
      break;
    }
    if (!m_may_request()) {  // leave the rate bucket's tokens to foreground reads
      m_wake.wait_for(lock, kRateBackoff, [&] { return m_stop; });
      continue;
    }
    Task task = std::move(m_queue.front());
    m_queue.pop_front();
    Entry& entry = m_entries.at(task.record_key);
    entry.state = State::running;
    m_running += 1;
    m_bytes_running += entry.bytes;
    const bool warm_info = m_info_wanted.contains(entry.dir);
    lock.unlock();
    run_task(task, warm_info);
    lock.lock();
    break;
  }
  m_tasks.returned_locked();
  start_tasks_locked();  // the download's bytes and slot are free again
}

void Prefetcher::run_task(const Task& task, bool warm_info) {
  enum class Outcome : std::uint8_t { cached, downloaded, failed };
  Outcome outcome = Outcome::cached;
  std::uint64_t size = 0;
  if (!m_blobs.is_cached(task.key)) {
    outcome = Outcome::failed;
    auto reader = m_blobs.open(task.key, task.source);
    if (reader.ok() && reader->from_cache()) {
      outcome = Outcome::cached;
    } else if (reader.ok() && reader->wait().ok()) {
      const auto got = reader->size();
      if (got.ok()) {
        outcome = Outcome::downloaded;
        size = *got;
      }
    }
  }
  // Still in flight until its info.json is warm too: stats() never reports a settled
  // prefetcher with a comment fetch still running.
  if (warm_info) warm_info_json(task);
  const bool downloaded = outcome == Outcome::downloaded;
  std::lock_guard lock(m_mutex);
  Entry& entry = m_entries.at(task.record_key);
  m_running -= 1;
  m_bytes_running -= entry.bytes;
  if (!downloaded) {
    if (outcome == Outcome::failed) m_stats.failed += 1;
    m_entries.erase(task.record_key);  // cached already, failed, or offline
    return;
  }
  m_stats.prefetched_files += 1;
  m_stats.prefetched_bytes += size;
  entry.bytes = size;
  if (entry.opened) {
    m_stats.used_bytes += size;
    m_entries.erase(task.record_key);
  } else if (entry.walk_ended) {
    m_stats.wasted_bytes += size;
    m_entries.erase(task.record_key);
  } else {
    entry.state = State::done;
    m_bytes_unused += size;
  }
}

void Prefetcher::warm_info_json(const Task& task) {
  // After the image: info.json states the image's byte size, known now without a probe.
  const auto record = task.tree->photo(task.photo);
  const auto node = task.tree->node(record.sidecar_ino);
  if (!node || m_catalog.known_size(*task.tree, *node)) return;
  // Stores the comments (and the size) in the cache; a failure is the foreground's to see.
  (void)m_catalog.resolve_size(*task.tree, *node, kInfoBound);
}

// ---- stats ----------------------------------------------------------------------------------

std::size_t Prefetcher::orders_kept() const {
  std::lock_guard lock(m_mutex);
  return m_orders.size();
}

PrefetchStats Prefetcher::stats() const {
  std::lock_guard lock(m_mutex);
  PrefetchStats stats = m_stats;
  stats.queued = m_queue.size();
  stats.in_flight = m_running;
  stats.walks = m_detector.walks();
  return stats;
}

std::string Prefetcher::status_lines() {
  {
    std::lock_guard lock(m_mutex);
    end_walks_locked(WalkClock::now());  // an idle walk's unopened files count as wasted now
  }
  const PrefetchStats s = stats();
  std::ostringstream out;
  out << "prefetch_window=" << m_options.window << "\n";
  out << "prefetch_walks=" << s.walks << "\n";
  out << "prefetch_files=" << s.prefetched_files << "\n";
  out << "prefetch_bytes=" << s.prefetched_bytes << "\n";
  out << "prefetch_used_bytes=" << s.used_bytes << "\n";
  out << "prefetch_wasted_bytes=" << s.wasted_bytes << "\n";
  out << "prefetch_failed=" << s.failed << "\n";
  out << "prefetch_queued=" << s.queued << "\n";
  out << "prefetch_in_flight=" << s.in_flight << "\n";
  return out.str();
}

}  // namespace flickrfs::fs::prefetch
