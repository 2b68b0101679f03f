// See planner.hpp.
#include "fs/mirror/planner.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <set>
#include <unordered_set>

#include "fs/mirror/atomic_file.hpp"
#include "fs/mirror/disk.hpp"

namespace flickrfs::mirror {

namespace {

bool selected(const SourceEntry& entry, OnlyFilter only) {
  if (entry.kind == EntryKind::directory || only == OnlyFilter::all) return true;
  return (only == OnlyFilter::images) == entry.is_image;
}

Action action(ActionKind kind, const SourceEntry* entry, std::string path, std::string from = {}) {
  Action out;
  out.kind = kind;
  out.entry = entry;
  out.path = std::move(path);
  out.from = std::move(from);
  return out;
}

std::size_t depth(std::string_view path) {
  return static_cast<std::size_t>(std::count(path.begin(), path.end(), '/'));
}

class Planner {
 public:
  Planner(const DesiredTree& tree, const MirrorState& state, const std::string& dest,
          const PlanOptions& options)
      : m_tree(tree), m_state(state), m_dest(dest), m_options(options) {
    for (const auto& entry : tree.entries) {
      m_desired.insert(entry.path);
      if (!entry.owner.empty()) m_owners.insert(entry.owner);
    }
  }

  Result<Plan> run() {
    for (const auto& entry : m_tree.entries) {
      if (!selected(entry, m_options.only)) continue;
      switch (entry.kind) {
        case EntryKind::directory:
          plan_directory(entry);
          break;
        case EntryKind::file:
          plan_file(entry);
          break;
        case EntryKind::symlink:
          plan_symlink(entry);
          break;
      }
    }
    std::reverse(m_plan.directories.begin(), m_plan.directories.end());  // deepest first
    plan_stale_owned_files();
    if (m_options.delete_extraneous) FLICKRFS_CHECK(plan_deletions());
    sort_actions();
    return std::move(m_plan);
  }

 private:
  void plan_directory(const SourceEntry& entry) {
    const DiskInfo disk = probe(m_dest, entry.path);
    if (!disk.exists || !S_ISDIR(disk.st.st_mode)) {
      m_plan.make_dirs.push_back(action(ActionKind::make_dir, &entry, entry.path));
    }
    m_plan.directories.push_back(&entry);
  }

  void plan_file(const SourceEntry& entry) {
    if (!entry.unavailable.empty()) {  // keep DEST's copy, report the gap
      m_plan.failures.push_back(entry.path + '\t' + entry.owner + '\t' + entry.unavailable);
      return;
    }
    if (entry.content.kind == ContentRef::Kind::generated) {
      plan_generated(entry);
      return;
    }
    const DiskInfo disk = probe(m_dest, entry.path);
    if (disk.exists && S_ISREG(disk.st.st_mode)) {
      if (m_options.checksum && entry.content.kind != ContentRef::Kind::inline_bytes) {
        m_plan.writes.push_back(action(ActionKind::verify, &entry, entry.path));
        m_plan.bytes_to_write += entry.size;
        m_changing.insert(entry.path);
        return;
      }
      if (content_is_current(entry, disk.st)) {
        mark_current(entry, disk.st);
        return;
      }
    }
    if (try_move(entry)) return;
    m_plan.writes.push_back(action(ActionKind::write, &entry, entry.path));
    m_plan.bytes_to_write += entry.size;
    m_changing.insert(entry.path);
  }

  // Rendered now when its input (the image) stays as it is, else after the image is written.
  // A rendering the mirror wrote under another name (a retitle, a page shift, or the layout
  // before photos were files, where it was <stem>/info.json) is renamed when its bytes match.
  void plan_generated(const SourceEntry& entry) {
    if (!entry.depends_on.empty() && m_changing.count(entry.depends_on) > 0) {
      Action late = action(ActionKind::write, &entry, entry.path, moved_rendering(entry));
      if (!late.from.empty()) m_plan.prune_dirs.push_back(parent_path(late.from));
      m_plan.late_writes.push_back(std::move(late));
      return;
    }
    std::string bytes = entry.content.render(m_dest);
    const DiskInfo disk = probe(m_dest, entry.path);
    if (!disk.exists) {
      std::string from = moved_rendering(entry);
      if (!from.empty() && read_small_file(join_path(m_dest, from)) == bytes) {
        m_consumed.insert(from);
        m_plan.prune_dirs.push_back(parent_path(from));
        m_plan.moves.push_back(action(ActionKind::move, &entry, entry.path, std::move(from)));
        return;
      }
    }
    if (disk.exists && S_ISREG(disk.st.st_mode) &&
        static_cast<std::size_t>(disk.st.st_size) == bytes.size() &&
        read_small_file(join_path(m_dest, entry.path)) == bytes) {
      ++m_plan.up_to_date;
      m_plan.current.push_back(record_for(entry, bytes.size(), content_version(bytes)));
      if (!same_time(disk.st.st_mtim, entry.mtime) ||
          (disk.st.st_mode & 07777) != effective_mode(entry)) {
        m_plan.attr_fixes.push_back(&entry);
      }
      return;
    }
    m_plan.bytes_to_write += bytes.size();
    Action write = action(ActionKind::write, &entry, entry.path);
    write.bytes = std::move(bytes);
    write.rendered = true;
    m_plan.writes.push_back(std::move(write));
  }

