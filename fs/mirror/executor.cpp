// See executor.hpp.
#include "fs/mirror/executor.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "fs/mirror/committer.hpp"
#include "fs/mirror/disk.hpp"
#include "fs/mirror/progress.hpp"

namespace flickrfs::mirror {

namespace {

Result<void> make_dirs(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) == 0) return success();
  if (errno == EEXIST) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return success();
    // A file or symlink is where the source has a directory: the source wins (as rsync).
    if (::unlink(path.c_str()) != 0) return error_from_errno(errno, "replace " + path);
    return make_dirs(path);
  }
  if (errno != ENOENT) return error_from_errno(errno, "mkdir " + path);
  const std::string parent = parent_path(path);
  if (parent.empty() || parent == path) return error_from_errno(ENOENT, "mkdir " + path);
  FLICKRFS_CHECK(make_dirs(parent));
  return make_dirs(path);
}

// Byte-for-byte comparison of two open files from offset 0.
bool same_bytes(int a, int b) {
  std::vector<char> left(1 << 18), right(1 << 18);
  off_t offset = 0;
  while (true) {
    const ssize_t na = ::pread(a, left.data(), left.size(), offset);
    const ssize_t nb = ::pread(b, right.data(), right.size(), offset);
    if (na < 0 || nb < 0 || na != nb) return false;
    if (na == 0) return true;
    if (std::memcmp(left.data(), right.data(), static_cast<std::size_t>(na)) != 0) return false;
    offset += na;
  }
}

Result<void> set_attrs(const std::string& path, const SourceEntry& entry) {
  const timespec times[2] = {entry.mtime, entry.mtime};
  if (entry.kind != EntryKind::symlink && ::chmod(path.c_str(), effective_mode(entry)) != 0) {
    return error_from_errno(errno, "chmod " + path);
  }
  if (::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
    return error_from_errno(errno, "set mtime of " + path);
  }
  return success();
}

class Executor {
 public:
  Executor(const Plan& plan, const std::string& dest, MirrorState& state, Fetcher& fetcher,
           const ExecOptions& options, const std::atomic<bool>& interrupt)
      : m_plan(plan),
        m_dest(dest),
        m_state(state),
        m_fetcher(fetcher),
        m_options(options),
        m_interrupt(interrupt) {}

  ExecReport run() {
    for (const auto& action : m_plan.make_dirs)
      check(action.path, "", make_dirs(full(action.path)));
    for (const auto& action : m_plan.moves)
      if (!stopped()) check(action.path, action.entry->owner, move(action));
    for (const auto& action : m_plan.links)
      if (!stopped()) check(action.path, action.entry->owner, link(action));
    for (const auto& late : m_plan.late_writes)
      m_dependents.emplace(late.entry->depends_on, &late);
    run_writes(to_pointers(m_plan.writes));
    if (!stopped()) run_writes(unclaimed_late_writes());
    if (!stopped()) finish_tree();
    for (const auto& dir : m_dirty_dirs)
      (void)fsync_directory(full(dir));
    record_current();
    m_report.interrupted = m_interrupt.load();
    return std::move(m_report);
  }

 private:
  std::string full(const std::string& relative) const { return join_path(m_dest, relative); }
  bool stopped() const { return m_cancel.load() || m_interrupt.load(); }

  // Records a failure; stops the run for a full disk or too many errors.
  void check(const std::string& path, const std::string& owner, Result<void> result) {
    if (result.ok()) return;
    const Error& error = result.error();
    std::lock_guard lock(m_mutex);
    if (error.code == Errc::interrupted && stopped()) return;
    if (error.code == Errc::no_space) {
      if (!m_report.no_space) {
        m_report.no_space = true;
        m_report.fatal_message = error.message;
      }
      m_cancel = true;
      return;
    }
    std::fprintf(stderr, "flickrfs mirror: failed: %s: %s\n", path.c_str(),
                 error.describe().c_str());
    m_report.failures.push_back(path + '\t' + owner + '\t' + error.describe());
    if (m_options.max_errors > 0 && m_report.failures.size() > m_options.max_errors) {
      m_report.too_many_errors = true;
      m_cancel = true;
    }
  }

  void journal(StateRecord record, const std::string& old_path = {}) {
    std::lock_guard lock(m_mutex);
    m_dirty_dirs.insert(parent_path(record.path));
    if (!old_path.empty()) {
      m_dirty_dirs.insert(parent_path(old_path));
      (void)m_state.journal_erase(old_path);
    }
    // A journal write failure only costs a re-download next time; the file itself is safe.
    (void)m_state.journal_put(std::move(record));
  }

