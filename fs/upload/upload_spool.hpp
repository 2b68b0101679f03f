#pragma once
// The upload spool state: one record per file handed to Flickr, kept in <dir>/state so an
// upload killed at any point resumes without duplicating a photo. `flickrfs upload` keeps it
// in <cache>/uploads, a writable mount in <cache>/mount-uploads (with the spooled files).
//
// Each record moves sending -> ticket -> done, and the file is rewritten atomically (temp file,
// fsync, rename, directory fsync) BEFORE the step it describes: `sending` is on disk before
// the POST starts, the ticket id as soon as Flickr answers it, the photo id once the ticket
// completes. A rerun therefore finds: done (skip), a ticket (ask checkTickets), or sending
// (Flickr may or may not have the file: the caller looks for it before sending again).
// A done record whose `album` is not empty still has to be added to that album; the album
// step clears it (adding twice is harmless: Flickr answers "already in set").
//
// Format: one line per record, tab-separated: state, size, sha256, ticket, photo id, sent_at,
// title, album, path (last, so it may hold anything but a newline). Titles, albums and paths
// with a tab or newline are refused by the callers. Lines of the older 7-field format
// (no title, no album) are still read.
//
// Thread contract: not thread-safe (callers serialise); one process owns a spool directory:
// it takes an exclusive flock on <dir>/lock for its lifetime.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "cache/file_util.hpp"

namespace flickrfs::upload {

struct SpoolRecord {
  enum class State { sending, ticket, done };
  State state = State::sending;
  std::string path;  // absolute
  std::uint64_t size = 0;
  std::string sha256;  // hex
  std::string ticket;
  std::string photo_id;
  std::int64_t sent_at = 0;  // unix seconds the last POST started
  std::string title;         // the photo's title on Flickr
  std::string album;         // album title still to add it to (empty: none, or done)
};

class UploadSpool {
 public:
  // Opens (creating, mode 0700) `dir`, locks it and reads its state. Errc::io / corrupt;
  // `owner` names the lock holder in the "already in use" message.
  [[nodiscard]] static Result<UploadSpool> open(const std::string& dir,
                                                const std::string& owner = "flickrfs upload");

  // The record of this exact file (path, size and sha256), or null.
  [[nodiscard]] SpoolRecord* find(const std::string& path, std::uint64_t size,
                                  const std::string& sha256);
  [[nodiscard]] std::vector<SpoolRecord>& records() { return m_records; }
  // Adds a record (returns it; the reference lives until the next add).
  SpoolRecord& add(SpoolRecord record);
  // Forgets the records `drop` selects (then save()).
  void remove_if(const std::function<bool(const SpoolRecord&)>& drop);
  // Writes the whole state atomically. Call after every change, before acting on it.
  [[nodiscard]] Result<void> save() const;
  [[nodiscard]] const std::string& dir() const { return m_dir; }

 private:
  std::string m_dir;
  cache::UniqueFd m_lock;
  std::vector<SpoolRecord> m_records;
};

}  // namespace flickrfs::upload