  bool content_is_current(const SourceEntry& entry, const struct stat& st) const {
    const auto disk_size = static_cast<std::uint64_t>(st.st_size);
    if (entry.size_known && disk_size != entry.size) return false;
    if (entry.content.kind == ContentRef::Kind::inline_bytes) {
      return read_small_file(join_path(m_dest, entry.path)) == entry.content.bytes;
    }
    const StateRecord* record = m_state.find(entry.path);
    if (!entry.version.empty() && record != nullptr) {
      return record->version == entry.version && record->size == disk_size;
    }
    // rsync's quick check. Files under final names are always complete and get their final
    // mtime before the rename, so this also adopts files whose state record was lost.
    return entry.size_known && same_time(st.st_mtim, entry.mtime);
  }

  void mark_current(const SourceEntry& entry, const struct stat& st) {
    ++m_plan.up_to_date;
    m_plan.current.push_back(record_for(entry, static_cast<std::uint64_t>(st.st_size)));
    if (!same_time(st.st_mtim, entry.mtime) || (st.st_mode & 07777) != effective_mode(entry)) {
      m_plan.attr_fixes.push_back(&entry);
    }
  }

  // The path of the owner's file with this role from the last run, when the source no longer
  // wants it there and DEST still has it; else "".
  std::string moved_rendering(const SourceEntry& entry) const {
    if (entry.owner.empty()) return {};
    const StateRecord* old = m_state.find_owned(entry.owner, entry.role);
    if (old == nullptr || old->path == entry.path || m_desired.count(old->path) > 0 ||
        m_consumed.count(old->path) > 0 || !probe(m_dest, old->path).exists) {
      return {};
    }
    return old->path;
  }

  // A photo's file whose bytes did not change but whose name or page did: rename it.
  bool try_move(const SourceEntry& entry) {
    if (entry.owner.empty() || entry.version.empty()) return false;
    const StateRecord* old = m_state.find_owned(entry.owner, entry.role);
    if (old == nullptr || old->path == entry.path || old->version != entry.version ||
        m_desired.count(old->path) > 0 || m_consumed.count(old->path) > 0) {
      return false;
    }
    const DiskInfo disk = probe(m_dest, old->path);
    if (!disk.exists || !S_ISREG(disk.st.st_mode) ||
        static_cast<std::uint64_t>(disk.st.st_size) != old->size) {
      return false;
    }
    m_consumed.insert(old->path);
    m_changing.insert(entry.path);
    m_plan.moves.push_back(action(ActionKind::move, &entry, entry.path, old->path));
    m_plan.prune_dirs.push_back(parent_path(old->path));
    return true;
  }

  void plan_symlink(const SourceEntry& entry) {
    const DiskInfo disk = probe(m_dest, entry.path);
    if (disk.exists && S_ISLNK(disk.st.st_mode) &&
        read_link_target(join_path(m_dest, entry.path)) == entry.link_target) {
      mark_current(entry, disk.st);
      return;
    }
    m_plan.links.push_back(action(ActionKind::link, &entry, entry.path));
  }

  // Files the mirror wrote for a photo that still exists but now lives elsewhere.
  void plan_stale_owned_files() {
    for (const auto& [path, record] : m_state.records()) {
      if (record.owner.empty() || m_desired.count(path) > 0 || m_consumed.count(path) > 0 ||
          m_owners.count(record.owner) == 0) {
        continue;
      }
      if (probe(m_dest, path).exists) {
        m_plan.removals.push_back(action(ActionKind::remove, nullptr, path));
        m_removed.insert(path);
      }
      m_plan.prune_dirs.push_back(parent_path(path));
    }
  }

  Result<void> plan_deletions() {
    // favorites/ alone does not count: an account whose own photos all vanished from the
    // listing is far more likely a broken listing than an emptied account.
    const bool has_files =
        std::any_of(m_tree.entries.begin(), m_tree.entries.end(), [](const SourceEntry& e) {
          return e.kind != EntryKind::directory && !e.path.starts_with("favorites/");
        });
    if (!m_tree.complete) {
      m_plan.delete_refused = "the source listing is incomplete (" + m_tree.incomplete_reason + ")";
      return success();
    }
    if (!has_files) {
      m_plan.delete_refused = "the source listing is empty";
      return success();
    }
    FLICKRFS_TRY(auto extraneous, list_extraneous(m_dest, m_desired));
    for (auto& path : extraneous) {
      if (m_removed.insert(path).second) {
        m_plan.removals.push_back(action(ActionKind::remove, nullptr, std::move(path)));
      }
    }
    return success();
  }

