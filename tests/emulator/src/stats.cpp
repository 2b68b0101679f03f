// Introspection counters (see stats.hpp).
#include "stats.hpp"

#include <fstream>

#include "node.hpp"

namespace flickrfs::emulator {

void Stats::count_call(const std::string& method) {
  std::lock_guard lock(m_mutex);
  ++m_calls[method];
  ++m_api_calls_total;
}

void Stats::count_image(const std::string& photo_id, std::uint64_t body_bytes, bool head,
                        bool range, const std::string& label) {
  std::lock_guard lock(m_mutex);
  ++m_images;
  m_image_bytes += body_bytes;
  if (!label.empty()) m_image_bytes_by_label[label] += body_bytes;
  ++m_image_requests_by_photo[photo_id];
  if (head) ++m_heads;
  if (range) ++m_range_requests;
}

void Stats::count_fault(const std::string& kind) {
  std::lock_guard lock(m_mutex);
  ++m_faults[kind];
}

void Stats::count_rate_limited() {
  std::lock_guard lock(m_mutex);
  ++m_rate_limited;
}

void Stats::count_oauth_refused(const std::string& problem) {
  std::lock_guard lock(m_mutex);
  ++m_oauth_refused[problem];
}

void Stats::enter_delay() {
  std::lock_guard lock(m_mutex);
  ++m_in_delay;
  if (m_in_delay > m_peak_in_delay) m_peak_in_delay = m_in_delay;
}

void Stats::leave_delay() {
  std::lock_guard lock(m_mutex);
  --m_in_delay;
}

namespace {
// Resident set size of this process in kB (VmRSS), for startup measurements.
long long resident_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return 0;
}

std::string json_map(const std::map<std::string, std::uint64_t>& map) {
  std::string out = "{";
  for (const auto& [key, value] : map) {
    if (out.size() > 1) out += ',';
    out += '"' + json_escape(key) + "\":" + std::to_string(value);
  }
  return out + "}";
}
}  // namespace

void Stats::count_upload(std::uint64_t body_bytes, bool replace) {
  std::lock_guard lock(m_mutex);
  ++(replace ? m_replaces : m_uploads);
  m_upload_bytes += body_bytes;
}

std::string Stats::to_json() const {
  std::lock_guard lock(m_mutex);
  return "{\"calls\":" + json_map(m_calls) +
         ",\"api_calls_total\":" + std::to_string(m_api_calls_total) +
         ",\"images\":" + std::to_string(m_images) +
         ",\"image_bytes\":" + std::to_string(m_image_bytes) +
         ",\"image_requests_by_photo\":" + json_map(m_image_requests_by_photo) +
         ",\"image_bytes_by_label\":" + json_map(m_image_bytes_by_label) +
         ",\"heads\":" + std::to_string(m_heads) +
         ",\"range_requests\":" + std::to_string(m_range_requests) +
         ",\"faults\":" + json_map(m_faults) +
         ",\"rate_limited\":" + std::to_string(m_rate_limited) +
         ",\"oauth_refused\":" + json_map(m_oauth_refused) +
         ",\"uploads\":" + std::to_string(m_uploads) +
         ",\"replaces\":" + std::to_string(m_replaces) +
         ",\"upload_bytes\":" + std::to_string(m_upload_bytes) +
         ",\"peak_concurrent_delayed\":" + std::to_string(m_peak_in_delay) +
         ",\"process\":{\"rss_kb\":" + std::to_string(resident_kb()) + "}}";
}

void Stats::reset() {
  std::lock_guard lock(m_mutex);
  m_calls.clear();
  m_api_calls_total = 0;
  m_images = 0;
  m_image_bytes = 0;
  m_image_requests_by_photo.clear();
  m_image_bytes_by_label.clear();
  m_heads = 0;
  m_range_requests = 0;
  m_faults.clear();
  m_rate_limited = 0;
  m_oauth_refused.clear();
  m_uploads = 0;
  m_replaces = 0;
  m_upload_bytes = 0;
  m_peak_in_delay = m_in_delay;  // requests still sleeping stay counted
}

}  // namespace flickrfs::emulator
