#pragma once
// CannedServer: an in-process HTTP server on 127.0.0.1 (ephemeral port, cpp-httplib) for the
// api tests before and besides the emulator. Every request is recorded (method, path, the
// decoded query + form-body parameters, OAuth parameters from any of the three transport
// forms, headers) so tests CHECK THE REQUEST; the reply comes from a handler the test sets,
// including faults: any status and body, a connection closed before the body ("reset"), a
// body cut short of its Content-Length ("truncate"), or a stall.
//
// Thread contract: the handler runs on server threads; requests() and set_handler() lock.

#include <httplib.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/oauth.hpp"

namespace flickrfs::test {

struct RecordedRequest {
  std::string method;
  std::string path;
  api::oauth::Params params;  // query, then form body (decoded), then Authorization header
  httplib::Headers headers;
  std::string body;
  int remote_port = 0;  // the client's end of the connection: one per TCP connection

  [[nodiscard]] std::string param(std::string_view name) const {
    return std::string(api::oauth::find_param(params, name));
  }
  [[nodiscard]] bool has(std::string_view name) const;
  [[nodiscard]] std::string header(const std::string& name) const;
};

struct CannedReply {
  enum class Fault { none, reset, truncate, stall };
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  Fault fault = Fault::none;
  httplib::Headers headers;
  std::chrono::milliseconds stall{0};
};

class CannedServer {
 public:
  using Handler = std::function<CannedReply(const RecordedRequest&)>;

  explicit CannedServer(Handler handler = nullptr);
  ~CannedServer();
  CannedServer(const CannedServer&) = delete;
  CannedServer& operator=(const CannedServer&) = delete;

  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
  void set_handler(Handler handler);
  [[nodiscard]] std::vector<RecordedRequest> requests() const;
  [[nodiscard]] std::size_t request_count() const;

 private:
  void serve(const httplib::Request& request, httplib::Response& response);

  httplib::Server m_server;
  int m_port = 0;
  std::thread m_thread;
  mutable std::mutex m_mutex;  // guards m_handler and m_requests
  Handler m_handler;
  std::vector<RecordedRequest> m_requests;
};

// Verifies the OAuth signature of a recorded request the way Flickr does: every parameter
// except oauth_signature, base string over the URL as requested (`base_url` + path).
[[nodiscard]] bool signature_valid(const RecordedRequest& request, const std::string& base_url,
                                   const std::string& consumer_secret,
                                   const std::string& token_secret);

// A file under tests/api/fixtures/ ($FLICKRFS_SOURCE_DIR set by ctest).
[[nodiscard]] std::string fixture(const std::string& name);

}  // namespace flickrfs::test
