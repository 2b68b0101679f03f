#pragma once
// UploadWorker: the thread of a `--writable` mount that puts the files queued in upload/
// (UploadArea) on Flickr with the same Uploader and spool state as `flickrfs upload`
// (<spool>/state), so a SIGKILL at any point is resumed by the next mount without a photo
// sent twice. Each round: send every queued job, wait for the tickets, file the albums,
// then drop the spooled files (first) and their records (second: a record without its file
// is pruned on start, a file without its record would be sent again).
//
// A replacement (a job with replace_photo_id) goes through Uploader::replace; once Flickr
// has it, `on_replaced` runs (the mount reads the photo's new secret, so the image shows the
// new file) before the spooled file goes.
//
// A job Flickr refuses for good (not an image, too large: stat:fail with an upload code) is
// moved to <spool>/refused/ and logged; nothing is deleted. Network trouble and an
// insufficient token are retried (5 s, 60 s) with the files kept.
//
// Thread contract: start()/stop() from the mount's thread; the loop runs on its own thread;
// status_lines() from any thread.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "api/flickr_client.hpp"
#include "fs/upload/upload_area.hpp"
#include "fs/upload/upload_spool.hpp"

namespace flickrfs::upload {

class UploadWorker {
 public:
  // `on_uploaded` runs after a round put photos on Flickr (the mount refreshes its listing);
  // `on_replaced` with the id of each photo replaced, on the worker's thread.
  UploadWorker(api::FlickrClient& client, UploadArea& area, UploadSpool spool,
               std::function<void()> on_uploaded,
               std::function<void(const std::string&)> on_replaced = {});
  ~UploadWorker();
  UploadWorker(const UploadWorker&) = delete;
  UploadWorker& operator=(const UploadWorker&) = delete;

  void start();
  void stop();
  // "uploads_queued=N\nuploads_done=N\nuploads_last_error=...\n"
  [[nodiscard]] std::string status_lines() const;

 private:
  void loop();
  [[nodiscard]] Result<std::size_t> round(const std::vector<Job>& jobs);
  [[nodiscard]] Result<void> refuse(const Job& job, const Error& why);

  api::FlickrClient& m_client;
  UploadArea& m_area;
  UploadSpool m_spool;
  std::function<void()> m_on_uploaded;
  std::function<void(const std::string&)> m_on_replaced;
  std::thread m_thread;
  std::atomic<bool> m_stop{false};
  std::atomic<std::size_t> m_queued{0};
  std::atomic<std::size_t> m_done{0};
  mutable std::mutex m_error_mutex;
  std::string m_last_error;
};

}  // namespace flickrfs::upload
