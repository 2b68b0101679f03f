#pragma once
// OAuth 1.0a HMAC-SHA1 verification as Flickr does it (flickr-api.md section 12), written
// independently of the project's api/ signer so that both are checked against Flickr's
// rules rather than against each other. Parameters may arrive in the query, a form body or
// an "Authorization: OAuth ..." header; errors are Flickr's form-encoded bodies.
//
// Thread contract: the free functions are pure; OAuthVerifier is thread-safe (its nonce
// store has its own mutex).

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "util.hpp"

namespace flickrfs::emulator {

// RFC 5849 3.4.1: METHOD&enc(url)&enc(sorted "k=v" joined by '&'), each k and v encoded.
// params must already exclude oauth_signature and realm.
std::string signature_base_string(const std::string& method, const std::string& url,
                                  const ParamList& params);
std::string hmac_sha1_base64(const std::string& key, const std::string& text);
std::string oauth_signature(const std::string& method, const std::string& url,
                            const ParamList& params, const std::string& consumer_secret,
                            const std::string& token_secret);

// Parses the parameters of an "OAuth k="v", ..." header (values percent-decoded, realm
// dropped); nullopt when the header is not an OAuth header.
std::optional<ParamList> parse_authorization_header(const std::string& header);

struct OAuthCall {
  std::string http_method;  // GET, POST
  std::string url;          // scheme://host[:port]/path as requested
  ParamList params;         // query + form body + Authorization header params
};

struct OAuthOutcome {
  bool is_signed = false;  // carried oauth_signature
  bool ok = true;          // false: reply with http_status and body
  int http_status = 200;
  std::string body;  // form-encoded oauth_problem=...
  std::string consumer_key;
  std::string token;  // empty for consumer-only signatures
};

class OAuthVerifier {
 public:
  // Looks up the secret of a token (access or request token); nullopt when unknown.
  using TokenSecret = std::function<std::optional<std::string>(const std::string&)>;

  OAuthVerifier(std::string consumer_key, std::string consumer_secret, TokenSecret token_secret,
                std::int64_t window_seconds = 900);

  // Verifies a call. Unsigned calls (no oauth_signature) come back is_signed=false, ok=true.
  OAuthOutcome verify(const OAuthCall& call);

 private:
  bool remember_nonce(const std::string& key, std::int64_t timestamp, std::int64_t now);

  std::string m_consumer_key;
  std::string m_consumer_secret;
  TokenSecret m_token_secret;
  std::int64_t m_window;
  std::mutex m_mutex;
  std::unordered_map<std::string, std::int64_t> m_nonces;  // key -> timestamp
};

}  // namespace flickrfs::emulator