  Result<void> move(const Action& action) {
    FLICKRFS_CHECK(make_dirs(full(parent_path(action.path))));
    if (::rename(full(action.from).c_str(), full(action.path).c_str()) != 0) {
      return error_from_errno(errno, "rename " + action.from);
    }
    FLICKRFS_CHECK(set_attrs(full(action.path), *action.entry));
    const DiskInfo disk = probe(m_dest, action.path);
    journal(record_for(*action.entry, static_cast<std::uint64_t>(disk.st.st_size)), action.from);
    std::lock_guard lock(m_mutex);  // late writes move from worker threads too
    ++m_report.moved;
    return success();
  }

  Result<void> link(const Action& action) {
    FLICKRFS_CHECK(make_dirs(full(parent_path(action.path))));
    FLICKRFS_CHECK(
        replace_with_symlink(full(action.path), action.entry->link_target, action.entry->mtime));
    journal(record_for(*action.entry, action.entry->link_target.size()));
    ++m_report.linked;
    return success();
  }

  // Writes one file. Returns true when its rename was handed to the committer (what depends
  // on it runs once it is in place), false when DEST already had these bytes.
  Result<bool> write(const Action& action) {
    const SourceEntry& entry = *action.entry;
    FLICKRFS_CHECK(make_dirs(full(parent_path(entry.path))));
    std::string rendered;
    const std::string* bytes = nullptr;
    if (entry.content.kind == ContentRef::Kind::inline_bytes) bytes = &entry.content.bytes;
    if (entry.content.kind == ContentRef::Kind::generated) {
      rendered = action.rendered ? action.bytes : entry.content.render(m_dest);
      if (!action.rendered && read_small_file(full(entry.path)) == rendered) {
        FLICKRFS_CHECK(set_attrs(full(entry.path), entry));  // rendered after its image: same
        journal(record_for(entry, rendered.size(), content_version(rendered)));
        std::lock_guard lock(m_mutex);
        ++m_report.unchanged;
        return false;
      }
      if (!action.from.empty() && read_small_file(full(action.from)) == rendered) {
        FLICKRFS_CHECK(move(action));  // the same bytes under their old name
        return false;
      }
      bytes = &rendered;
    }
    FLICKRFS_TRY(auto file, AtomicFile::create(full(entry.path)));
    if (bytes != nullptr) {
      FLICKRFS_CHECK(file.write(bytes->data(), bytes->size()));
      m_bytes += bytes->size();
    } else {
      const FetchContext ctx{&m_cancel, &m_bytes};
      FLICKRFS_CHECK(m_fetcher.fetch(entry, file, ctx));
    }
    if (entry.size_known && file.bytes_written() != entry.size) {
      return make_error(Errc::corrupt, "got " + std::to_string(file.bytes_written()) +
                                           " bytes, expected " + std::to_string(entry.size));
    }
    if (action.kind == ActionKind::verify && matches_existing(file, entry)) {
      FLICKRFS_CHECK(set_attrs(full(entry.path), entry));
      journal(record_for(entry, file.bytes_written()));
      std::lock_guard lock(m_mutex);
      ++m_report.verified;
      return false;  // the temporary is dropped by its destructor
    }
    const std::uint64_t size = file.bytes_written();
    FLICKRFS_CHECK(file.finish(effective_mode(entry), entry.mtime));
    std::string version = rendered.empty() ? std::string() : content_version(rendered);
    m_committer.submit(std::move(file), [this, &action, size, version](Result<void> done) {
      if (done.ok()) committed(action, size, version);
      check(action.path, action.entry->owner, std::move(done));
    });
    return true;
  }

  // On the committer thread, once `action`'s file is durable under its final name.
  void committed(const Action& action, std::uint64_t size, const std::string& version) {
    const SourceEntry& entry = *action.entry;
    journal(record_for(entry, size, version));
    {
      std::lock_guard lock(m_mutex);
      ++(action.kind == ActionKind::verify ? m_report.repaired : m_report.written);
      m_report.bytes += size;
    }
    if (entry.is_image || m_plan_counts_files) ++m_items_done;
    run_dependents(action.path);
  }

  bool matches_existing(const AtomicFile& file, const SourceEntry& entry) const {
    const int existing = ::open(full(entry.path).c_str(), O_RDONLY | O_CLOEXEC);
    if (existing < 0) return false;
    const bool same = same_bytes(file.fd(), existing);
    ::close(existing);
    return same;
  }

  static std::vector<const Action*> to_pointers(const std::vector<Action>& actions) {
    std::vector<const Action*> out;
    out.reserve(actions.size());
    for (const auto& action : actions)
      out.push_back(&action);
    return out;
  }

  // Claims a late write for one worker; false when another already took it.
  bool claim(const Action* late) {
    std::lock_guard lock(m_mutex);
    return m_claimed.insert(late).second;
  }

