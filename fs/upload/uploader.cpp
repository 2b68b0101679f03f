// Uploader (see uploader.hpp).
#include "fs/upload/uploader.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "api/parse/photos.hpp"
#include "api/retry.hpp"
#include "cache/file_util.hpp"

namespace flickrfs::upload {

namespace {

constexpr auto kTicketPoll = std::chrono::milliseconds(250);
constexpr int kCreateTries = 3;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string title_from_path(const std::string& path) {
  const auto slash = path.rfind('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const auto dot = name.rfind('.');
  return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
}

Error explain_upload_error(Error error) {
  if (error.code == Errc::auth && error.has_flickr_code && error.flickr_code == 99) {
    error.message =
        "this token may not upload (Flickr: insufficient permissions); run "
        "`flickrfs auth --perms write`";
  }
  return error;
}

Result<std::string> Uploader::find_on_flickr(const SpoolRecord& record) {
  const std::string method = "flickr.people.getPhotos";
  FLICKRFS_TRY(const std::string body,
               m_client.call_raw(method, {{"user_id", "me"},
                                          {"min_upload_date", std::to_string(record.sent_at - 60)},
                                          {"extras", "url_o,original_format"},
                                          {"per_page", "500"}}));
  FLICKRFS_TRY(const api::PhotoPage page, api::parse::photo_page(body, method));
  const std::string title = record.title.empty() ? title_from_path(record.path) : record.title;
  for (const auto& photo : page.photos) {
    if (photo.title != title) continue;
    for (const auto& size : photo.sizes) {
      if (size.label != "Original" || size.source.empty()) continue;
      FLICKRFS_TRY(const bool same, holds_record_file(size.source, record));
      if (same) return photo.id;
    }
  }
  return std::string();
}

SpoolRecord& Uploader::add_record(const std::string& path, std::uint64_t size,
                                  const std::string& sha256) {
  SpoolRecord fresh;
  fresh.path = path;
  fresh.size = size;
  fresh.sha256 = sha256;
  return m_spool.add(std::move(fresh));
}

Result<void> Uploader::send(const std::string& path, const std::string& title,
                            const std::string& album, const Progress& progress) {
  FLICKRFS_TRY(const auto digest, cache::hash_file(path));
  const std::string sha = cache::to_hex(digest.first);
  SpoolRecord* record = m_spool.find(path, digest.second, sha);
  if (record != nullptr && record->state != SpoolRecord::State::sending) {
    if (record->state == SpoolRecord::State::done && record->album.empty() && !album.empty() &&
        record->title == title) {
      record->album = album;  // uploaded by an earlier run without --album
      return m_spool.save();
    }
    return success();
  }
  if (record != nullptr) {  // killed while sending: Flickr may have it already
    FLICKRFS_TRY(const std::string found, find_on_flickr(*record));
    if (!found.empty()) {
      record->photo_id = found;
      record->state = SpoolRecord::State::done;
      return m_spool.save();
    }
  } else {
    record = &add_record(path, digest.second, sha);
    record->title = title;
    record->album = album;
  }
  api::FlickrClient::UploadRequest request;
  request.file_path = path;
  request.title = record->title;
  request.is_public = m_is_public;
  request.async = true;
  request.retry = false;  // a lost reply is looked for on Flickr below, not sent blindly
  const int attempts = std::max(1, m_client.options().retry.max_attempts);
  Result<api::parse::UploadReply> reply = make_error(Errc::internal, "not sent");
  for (int attempt = 1;; ++attempt) {
    record->sent_at = unix_now();
    FLICKRFS_CHECK(m_spool.save());  // on disk before the first byte leaves
    reply = m_client.upload(request, progress);
    if (reply.ok() || !api::is_retryable(reply.error()) || attempt >= attempts) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250) * attempt);
    FLICKRFS_TRY(const std::string found, find_on_flickr(*record));
    if (!found.empty()) {  // Flickr took it; only the reply was lost
      record->photo_id = found;
      record->state = SpoolRecord::State::done;
      return m_spool.save();
    }
  }
  if (!reply.ok()) return explain_upload_error(std::move(reply).error());
  if (!reply->ticket_id.empty()) {
    record->ticket = reply->ticket_id;
    record->state = SpoolRecord::State::ticket;
  } else {
    record->photo_id = reply->photo_id;
    record->state = SpoolRecord::State::done;
  }
  return m_spool.save();
}

Result<bool> Uploader::original_is(const std::string& photo_id, const SpoolRecord& record) {
  FLICKRFS_TRY(const auto sizes, m_client.sizes(photo_id));
  for (const auto& size : sizes) {
    if (size.label != "Original" || size.source.empty()) continue;
    return holds_record_file(size.source, record);
  }
  return false;
}

Result<bool> Uploader::holds_record_file(const std::string& url, const SpoolRecord& record) {
  cache::Sha256 hash;
  std::uint64_t bytes = 0;
  FLICKRFS_CHECK(m_client.download(url, 0, [&](std::string_view chunk) {
    hash.update(chunk);
    bytes += chunk.size();
    return success();
  }));
  return bytes == record.size && cache::to_hex(hash.finish()) == record.sha256;
}

Result<void> Uploader::replace(const std::string& path, const std::string& photo_id) {
  FLICKRFS_TRY(const auto digest, cache::hash_file(path));
  const std::string sha = cache::to_hex(digest.first);
  SpoolRecord* record = m_spool.find(path, digest.second, sha);
  if (record != nullptr && record->state == SpoolRecord::State::done) return success();
  if (record != nullptr) {  // killed while sending: the replace may have landed
    FLICKRFS_TRY(const bool landed, original_is(photo_id, *record));
    if (landed) {
      record->state = SpoolRecord::State::done;
      return m_spool.save();
    }
  } else {
    record = &add_record(path, digest.second, sha);
    record->photo_id = photo_id;
  }
  api::FlickrClient::UploadRequest request;
  request.file_path = path;
  request.replace_photo_id = photo_id;
  request.async = false;
  request.retry = false;  // a lost reply is checked against the Original below, not resent
  const int attempts = std::max(1, m_client.options().retry.max_attempts);
  for (int attempt = 1;; ++attempt) {
    record->sent_at = unix_now();
    FLICKRFS_CHECK(m_spool.save());  // on disk before the first byte leaves
    auto reply = m_client.upload(request);
    if (reply.ok()) break;
    if (!api::is_retryable(reply.error()) || attempt >= attempts) {
      return explain_upload_error(std::move(reply).error());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250) * attempt);
    FLICKRFS_TRY(const bool landed, original_is(photo_id, *record));
    if (landed) break;  // Flickr took it; only the reply was lost
  }
  record->state = SpoolRecord::State::done;
  return m_spool.save();
}