  void sort_actions() {
    const bool newest = m_options.order == Order::newest;
    std::stable_sort(
        m_plan.writes.begin(), m_plan.writes.end(), [newest](const Action& a, const Action& b) {
          return newest ? a.entry->order > b.entry->order : a.entry->order < b.entry->order;
        });
    std::stable_sort(m_plan.removals.begin(), m_plan.removals.end(),
                     [](const Action& a, const Action& b) {
                       const auto da = depth(a.path), db = depth(b.path);
                       return da != db ? da > db : a.path > b.path;
                     });
    // Ancestors that the source does not have either may become empty too.
    for (std::size_t i = 0; i < m_plan.prune_dirs.size(); ++i) {
      std::string up = parent_path(m_plan.prune_dirs[i]);
      if (!up.empty() && m_desired.count(up) == 0) m_plan.prune_dirs.push_back(std::move(up));
    }
    std::sort(m_plan.prune_dirs.begin(), m_plan.prune_dirs.end());
    m_plan.prune_dirs.erase(std::unique(m_plan.prune_dirs.begin(), m_plan.prune_dirs.end()),
                            m_plan.prune_dirs.end());
    std::erase_if(m_plan.prune_dirs, [this](const std::string& dir) {
      return dir.empty() || m_desired.count(dir) > 0;
    });
  }

  const DesiredTree& m_tree;
  const MirrorState& m_state;
  const std::string& m_dest;
  const PlanOptions& m_options;
  std::unordered_set<std::string> m_desired;
  std::unordered_set<std::string> m_owners;
  std::unordered_set<std::string> m_consumed;  // old paths taken by a move
  std::unordered_set<std::string> m_removed;
  std::unordered_set<std::string> m_changing;  // written or moved in this run
  Plan m_plan;
};

std::string human_kind(const Action& action) {
  if (action.kind == ActionKind::verify) return "verify";
  switch (action.entry->content.kind) {
    case ContentRef::Kind::url:
      return "download";
    case ContentRef::Kind::local_file:
      return "copy";
    default:
      return "write";
  }
}

}  // namespace

Result<Plan> plan_mirror(const DesiredTree& tree, const MirrorState& state, const std::string& dest,
                         const PlanOptions& options) {
  return Planner(tree, state, dest, options).run();
}

std::string describe_plan(const Plan& plan) {
  std::string out;
  for (const auto& a : plan.make_dirs)
    out += "mkdir " + a.path + "/\n";
  for (const auto& a : plan.moves)
    out += "rename " + a.from + " -> " + a.path + "\n";
  for (const auto& a : plan.writes)
    out += human_kind(a) + " " + a.path + "\n";
  for (const auto& a : plan.late_writes)
    out += "render " + a.path + " (after its image)\n";
  for (const auto& a : plan.links)
    out += "link " + a.path + " -> " + a.entry->link_target + "\n";
  for (const auto& a : plan.removals)
    out += "delete " + a.path + "\n";
  if (!plan.delete_refused.empty()) out += "refusing --delete: " + plan.delete_refused + "\n";
  for (const auto& line : plan.failures)
    out += "unavailable " + line.substr(0, line.find('\t')) + "\n";
  out += "would write " + std::to_string(plan.writes.size() + plan.late_writes.size()) +
         " files (" + std::to_string(plan.bytes_to_write) + " bytes known), rename " +
         std::to_string(plan.moves.size()) + ", link " + std::to_string(plan.links.size()) +
         ", delete " + std::to_string(plan.removals.size()) + "; " +
         std::to_string(plan.up_to_date) + " up to date\n";
  return out;
}

StateRecord record_for(const SourceEntry& entry, std::uint64_t size, std::string version) {
  StateRecord record;
  record.path = entry.path;
  record.kind = entry.kind;
  record.owner = entry.owner;
  record.role = entry.role;
  record.version = version.empty() ? entry.version : std::move(version);
  if (record.version.empty() && entry.content.kind == ContentRef::Kind::inline_bytes) {
    record.version = content_version(entry.content.bytes);
  }
  record.size = size;
  record.mtime = entry.mtime;
  return record;
}

std::string content_version(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4U)
    out[static_cast<std::size_t>(i)] = kHex[hash & 0xFU];
  return "fnv:" + out;
}

}  // namespace flickrfs::mirror
