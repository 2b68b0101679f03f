// Shared server state: request tokens of the oob flow, the rate limiter, construction.
#include <chrono>

#include "server.hpp"
#include "util.hpp"

namespace flickrfs::emulator {

RequestTokens::Entry RequestTokens::issue(const std::string& callback) {
  std::lock_guard lock(m_mutex);
  const std::uint64_t n = m_next++;
  const std::uint64_t h = mix64(n * 7919 + 17);
  const std::string token = "72157" + std::to_string(100000000000ULL + n) + "-" +
                            hex_lower(reinterpret_cast<const unsigned char*>(&h), 8);
  const std::uint64_t v = h % 1000000000ULL;
  char verifier[16];
  std::snprintf(verifier, sizeof verifier, "%03d-%03d-%03d", static_cast<int>(v / 1000000),
                static_cast<int>(v / 1000 % 1000), static_cast<int>(v % 1000));
  Entry e{"rts" + std::to_string(mix64(h) % 1000000000000ULL), verifier, callback};
  m_tokens[token] = e;
  return e;
}

std::optional<RequestTokens::Entry> RequestTokens::find(const std::string& token) const {
  std::lock_guard lock(m_mutex);
  const auto it = m_tokens.find(token);
  if (it == m_tokens.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> RequestTokens::token_of(const Entry& entry) const {
  std::lock_guard lock(m_mutex);
  for (const auto& [token, e] : m_tokens) {
    if (e.secret == entry.secret) return token;
  }
  return std::nullopt;
}

void RequestTokens::erase(const std::string& token) {
  std::lock_guard lock(m_mutex);
  m_tokens.erase(token);
}

std::optional<std::string> RequestTokens::secret(const std::string& token) const {
  const auto e = find(token);
  if (!e) return std::nullopt;
  return e->secret;
}

bool RateLimiter::admit() {
  if (m_per_window <= 0) return true;
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count();
  std::lock_guard lock(m_mutex);
  while (!m_calls.empty() && m_calls.front() <= now - m_window_s * 1000)
    m_calls.pop_front();
  if (m_calls.size() >= static_cast<std::size_t>(m_per_window)) return false;
  m_calls.push_back(now);
  return true;
}

ServerState::ServerState(const Options& o)
    : options(o),
      world(WorldConfig{o.seed, o.photos, o.sets, o.image_kb, o.favorites}),
      faults(o.fault_rate, o.fault_seed, o.fault_kinds),
      verifier(kConsumerKey, kConsumerSecret,
               [this](const std::string& token) -> std::optional<std::string> {
                 if (token == kAccessToken) return std::string(kAccessTokenSecret);
                 if (token == kReadAccessToken) return std::string(kReadAccessTokenSecret);
                 return request_tokens.secret(token);
               }),
      limiter(o.rate_limit_per_hour, o.rate_limit_window_s),
      images(o.seed),
      tickets(o.ticket_ms) {}

}  // namespace flickrfs::emulator
