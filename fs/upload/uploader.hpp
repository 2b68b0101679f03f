#pragma once
// Uploader: puts the files of an UploadSpool on Flickr, once each, and into their album.
// `flickrfs upload` and a `--writable` mount both use it; only where the files come from
// differs (the user's paths; the mount's spooled copies).
//
// Steps of a record (upload_spool.hpp says what is on disk before each):
//   send()            sending -> ticket (async upload) or done; a `sending` record left by a
//                     killed run is first looked for on Flickr (same title, uploaded since
//                     the POST started, same Original bytes) and only sent again if absent.
//   settle_tickets()  ticket -> done (photo id) via flickr.photos.upload.checkTickets; a
//                     failed or unknown ticket goes back to `sending` (looked for, resent).
//   replace()         sending -> done: the file becomes photo_id's new file (/services/
//                     replace/, synchronous). A `sending` record left by a killed run is
//                     first compared with the photo's current Original (same size and
//                     sha256: Flickr has it already) and only sent again if different.
//   file_albums()     done records with an album: album found by title (the first of that
//                     title in the account's album list) or created with the first such
//                     photo as its primary (photosets.create, never retried blindly: after a
//                     failure the album list is read again before another create), then
//                     photosets.addPhoto for the others; `album` cleared.
//
// Thread contract: not thread-safe; one thread drives an Uploader and its spool.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "api/flickr_client.hpp"
#include "base/result.hpp"
#include "fs/upload/upload_spool.hpp"

namespace flickrfs::upload {

// (bytes sent, bytes total) of the file being sent.
using Progress = std::function<void(std::uint64_t sent, std::uint64_t total)>;

class Uploader {
 public:
  Uploader(api::FlickrClient& client, UploadSpool& spool, std::optional<bool> is_public)
      : m_client(client), m_spool(spool), m_is_public(is_public) {}

  // Sends (or recovers) `path` with `title`, to go into `album` (may be empty). On success
  // its record is `ticket` or `done`. Errc::auth for a token that may not upload.
  [[nodiscard]] Result<void> send(const std::string& path, const std::string& title,
                                  const std::string& album, const Progress& progress = {});
  // Replaces photo `photo_id`'s file with `path` (or finds it done). On success its record
  // is `done`.
  [[nodiscard]] Result<void> replace(const std::string& path, const std::string& photo_id);
  // Waits (up to `wait`) for every pending ticket; records photo ids.
  [[nodiscard]] Result<void> settle_tickets(
      std::chrono::milliseconds wait = std::chrono::minutes(10));
  // Adds every done record with an album to it (creating the album when missing).
  [[nodiscard]] Result<void> file_albums();

 private:
  // A new spool record for the file at `path` (the caller fills in what it uploads for).
  SpoolRecord& add_record(const std::string& path, std::uint64_t size, const std::string& sha256);
  [[nodiscard]] Result<std::string> find_on_flickr(const SpoolRecord& record);
  // True when `photo_id`'s Original has the record's size and sha256 (a replace landed).
  [[nodiscard]] Result<bool> original_is(const std::string& photo_id, const SpoolRecord& record);
  // True when the bytes at `url` are the record's file (its size and sha256).
  [[nodiscard]] Result<bool> holds_record_file(const std::string& url, const SpoolRecord& record);
  // The album of that title (first in list order), created with `primary` when missing.
  [[nodiscard]] Result<std::string> album_for(const std::string& title, const std::string& primary,
                                              bool* created);

  api::FlickrClient& m_client;
  UploadSpool& m_spool;
  std::optional<bool> m_is_public;
};

// The title Flickr would give a file: its name without directory and extension.
[[nodiscard]] std::string title_from_path(const std::string& path);

// The read-only-token refusal, said the way the user can act on it.
[[nodiscard]] Error explain_upload_error(Error error);

}  // namespace flickrfs::upload