Result<void> Uploader::settle_tickets(std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    std::vector<std::string> pending;
    for (const auto& r : m_spool.records()) {
      if (r.state == SpoolRecord::State::ticket) pending.push_back(r.ticket);
    }
    if (pending.empty()) return success();
    if (std::chrono::steady_clock::now() > deadline) {
      return make_error(Errc::unavailable,
                        std::to_string(pending.size()) + " upload tickets still pending");
    }
    FLICKRFS_TRY(const auto statuses, m_client.check_tickets(pending));
    bool changed = false;
    for (const auto& status : statuses) {
      for (auto& r : m_spool.records()) {
        if (r.state != SpoolRecord::State::ticket || r.ticket != status.id) continue;
        if (status.complete == 1 && !status.photo_id.empty()) {
          r.photo_id = status.photo_id;
          r.state = SpoolRecord::State::done;
          changed = true;
        } else if (status.invalid || status.complete == 2) {
          r.state = SpoolRecord::State::sending;  // look for it, else send again
          r.ticket.clear();
          changed = true;
        }
      }
    }
    if (changed) FLICKRFS_CHECK(m_spool.save());
    if (!changed) std::this_thread::sleep_for(kTicketPoll);
  }
}

Result<std::string> Uploader::album_for(const std::string& title, const std::string& primary,
                                        bool* created) {
  *created = false;
  Error last = make_error(Errc::internal, "album '" + title + "' could not be created");
  for (int attempt = 0; attempt < kCreateTries; ++attempt) {
    // Read again before every create: a create whose reply was lost may have made it.
    FLICKRFS_TRY(const auto sets, m_client.photosets("me"));
    for (const auto& set : sets) {
      if (set.title == title) {
        *created = set.primary == primary;
        return set.id;
      }
    }
    auto made = m_client.create_photoset(title, primary);
    if (made.ok()) {
      *created = true;
      return made;
    }
    last = std::move(made).error();
    if (!api::is_retryable(last)) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(500) * (attempt + 1));
  }
  return last;
}

Result<void> Uploader::file_albums() {
  // Album titles in first-upload order, so the first file of a run becomes the primary.
  std::vector<std::string> titles;
  for (const auto& r : m_spool.records()) {
    if (r.state != SpoolRecord::State::done || r.album.empty()) continue;
    if (std::find(titles.begin(), titles.end(), r.album) == titles.end()) titles.push_back(r.album);
  }
  for (const auto& title : titles) {
    std::string album_id;
    for (auto& r : m_spool.records()) {
      if (r.state != SpoolRecord::State::done || r.album != title) continue;
      if (album_id.empty()) {
        bool created = false;
        FLICKRFS_TRY(album_id, album_for(title, r.photo_id, &created));
        if (!created) FLICKRFS_CHECK(m_client.add_to_photoset(album_id, r.photo_id));
      } else {
        FLICKRFS_CHECK(m_client.add_to_photoset(album_id, r.photo_id));
      }
      r.album.clear();
      FLICKRFS_CHECK(m_spool.save());
    }
  }
  return success();
}

}  // namespace flickrfs::upload
