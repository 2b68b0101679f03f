#pragma once
// The upload spool state of `flickrfs upload`: one record per file handed to Flickr, kept in
// <cache>/uploads/state so an upload killed at any point resumes without duplicating a photo.
//
// Each record moves sending -> ticket -> done, and the file is rewritten atomically (temp file,
// fsync, rename, directory fsync) BEFORE the step it describes: `sending` is on disk before
// the POST starts, the ticket id as soon as Flickr answers it, the photo id once the ticket
// completes. A rerun therefore finds: done (skip), a ticket (ask checkTickets), or sending
// (Flickr may or may not have the file: the caller looks for it before sending again).
//
// Format: one line per record, tab-separated: state, size, sha256, ticket, photo id, sent_at,
// path (last, so it may hold anything but a newline). Paths with a newline are refused.
//
// Thread contract: single-threaded (one `flickrfs upload` process owns the spool; it takes
// an exclusive flock on <dir>/lock for its lifetime).

#include <cstdint>
#include <string>
#include <vector>

#include "api/result.hpp"
#include "cache/file_util.hpp"

namespace flickrfs::cli {

struct SpoolRecord {
  enum class State { sending, ticket, done };
  State state = State::sending;
  std::string path;  // absolute
  std::uint64_t size = 0;
  std::string sha256;  // hex
  std::string ticket;
  std::string photo_id;
  std::int64_t sent_at = 0;  // unix seconds the last POST started
};

class UploadSpool {
 public:
  // Opens (creating, mode 0700) `dir`, locks it and reads its state. Errc::io / corrupt.
  [[nodiscard]] static Result<UploadSpool> open(const std::string& dir);

  // The record of this exact file (path, size and sha256), or null.
  [[nodiscard]] SpoolRecord* find(const std::string& path, std::uint64_t size,
                                  const std::string& sha256);
  [[nodiscard]] std::vector<SpoolRecord>& records() { return m_records; }
  // Adds a record (returns it; the reference lives until the next add).
  SpoolRecord& add(SpoolRecord record);
  // Writes the whole state atomically. Call after every change, before acting on it.
  [[nodiscard]] Result<void> save() const;

 private:
  std::string m_dir;
  cache::UniqueFd m_lock;
  std::vector<SpoolRecord> m_records;
};

}  // namespace flickrfs::cli
