#pragma once
// The HTTP side of the emulator: shared state and the route groups installed on one
// httplib server (REST, OAuth flow, static images, /_emulator introspection), plus the
// response helpers that apply bandwidth limits and faults.
//
// Thread contract: ServerState members are each thread-safe; handlers run on httplib's
// worker pool.

#include <httplib.h>

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "faults.hpp"
#include "image_store.hpp"
#include "oauth_verifier.hpp"
#include "options.hpp"
#include "stats.hpp"
#include "upload_tickets.hpp"
#include "world.hpp"

namespace flickrfs::emulator {

inline constexpr const char* kConsumerKey = "test-key";
inline constexpr const char* kConsumerSecret = "test-secret";
inline constexpr const char* kAccessToken = "test-token";
inline constexpr const char* kAccessTokenSecret = "test-token-secret";  // write perms
// A second access token of the same user with read perms only (uploads answer code 99).
inline constexpr const char* kReadAccessToken = "test-token-read";
inline constexpr const char* kReadAccessTokenSecret = "test-token-read-secret";

// Request tokens of the oob flow: token -> (secret, verifier).
class RequestTokens {
 public:
  struct Entry {
    std::string secret;
    std::string verifier;
    std::string callback;
  };
  Entry issue(const std::string& callback);
  std::optional<Entry> find(const std::string& token) const;
  std::optional<std::string> token_of(const Entry& entry) const;
  void erase(const std::string& token);
  std::optional<std::string> secret(const std::string& token) const;

 private:
  mutable std::mutex m_mutex;
  std::map<std::string, Entry> m_tokens;
  std::uint64_t m_next = 1;
};

// Sliding window of API calls for --rate-limit-per-hour: at most `per_window` calls in the
// last `window_s` seconds (one hour unless --rate-limit-window-s shortens it).
class RateLimiter {
 public:
  RateLimiter(int per_window, int window_s) : m_per_window(per_window), m_window_s(window_s) {}
  bool admit();

 private:
  int m_per_window;
  std::int64_t m_window_s;
  std::mutex m_mutex;
  std::deque<std::int64_t> m_calls;  // steady-clock milliseconds
};

struct ServerState {
  explicit ServerState(const Options& o);

  Options options;
  World world;
  Stats stats;
  FaultInjector faults;
  RequestTokens request_tokens;
  OAuthVerifier verifier;
  RateLimiter limiter;
  ImageStore images;
  UploadTickets tickets;
  std::string base_url;  // set once the port is known, before serving
};

void install_rest_routes(httplib::Server& server, ServerState& state);
void install_oauth_routes(httplib::Server& server, ServerState& state);
void install_static_routes(httplib::Server& server, ServerState& state);
void install_upload_routes(httplib::Server& server, ServerState& state);
void install_introspection_routes(httplib::Server& server, ServerState& state);

// Response helpers (http_util.cpp).
// Sets the body, sending it in timed chunks when --bandwidth-mbps is set.
void send_body(const ServerState& state, httplib::Response& res, std::string body,
               const std::string& content_type);
// send_body for API replies: gzip-encoded when the request accepts gzip, as Flickr does.
void send_api_body(const ServerState& state, const httplib::Request& req, httplib::Response& res,
                   std::string body, const std::string& content_type);
// Declares the full length but sends only the first half, then drops the connection.
void send_truncated(httplib::Response& res, std::string body, const std::string& content_type);
// Resets the TCP connection of this request (RST), so the client sees no response.
void reset_connection(const httplib::Request& req);
// Answers an HTTP-level fault (5xx, 429, reset); returns false for other kinds.
bool answer_http_fault(Fault fault, const httplib::Request& req, httplib::Response& res);
void sleep_ms(int ms);
// Every parameter of a request: query, form body, Authorization header (flickr-api.md 12).
ParamList request_params(const httplib::Request& req);
// The URL the client signed: scheme://Host/path exactly as requested (no query).
std::string request_url(const ServerState& state, const httplib::Request& req);
std::string param_value(const ParamList& params, const std::string& key);

}  // namespace flickrfs::emulator
