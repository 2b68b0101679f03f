// Test-side emulator client helpers (see emulator_client.hpp).
#include "emulator_client.hpp"

#include <atomic>
#include <chrono>
#include <stdexcept>

#include "oauth_verifier.hpp"
#include "util.hpp"

namespace flickrfs::emulator::test {

namespace {
std::atomic<unsigned> g_nonce{1};

std::string join(const Params& params) {
  std::string out;
  for (const auto& [k, v] : params)
    out += (out.empty() ? "" : "&") + percent_encode(k) + "=" + percent_encode(v);
  return out;
}

Reply to_reply(const httplib::Result& res, const std::string& what) {
  if (!res) throw std::runtime_error(what + " failed: " + httplib::to_string(res.error()));
  return Reply{res->status, res->body, res->headers};
}

httplib::Client client_for(const std::string& base) {
  httplib::Client c(base);
  c.set_connection_timeout(10);
  c.set_read_timeout(60);
  return c;
}
}  // namespace

std::string signed_query(const std::string& url, Params params, const std::string& nonce) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  params.emplace_back("oauth_consumer_key", "test-key");
  params.emplace_back("oauth_token", "test-token");
  params.emplace_back("oauth_nonce", nonce);
  params.emplace_back("oauth_timestamp", std::to_string(now));
  params.emplace_back("oauth_signature_method", "HMAC-SHA1");
  params.emplace_back("oauth_version", "1.0");
  const std::string sig = oauth_signature("GET", url, params, "test-secret", "test-token-secret");
  params.emplace_back("oauth_signature", sig);
  return join(params);
}

Reply rest_call(const std::string& base, Params params, bool signed_call,
                const std::string& format) {
  if (format == "json") {
    params.emplace_back("format", "json");
    params.emplace_back("nojsoncallback", "1");
  } else if (!format.empty()) {
    params.emplace_back("format", format);
  }
  std::string query;
  if (signed_call) {
    query = signed_query(base + "/services/rest/", params, "n" + std::to_string(g_nonce++));
  } else {
    params.emplace_back("api_key", "test-key");
    query = join(params);
  }
  auto c = client_for(base);
  return to_reply(c.Get(("/services/rest/?" + query).c_str()), "REST call");
}

Reply http_get(const std::string& base, const std::string& path, const httplib::Headers& headers) {
  auto c = client_for(base);
  return to_reply(c.Get(path.c_str(), headers), "GET " + path);
}

Reply http_head(const std::string& base, const std::string& path) {
  auto c = client_for(base);
  return to_reply(c.Head(path.c_str()), "HEAD " + path);
}

}  // namespace flickrfs::emulator::test
