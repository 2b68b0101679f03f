#pragma once
// Introspection counters behind GET /_emulator/stats: calls per method, images and bytes
// served, HEAD and Range requests, faults injected by kind, rate-limited requests, and the
// peak number of requests inside the --latency-ms delay at once (proves requests overlap).
//
// Thread contract: thread-safe (one mutex; every operation is short).

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace flickrfs::emulator {

class Stats {
 public:
  void count_call(const std::string& method);
  // `label`: the getSizes label of the size served ("Original", "Small 320" ...), so a test
  // can tell original bytes from rendition bytes (image_bytes_by_label).
  void count_image(const std::string& photo_id, std::uint64_t body_bytes, bool head, bool range,
                   const std::string& label = {});
  void count_fault(const std::string& kind);
  void count_rate_limited();
  void count_oauth_refused(const std::string& problem);
  // One accepted /services/upload/ (replace=false) or /services/replace/ of body_bytes.
  void count_upload(std::uint64_t body_bytes, bool replace);
  // Bracket the injected latency delay of one request.
  void enter_delay();
  void leave_delay();
  [[nodiscard]] std::string to_json() const;
  void reset();

 private:
  mutable std::mutex m_mutex;
  std::map<std::string, std::uint64_t> m_calls;
  std::uint64_t m_api_calls_total = 0;
  std::uint64_t m_images = 0;
  std::uint64_t m_image_bytes = 0;
  std::map<std::string, std::uint64_t> m_image_requests_by_photo;
  std::map<std::string, std::uint64_t> m_image_bytes_by_label;
  std::uint64_t m_heads = 0;
  std::uint64_t m_range_requests = 0;
  std::map<std::string, std::uint64_t> m_faults;
  std::uint64_t m_rate_limited = 0;
  std::map<std::string, std::uint64_t> m_oauth_refused;
  std::uint64_t m_uploads = 0;
  std::uint64_t m_replaces = 0;
  std::uint64_t m_upload_bytes = 0;
  std::uint64_t m_in_delay = 0;
  std::uint64_t m_peak_in_delay = 0;
};

}  // namespace flickrfs::emulator