  std::vector<const Action*> unclaimed_late_writes() {
    std::vector<const Action*> out;
    for (const auto& late : m_plan.late_writes) {
      if (claim(&late)) out.push_back(&late);
    }
    return out;
  }

  // What is rendered from a file (a photo's info.json names its image's exact size) is
  // written as soon as that file is in place, while other workers wait on the network,
  // instead of thousands of small writes after the last download.
  void run_dependents(const std::string& path) {
    const auto [first, last] = m_dependents.equal_range(path);
    for (auto it = first; it != last && !stopped(); ++it) {
      if (claim(it->second)) write_one(*it->second);
    }
  }

  void write_one(const Action& action) {
    auto result = write(action);
    if (!result.ok()) {
      check(action.path, action.entry->owner, std::move(result).error());
      return;
    }
    if (!*result) run_dependents(action.path);  // already in place: nothing to wait for
  }

  void run_writes(const std::vector<const Action*>& writes) {
    m_plan_counts_files = std::none_of(writes.begin(), writes.end(),
                                       [](const Action* a) { return a->entry->is_image; });
    const std::size_t items = static_cast<std::size_t>(std::count_if(
        writes.begin(), writes.end(),
        [this](const Action* a) { return a->entry->is_image || m_plan_counts_files; }));
    Progress progress(stderr, m_options.progress, m_options.terminal,
                      m_plan_counts_files ? "files" : "photos", items, m_plan.bytes_to_write);
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> finished{0};
    std::vector<std::thread> workers;
    const std::size_t count = std::min<std::size_t>(std::max(1U, m_options.jobs), writes.size());
    for (std::size_t i = 0; i < count; ++i) {
      workers.emplace_back([&] {
        for (std::size_t index = next++; index < writes.size() && !stopped(); index = next++) {
          write_one(*writes[index]);
        }
        ++finished;
      });
    }
    while (finished.load() < count) {
      if (m_interrupt.load()) m_cancel = true;
      progress.update(m_items_done.load(), m_bytes.load());
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    for (auto& worker : workers)
      worker.join();
    m_committer.flush();
    progress.update(m_items_done.load(), m_bytes.load());
    progress.finish();
  }

  // Removals, pruning, then modes and mtimes bottom-up (a child's rename changes its parent's
  // mtime, so directories come last).
  void finish_tree() {
    for (const auto& action : m_plan.removals) {
      if (stopped()) return;
      const std::string path = full(action.path);
      const DiskInfo disk = probe(m_dest, action.path);
      const int rc = !disk.exists               ? 0
                     : S_ISDIR(disk.st.st_mode) ? ::rmdir(path.c_str())
                                                : ::unlink(path.c_str());
      if (rc != 0) {
        check(action.path, "", error_from_errno(errno, "delete " + action.path));
        continue;
      }
      std::lock_guard lock(m_mutex);
      (void)m_state.journal_erase(action.path);
      m_dirty_dirs.insert(parent_path(action.path));
      if (disk.exists) ++m_report.removed;
    }
    for (auto it = m_plan.prune_dirs.rbegin(); it != m_plan.prune_dirs.rend(); ++it)
      (void)::rmdir(full(*it).c_str());  // only succeeds when empty
    for (const SourceEntry* entry : m_plan.attr_fixes)
      check(entry->path, entry->owner, set_attrs(full(entry->path), *entry));
    for (const SourceEntry* entry : m_plan.directories)
      check(entry->path, "", set_attrs(full(entry->path), *entry));
  }

  // Up-to-date entries are (re)recorded so a lost or older state file heals itself.
  void record_current() {
    std::lock_guard lock(m_mutex);
    for (const auto& record : m_plan.current)
      m_state.put(record);
  }

  const Plan& m_plan;
  const std::string& m_dest;
  MirrorState& m_state;
  Fetcher& m_fetcher;
  const ExecOptions& m_options;
  const std::atomic<bool>& m_interrupt;
  std::atomic<bool> m_cancel{false};
  std::atomic<std::uint64_t> m_bytes{0};
  std::atomic<std::size_t> m_items_done{0};
  bool m_plan_counts_files = false;
  std::mutex m_mutex;  // guards m_report, m_state, m_dirty_dirs, m_claimed
  std::set<std::string> m_dirty_dirs;
  std::unordered_multimap<std::string, const Action*> m_dependents;  // by depends_on
  std::unordered_set<const Action*> m_claimed;                       // late writes taken
  ExecReport m_report;
  Committer m_committer;  // last: destroyed (flushed) before what its callbacks use
};

}  // namespace

ExecReport execute_plan(const Plan& plan, const std::string& dest, MirrorState& state,
                        Fetcher& fetcher, const ExecOptions& options,
                        const std::atomic<bool>& interrupt) {
  return Executor(plan, dest, state, fetcher, options, interrupt).run();
}

}  // namespace flickrfs::mirror
