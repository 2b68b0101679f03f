#pragma once
// Atomic file and symlink creation in DEST: bytes go to a temporary name in the same
// directory (".<name>.flickrfs-tmp-XXXXXX"), are fsynced with their mode and mtime already
// set, and only then renamed over the final name. A crash or SIGKILL at any moment leaves
// either the old file, the complete new file, or a temporary that the next run removes
// (remove_leftover_temps); never a partial file under a final name.
//
// Thread contract: an AtomicFile belongs to one thread; the free functions are thread-safe.

#include <sys/types.h>

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace flickrfs::mirror {

inline constexpr std::string_view kTempMarker = ".flickrfs-tmp-";

class AtomicFile {
 public:
  // Creates the temporary next to `final_path` (its directory must exist).
  [[nodiscard]] static Result<AtomicFile> create(const std::string& final_path);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&& other) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();  // removes the temporary unless committed

  [[nodiscard]] Result<void> write(const char* data, std::size_t size);
  // Drops everything written so far (a retried download starts again).
  [[nodiscard]] Result<void> truncate();
  [[nodiscard]] std::uint64_t bytes_written() const { return m_written; }
  [[nodiscard]] int fd() const { return m_fd; }

  // chmod, set mtime, fsync, rename over the final name. The directory entry is made
  // durable by fsync_directory (batched by the caller).
  [[nodiscard]] Result<void> commit(mode_t mode, const timespec& mtime);

  // commit() in two steps for group commit (committer.hpp): finish() sets mode and mtime and
  // starts writeback without waiting; make_durable_and_rename() fsyncs (cheap once another
  // fsync has committed the journal with this file's blocks) and renames.
  [[nodiscard]] Result<void> finish(mode_t mode, const timespec& mtime);
  [[nodiscard]] Result<void> make_durable_and_rename();
  [[nodiscard]] const std::string& final_path() const { return m_final_path; }

 private:
  AtomicFile(int fd, std::string temp_path, std::string final_path);

  int m_fd = -1;
  std::string m_temp_path;
  std::string m_final_path;
  std::uint64_t m_written = 0;
  bool m_committed = false;
};

// A symlink created under a temporary name and renamed over `final_path`, with its own
// mtime (utimensat AT_SYMLINK_NOFOLLOW).
[[nodiscard]] Result<void> replace_with_symlink(const std::string& final_path,
                                                const std::string& target, const timespec& mtime);

[[nodiscard]] Result<void> fsync_directory(const std::string& path);

// True for names made by AtomicFile / replace_with_symlink.
[[nodiscard]] bool is_temp_name(std::string_view name);

// Removes every temporary left under `root` by an interrupted run, the mirror's own state
// directory included (a SIGKILL while saving comments.tsv leaves one there); call it with
// DEST locked. Returns how many were removed.
[[nodiscard]] Result<std::size_t> remove_leftover_temps(const std::string& root);

// "a/b/c" -> "a/b"; "c" -> "".
[[nodiscard]] std::string parent_path(std::string_view path);
[[nodiscard]] std::string join_path(std::string_view base, std::string_view relative);

}  // namespace flickrfs::mirror
