#pragma once
// Thumbnailer: when a directory of pictures is listed (a page, an album, a --sizes page), it
// makes sure the mounting user's freedesktop thumbnail cache holds a valid thumbnail of each
// picture before the file manager would make one itself, which means reading the whole
// original through the mount. Each thumbnail is built from the smallest Flickr rendition
// that is large enough (freedesktop.hpp), so a page of 300 KB originals costs a few KB a
// picture instead (README "Thumbnails").
//
// Bounds: at most `workers` tasks at once on the shared api::WorkQueue, at
// Priority::thumbnails (the last kind: everything else goes first), one picture per task in
// listing order, so more urgent tasks queued meanwhile go first between two pictures; a rendition
// download only starts while the image rate bucket has a token to spare (`may_request`), and the
// mount adds `workers` to the BlobStore's download threads, so foreground opens keep theirs. A task
// waits only on a BlobStore download, never on another task of the queue (the WorkQueue deadlock
// rule). Listing another directory drops what is queued for the previous one ("the directory was
// left"). Offline (`online` false), only renditions already in the cache are used: no network.
// Renditions are ordinary blobs (evictable, never pinned). A thumbnail already valid (ours, or the
// file manager's own) is left alone; so is a picture done earlier in this mount.
//
// Thread contract: thread-safe. note_listing() runs on FUSE threads and does in-memory
// work only (no I/O; submitting a task takes the WorkQueue's leaf mutex). Tasks block on
// downloads and the disk. stop() (or the destructor) drops the queue and waits for the
// running tasks; it must run before the BlobStore and the WorkQueue are destroyed.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "api/task_group.hpp"
#include "api/types.hpp"
#include "api/work_queue.hpp"
#include "base/result.hpp"
#include "cache/blob_store.hpp"
#include "fs/model/tree.hpp"
#include "fs/thumbnail/freedesktop.hpp"

namespace flickrfs::fs::thumbnail {

struct ThumbnailerOptions {
  std::string mountpoint;  // absolute, as the file manager sees it
  std::string root;        // the mounting user's $XDG_CACHE_HOME/thumbnails
  std::vector<Flavor> flavors = {Flavor::normal, Flavor::large};
  unsigned workers = 4;
};

struct ThumbnailerStats {
  std::uint64_t written = 0;  // pictures whose thumbnails were written
  std::uint64_t valid = 0;    // pictures whose thumbnails were valid already
  std::uint64_t failed = 0;   // no usable rendition, download or decode failed
  std::uint64_t offline = 0;  // skipped: offline and the rendition not cached
  std::uint64_t queued = 0;
  std::uint64_t downloads = 0;        // renditions downloaded (not from the cache)
  std::uint64_t rendition_bytes = 0;  // their bytes
};

// One picture to thumbnail, owned (it may outlive the snapshot it came from).
struct ThumbnailJob {
  std::string uri;
  std::string name;  // thumbnail_name(uri)
  std::int64_t mtime = 0;
  std::optional<std::uint64_t> size;
  std::string mimetype;
  std::string photo_id;
  std::string secret;
};

// The jobs for listing `dir` of `tree`, in listing order: one per picture (image file, album
// image link, --sizes file); empty for any other directory. Pure (no I/O).
[[nodiscard]] std::vector<ThumbnailJob> jobs_for_listing(const model::Tree& tree,
                                                         const model::Node& dir,
                                                         const std::string& mountpoint);

class Thumbnailer {
 public:
  using Gate = std::function<bool()>;
  // The photo's size ladder (renditions, a video's poster renditions), from the cache.
  using SizesLookup = std::function<Result<std::vector<api::Size>>(const std::string& photo_id)>;

  Thumbnailer(cache::BlobStore& blobs, api::WorkQueue& queue, SizesLookup sizes,
              ThumbnailerOptions options, Gate online, Gate may_request);
  ~Thumbnailer();
  Thumbnailer(const Thumbnailer&) = delete;
  Thumbnailer& operator=(const Thumbnailer&) = delete;

  void note_listing(const std::shared_ptr<const model::Tree>& tree, const model::Node& dir);
  void stop();
  // Waits, at most `bound`, until the thumbnails queued for directory `dir` are written (or
  // another directory is listed); true when none is pending. Returns at once for a directory
  // that is not the one being worked on.
  [[nodiscard]] bool wait_for_dir(model::Ino dir, std::chrono::milliseconds bound);
  // Waits until nothing is queued or running (tests), at most `bound`; true when idle.
  [[nodiscard]] bool wait_idle(std::chrono::milliseconds bound);
  [[nodiscard]] ThumbnailerStats stats() const;
  // "thumbnails_*=value" lines for the status file.
  [[nodiscard]] std::string status_lines() const;

 private:
  enum class Outcome : std::uint8_t { written, valid, failed, offline, dropped };
  // Submits tasks until `workers` run or each queued picture has one.
  void start_tasks_locked();
  void task();
  [[nodiscard]] Outcome run(const ThumbnailJob& job, std::uint64_t generation);
  [[nodiscard]] bool all_valid(const ThumbnailJob& job) const;
  [[nodiscard]] Result<std::string> rendition_bytes(const ThumbnailJob& job, const api::Size& size,
                                                    std::uint64_t generation, bool& offline);
  [[nodiscard]] Result<void> write(const ThumbnailJob& job, Flavor flavor,
                                   const std::string& png) const;
  [[nodiscard]] bool current(std::uint64_t generation) const;

  cache::BlobStore& m_blobs;
  const SizesLookup m_sizes;
  const ThumbnailerOptions m_options;
  const Gate m_online;
  const Gate m_may_request;

  mutable std::mutex m_mutex;      // guards everything below
  std::condition_variable m_idle;  // nothing queued or running, or a directory left
  bool m_stop = false;
  model::Ino m_dir = 0;            // the directory listed last
  std::uint64_t m_generation = 0;  // bumped when another directory is listed
  std::deque<ThumbnailJob> m_queue;
  std::unordered_set<std::string> m_done;  // thumbnail names written or found valid
  std::uint64_t m_running = 0;             // pictures being thumbnailed
  api::TaskGroup m_tasks;                  // tasks submitted and not returned
  ThumbnailerStats m_stats;
};

}  // namespace flickrfs::fs::thumbnail
