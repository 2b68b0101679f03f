#pragma once
// UploadArea: MOUNT/upload/ of a `--writable` mount, as a model without fuse headers.
//
//   upload/x.jpg            becomes a photo titled "x"
//   upload/<album>/x.jpg    ... and is added to the album of that title (created if missing)
//
// A file created here is written to a staging file in the spool directory
// (<spool>/incoming/<n>.part, mode 0600). Its release (the last close) fsyncs it, writes the
// job (<spool>/jobs/<n>.job: title, album; temp + fsync + rename) and renames the data to
// <spool>/files/<n>, fsyncing the directories: only then is the file queued, and from then
// on a crash or SIGKILL loses nothing (the UploadWorker finds the job on the next mount). A
// file whose write failed (ENOSPC ...) is dropped at release: the writer was told.
// Queued files stay listed (their size exact, readable) until Flickr has them; then the
// worker forgets them (forget_job) and they show up in photostream/ after a refresh.
//
// Replacements: an O_TRUNC open of a photostream image (begin_replace) is spooled the same
// way (same files, same job numbers; the job names the photo to replace) but is not listed
// in upload/: until Flickr has the new file, the image itself shows the spooled bytes
// (replacement_size, open_replacement). One replacement per photo at a time (EBUSY).
//
// Inode numbers: model::kUploadIno for upload/, and kUploadTag | n below it. The tree's
// hashed inode numbers (model/inode.hpp) never have that top byte, so owns() needs no table.
//
// Thread contract: thread-safe (one mutex); FUSE workers call it concurrently with the
// UploadWorker.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "cache/file_util.hpp"
#include "fs/model/catalog_view.hpp"
#include "fs/model/inode.hpp"
#include "fs/model/node.hpp"

namespace flickrfs::upload {

inline constexpr model::Ino kUploadTag = model::kUploadInoTag;
inline constexpr std::string_view kUploadDirName = "upload";

// A spooled file waiting for Flickr.
struct Job {
  std::uint64_t number = 0;
  std::string data_path;  // <spool>/files/<n>
  std::string title;
  std::string album;             // empty: none
  std::string replace_photo_id;  // non-empty: the new file of this photo (no title, no album)
};

class UploadArea;

// An open file of upload/: written while it is being created, readable after. Its
// OpenFile side serves reads (op::read works on it like on any other open file).
class UploadHandle final : public model::OpenFile {
 public:
  UploadHandle(model::Ino ino, cache::UniqueFd fd, bool writable, std::string replaces = {})
      : m_ino(ino), m_fd(std::move(fd)), m_writable(writable), m_replaces(std::move(replaces)) {}
  [[nodiscard]] std::uint64_t size() const override;
  [[nodiscard]] Result<std::size_t> read(std::uint64_t offset, std::span<char> out) override;
  [[nodiscard]] model::Ino ino() const { return m_ino; }
  [[nodiscard]] bool writable() const { return m_writable; }
  [[nodiscard]] int fd() const { return m_fd.get(); }
  // The photo whose replacement this is (empty: a file of upload/).
  [[nodiscard]] const std::string& replaces() const { return m_replaces; }

 private:
  model::Ino m_ino;
  cache::UniqueFd m_fd;
  bool m_writable;
  std::string m_replaces;
};

class UploadArea {
 public:
  // Opens (creating, 0700) the spool directory's incoming/, jobs/ and files/; drops
  // leftovers of interrupted writes; lists the queued jobs found (see pending_jobs()).
  [[nodiscard]] static Result<std::unique_ptr<UploadArea>> open(const std::string& spool_dir);

  [[nodiscard]] static bool owns(model::Ino ino) noexcept {
    return ino == model::kUploadIno || model::in_upload_range(ino);
  }
  [[nodiscard]] std::optional<model::Attr> attr(model::Ino ino) const;
  [[nodiscard]] std::optional<model::Attr> lookup(model::Ino parent, std::string_view name) const;
  // Entries of directory `dir` (without "." and "..").
  [[nodiscard]] Result<std::vector<model::DirEntry>> list(model::Ino dir) const;

