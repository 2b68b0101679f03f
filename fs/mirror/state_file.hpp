#pragma once
// The mirror's memory of what it wrote into DEST: DEST/.flickrfs-mirror/state.tsv, one record
// per file or symlink (path, kind, owner photo id, role, version, size, mtime). It lets a
// rerun skip unchanged photos without any per-photo call, rename a retitled photo's files
// instead of downloading them again, and remove files of a photo that moved.
//
// The file is rewritten atomically (temp + fsync + rename) at the end of a run; during a run
// every change is appended to state.journal right after the file is renamed into place, so a
// SIGKILL loses at most the records of files being renamed at that instant (load() replays
// the journal and ignores a torn last line). Losing both is harmless: files under
// final names are always complete and carry their final mtime, so a run without state adopts
// them by size and mtime. Also here: failed.txt (the failures of the last run) and the lock
// that keeps two mirrors out of one DEST.
//
// Thread contract: MirrorState is not synchronized; the executor guards it with a mutex.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "fs/mirror/entry.hpp"

namespace flickrfs::mirror {

inline constexpr std::string_view kStateDirName = ".flickrfs-mirror";

struct StateRecord {
  std::string path;
  EntryKind kind = EntryKind::file;
  std::string owner;
  std::string role;
  std::string version;
  std::uint64_t size = 0;
  timespec mtime{};
};

class MirrorState {
 public:
  // A missing state file is an empty state; a damaged one is an error naming the line.
  [[nodiscard]] static Result<MirrorState> load(const std::string& dest);
  [[nodiscard]] Result<void> save(const std::string& dest) const;

  [[nodiscard]] const StateRecord* find(std::string_view path) const;
  // The record of `owner` with `role`, if any.
  [[nodiscard]] const StateRecord* find_owned(std::string_view owner, std::string_view role) const;
  [[nodiscard]] std::vector<const StateRecord*> owned_by(std::string_view owner) const;

  void put(StateRecord record);
  void erase(std::string_view path);

  // Journaled changes: put/erase plus one appended line in state.journal.
  [[nodiscard]] Result<void> open_journal(const std::string& dest);
  [[nodiscard]] Result<void> journal_put(StateRecord record);
  [[nodiscard]] Result<void> journal_erase(std::string_view path);
  MirrorState() = default;
  MirrorState(MirrorState&& other) noexcept;
  MirrorState& operator=(MirrorState&& other) noexcept;
  MirrorState(const MirrorState&) = delete;
  MirrorState& operator=(const MirrorState&) = delete;
  ~MirrorState();
  [[nodiscard]] std::size_t size() const { return m_by_path.size(); }
  [[nodiscard]] const std::map<std::string, StateRecord, std::less<>>& records() const {
    return m_by_path;
  }

 private:
  std::map<std::string, StateRecord, std::less<>> m_by_path;
  std::multimap<std::string, std::string, std::less<>> m_paths_by_owner;
  int m_journal_fd = -1;
};

// DEST/.flickrfs-mirror, created on demand.
[[nodiscard]] Result<std::string> ensure_state_dir(const std::string& dest);

// Rewrites DEST/.flickrfs-mirror/failed.txt ("path<TAB>photo id<TAB>error" per line); an
// empty list removes it.
[[nodiscard]] Result<void> write_failed_list(const std::string& dest,
                                             const std::vector<std::string>& lines);

// Exclusive lock on DEST/.flickrfs-mirror/lock for the life of the returned fd (-1 on error).
[[nodiscard]] Result<int> lock_dest(const std::string& dest);

// Percent-escapes '%', TAB, LF and CR so any file name fits one TSV field.
[[nodiscard]] std::string escape_field(std::string_view raw);
[[nodiscard]] Result<std::string> unescape_field(std::string_view escaped);

}  // namespace flickrfs::mirror
