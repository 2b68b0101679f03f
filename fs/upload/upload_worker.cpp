// UploadWorker (see upload_worker.hpp).
#include "fs/upload/upload_worker.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "api/retry.hpp"
#include "cache/cache_dir.hpp"
#include "fs/log.hpp"
#include "fs/upload/uploader.hpp"

namespace flickrfs::upload {

namespace {

constexpr auto kIdleWait = std::chrono::seconds(1);
constexpr int kRetrySeconds = 5;
constexpr int kAuthRetrySeconds = 60;

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// Flickr's upload codes 2-14 (no photo, zero size, type not recognised, too large ...)
// refuse this file for good, and for a replacement also 1 (photo not found, or not a Pro
// account); everything else is worth another try.
bool refused_for_good(const Error& error, bool replace) {
  const int lowest = replace ? 1 : 2;
  return error.code != Errc::auth && error.has_flickr_code && error.flickr_code >= lowest &&
         error.flickr_code <= 14 && !api::is_retryable(error);
}

}  // namespace

UploadWorker::UploadWorker(api::FlickrClient& client, UploadArea& area, UploadSpool spool,
                           std::function<void()> on_uploaded,
                           std::function<void(const std::string&)> on_replaced)
    : m_client(client),
      m_area(area),
      m_spool(std::move(spool)),
      m_on_uploaded(std::move(on_uploaded)),
      m_on_replaced(std::move(on_replaced)) {}

UploadWorker::~UploadWorker() {
  stop();
}

void UploadWorker::start() {
  // Records whose file is gone were finished just before a crash.
  m_spool.remove_if([](const SpoolRecord& r) { return !exists(r.path); });
  if (auto saved = m_spool.save(); !saved.ok()) {
    fs::log::warning("upload spool: %s", saved.error().describe().c_str());
  }
  m_thread = std::thread([this] { loop(); });
}

void UploadWorker::stop() {
  m_stop = true;
  m_area.stop();
  if (m_thread.joinable()) m_thread.join();
}

std::string UploadWorker::status_lines() const {
  std::lock_guard lock(m_error_mutex);
  return "uploads_queued=" + std::to_string(m_queued.load()) +
         "\nuploads_done=" + std::to_string(m_done.load()) +
         "\nuploads_last_error=" + m_last_error + "\n";
}

Result<void> UploadWorker::refuse(const Job& job, const Error& why) {
  const std::string dir = m_area.spool_dir() + "/refused";
  FLICKRFS_CHECK(cache::ensure_private_dir(dir));
  const std::string kept = dir + "/" + std::to_string(job.number);
  if (::rename(job.data_path.c_str(), kept.c_str()) != 0) {
    return make_error(Errc::io, kept + ": " + std::strerror(errno));
  }
  fs::log::warning("upload of \"%s\" refused by Flickr (%s); the file is kept as %s",
                   job.title.c_str(), why.describe().c_str(), kept.c_str());
  m_spool.remove_if([&](const SpoolRecord& r) { return r.path == job.data_path; });
  FLICKRFS_CHECK(m_area.forget_job(job.number));
  return m_spool.save();
}

Result<std::size_t> UploadWorker::round(const std::vector<Job>& jobs) {
  Uploader uploader(m_client, m_spool, std::nullopt);
  for (const auto& job : jobs) {
    if (m_stop) return make_error(Errc::interrupted, "unmounting");
    const bool replace = !job.replace_photo_id.empty();
    auto sent = replace ? uploader.replace(job.data_path, job.replace_photo_id)
                        : uploader.send(job.data_path, job.title, job.album);
    if (!sent.ok() && refused_for_good(sent.error(), replace)) {
      FLICKRFS_CHECK(refuse(job, sent.error()));
      continue;
    }
    FLICKRFS_CHECK(sent);
  }
  FLICKRFS_CHECK(uploader.settle_tickets(std::chrono::minutes(2)));
  FLICKRFS_CHECK(uploader.file_albums());
  std::size_t finished = 0;
  for (const auto& job : jobs) {
    bool done = false;
    for (const auto& r : m_spool.records()) {
      if (r.path == job.data_path && r.state == SpoolRecord::State::done && r.album.empty()) {
        done = true;
      }
    }
    if (!done) continue;
    if (!job.replace_photo_id.empty() && m_on_replaced) m_on_replaced(job.replace_photo_id);
    FLICKRFS_CHECK(m_area.forget_job(job.number));  // the file first, then its record
    m_spool.remove_if([&](const SpoolRecord& r) { return r.path == job.data_path; });
    FLICKRFS_CHECK(m_spool.save());
    ++finished;
  }
  return finished;
}

void UploadWorker::loop() {
  while (!m_stop) {
    const auto jobs = m_area.pending_jobs(kIdleWait);
    m_queued = jobs.size();
    if (jobs.empty() || m_stop) continue;
    auto finished = round(jobs);
    if (finished.ok()) {
      m_done += *finished;
      m_queued -= std::min(m_queued.load(), *finished);
      if (*finished > 0 && m_on_uploaded) m_on_uploaded();
      continue;
    }
    if (m_stop) break;
    const Error& error = finished.error();
    {
      std::lock_guard lock(m_error_mutex);
      m_last_error = explain_upload_error(error).describe();
    }
    fs::log::warning("uploads: %s; %zu file(s) kept in the spool, retrying",
                     explain_upload_error(error).describe().c_str(), jobs.size());
    const int pause = error.code == Errc::auth ? kAuthRetrySeconds : kRetrySeconds;
    for (int k = 0; k < pause * 10 && !m_stop; ++k)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace flickrfs::upload