  // mkdir upload/<album>: Errc::permission (EPERM) anywhere deeper.
  [[nodiscard]] Result<model::Attr> mkdir(model::Ino parent, std::string_view name);
  // A new file; an existing name is Errc::invalid_argument (EEXIST is mapped by the op).
  [[nodiscard]] Result<std::unique_ptr<UploadHandle>> create(model::Ino parent,
                                                             std::string_view name);
  // Read-only opens of a listed file.
  [[nodiscard]] Result<std::unique_ptr<UploadHandle>> open_read(model::Ino ino);
  [[nodiscard]] Result<std::size_t> write(UploadHandle& handle, std::string_view bytes,
                                          std::uint64_t offset);
  [[nodiscard]] Result<void> truncate(UploadHandle& handle, std::uint64_t size);
  // flush/fsync: the staged bytes on disk (errors reach close()).
  [[nodiscard]] Result<void> sync(UploadHandle& handle);
  // The last close: queue the file (see the header comment). A file that saw a failed
  // write is dropped instead.
  [[nodiscard]] Result<void> release(std::unique_ptr<UploadHandle> handle);

  // ---- Replacing a photostream image (upload_replace.cpp) --------------------------------
  // An O_TRUNC open of the image `ino` of `photo_id`: an empty staging file, written like a
  // new file of upload/ and queued by release(). Errc::permission with sys_errno EBUSY while
  // a replacement of that photo is being written or queued.
  [[nodiscard]] Result<std::unique_ptr<UploadHandle>> begin_replace(model::Ino ino,
                                                                    const std::string& photo_id);
  // The size of the replacement of `photo_id` being written or queued (nullopt: none).
  [[nodiscard]] std::optional<std::uint64_t> replacement_size(std::string_view photo_id) const;
  // A read-only open of that replacement (Errc::not_found when there is none any more).
  [[nodiscard]] Result<std::unique_ptr<UploadHandle>> open_replacement(model::Ino ino,
                                                                       std::string_view photo_id);

  // ---- The worker's side ----------------------------------------------------------------
  // Queued jobs, oldest first; waits up to `wait` for one when there is none.
  [[nodiscard]] std::vector<Job> pending_jobs(std::chrono::milliseconds wait);
  // The job is on Flickr (and in its album): its files go, its entry disappears.
  [[nodiscard]] Result<void> forget_job(std::uint64_t number);
  // Wakes pending_jobs() for good (unmount).
  void stop();
  // Called (outside the lock) with a directory whose listing changed, so the kernel's
  // cached listing can be dropped. Set before the mount serves requests.
  void set_change_listener(std::function<void(model::Ino dir)> listener) {
    m_listener = std::move(listener);
  }
  [[nodiscard]] const std::string& spool_dir() const { return m_dir; }

 private:
  struct Entry {
    model::Ino parent = 0;
    std::string name;
    bool dir = false;
    std::uint64_t size = 0;
    std::int64_t mtime = 0;
    std::uint64_t number = 0;  // files: the number of its staging, data and job files
    std::uint64_t job = 0;     // files: the job number once queued (0 while being written)
    bool failed = false;       // a write failed: dropped at release
    std::string staging;       // incoming/<n>.part while being written
  };
  explicit UploadArea(std::string dir) : m_dir(std::move(dir)) {}
  [[nodiscard]] Result<void> recover();
  [[nodiscard]] std::optional<model::Ino> child_locked(model::Ino parent,
                                                       std::string_view name) const;
  [[nodiscard]] model::Attr attr_locked(model::Ino ino, const Entry& entry) const;
  [[nodiscard]] model::Ino album_dir_locked(const std::string& album);
  [[nodiscard]] std::string album_of_locked(const Entry& entry) const;
  // The entry a handle writes (upload/ file or replacement); null when it is gone.
  [[nodiscard]] Entry* entry_locked(const UploadHandle& handle);

  void changed(model::Ino dir) const {
    if (m_listener) m_listener(dir);
  }

  std::string m_dir;
  std::function<void(model::Ino)> m_listener;
  mutable std::mutex m_mutex;
  std::condition_variable m_queued;
  std::map<model::Ino, Entry> m_entries;
  std::map<std::string, Entry, std::less<>> m_replacing;  // by photo id (Entry::name)
  std::map<std::uint64_t, Job> m_jobs;                    // queued, by number
  std::uint64_t m_next = 1;
  bool m_stopped = false;
  std::int64_t m_dir_mtime = 0;
};

}  // namespace flickrfs::upload
