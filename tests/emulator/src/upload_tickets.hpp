#pragma once
// Async upload tickets (flickr-api.md section 11): /services/upload/ and /services/replace/
// with async=1 answer a ticket id; flickr.photos.upload.checkTickets reports it pending
// (complete=0) until --ticket-ms has passed, then done (complete=1) with the photo id.
//
// Thread contract: thread-safe (one mutex; every operation is short).

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace flickrfs::emulator {

class UploadTickets {
 public:
  explicit UploadTickets(int complete_after_ms) : m_delay(complete_after_ms) {}

  std::string issue(const std::string& photo_id);

  struct Status {
    bool known = false;
    int complete = 0;  // 0 pending, 1 done
    std::string photo_id;
  };
  [[nodiscard]] Status check(const std::string& ticket) const;

 private:
  struct Entry {
    std::string photo_id;
    std::chrono::steady_clock::time_point ready;
  };
  std::chrono::milliseconds m_delay;
  mutable std::mutex m_mutex;
  std::map<std::string, Entry> m_tickets;
  std::uint64_t m_next = 1;
};

}  // namespace flickrfs::emulator
