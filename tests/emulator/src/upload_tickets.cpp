// Async upload tickets (see upload_tickets.hpp).
#include "upload_tickets.hpp"

namespace flickrfs::emulator {

std::string UploadTickets::issue(const std::string& photo_id) {
  std::lock_guard lock(m_mutex);
  // Flickr's form: "78701040-72157636215117185".
  const std::string id =
      std::to_string(78700000 + m_next) + "-" + std::to_string(72157600000000000ULL + m_next);
  ++m_next;
  m_tickets[id] = Entry{photo_id, std::chrono::steady_clock::now() + m_delay};
  return id;
}

UploadTickets::Status UploadTickets::check(const std::string& ticket) const {
  std::lock_guard lock(m_mutex);
  const auto it = m_tickets.find(ticket);
  if (it == m_tickets.end()) return Status{};
  if (std::chrono::steady_clock::now() < it->second.ready) return Status{true, 0, ""};
  return Status{true, 1, it->second.photo_id};
}

}  // namespace flickrfs::emulator
