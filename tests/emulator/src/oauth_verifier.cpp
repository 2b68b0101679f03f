// OAuth 1.0a verification (see oauth_verifier.hpp).
#include "oauth_verifier.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <chrono>

namespace flickrfs::emulator {

std::string signature_base_string(const std::string& method, const std::string& url,
                                  const ParamList& params) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& [k, v] : params)
    encoded.emplace_back(percent_encode(k), percent_encode(v));
  std::sort(encoded.begin(), encoded.end());  // by encoded name, then value (byte order)
  std::string joined;
  for (const auto& [k, v] : encoded) {
    if (!joined.empty()) joined += '&';
    joined += k + "=" + v;
  }
  return method + "&" + percent_encode(url) + "&" + percent_encode(joined);
}

std::string hmac_sha1_base64(const std::string& key, const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest, &length);
  return base64_encode(digest, length);
}

std::string oauth_signature(const std::string& method, const std::string& url,
                            const ParamList& params, const std::string& consumer_secret,
                            const std::string& token_secret) {
  const std::string key = percent_encode(consumer_secret) + "&" + percent_encode(token_secret);
  return hmac_sha1_base64(key, signature_base_string(method, url, params));
}

std::optional<ParamList> parse_authorization_header(const std::string& header) {
  std::size_t at = header.find_first_not_of(' ');
  if (at == std::string::npos || header.compare(at, 6, "OAuth ") != 0) return std::nullopt;
  at += 6;
  ParamList out;
  while (at < header.size()) {
    at = header.find_first_not_of(" ,", at);
    if (at == std::string::npos) break;
    const std::size_t eq = header.find('=', at);
    if (eq == std::string::npos) break;
    std::string key = header.substr(at, eq - at);
    std::string value;
    at = eq + 1;
    if (at < header.size() && header[at] == '"') {
      const std::size_t close = header.find('"', at + 1);
      if (close == std::string::npos) break;
      value = header.substr(at + 1, close - at - 1);
      at = close + 1;
    } else {
      const std::size_t end = std::min(header.find(',', at), header.size());
      value = header.substr(at, end - at);
      at = end;
    }
    if (key != "realm") out.emplace_back(percent_decode(key, false), percent_decode(value, false));
  }
  return out;
}

OAuthVerifier::OAuthVerifier(std::string consumer_key, std::string consumer_secret,
                             TokenSecret token_secret, std::int64_t window_seconds)
    : m_consumer_key(std::move(consumer_key)),
      m_consumer_secret(std::move(consumer_secret)),
      m_token_secret(std::move(token_secret)),
      m_window(window_seconds) {}

namespace {
const std::string* find_param(const ParamList& params, const std::string& key) {
  for (const auto& [k, v] : params) {
    if (k == key) return &v;
  }
  return nullptr;
}

OAuthOutcome refuse(int status, std::string body) {
  OAuthOutcome out;
  out.is_signed = true;
  out.ok = false;
  out.http_status = status;
  out.body = std::move(body);
  return out;
}
}  // namespace

OAuthOutcome OAuthVerifier::verify(const OAuthCall& call) {
  const std::string* signature = find_param(call.params, "oauth_signature");
  const std::string* consumer = find_param(call.params, "oauth_consumer_key");
  if (signature == nullptr && consumer == nullptr) return OAuthOutcome{};
  for (const char* required : {"oauth_consumer_key", "oauth_signature_method", "oauth_timestamp",
                               "oauth_nonce", "oauth_signature"}) {
    if (find_param(call.params, required) == nullptr) {
      return refuse(
          400, std::string("oauth_problem=parameter_absent&oauth_parameters_absent=") + required);
    }
  }
  if (*consumer != m_consumer_key) return refuse(401, "oauth_problem=consumer_key_unknown");
  if (*find_param(call.params, "oauth_signature_method") != "HMAC-SHA1") {
    return refuse(400, "oauth_problem=signature_method_rejected");
  }
  const std::string* token = find_param(call.params, "oauth_token");
  std::string token_secret;
  if (token != nullptr) {
    const auto secret = m_token_secret(*token);
    if (!secret) return refuse(401, "oauth_problem=token_rejected");
    token_secret = *secret;
  }
  ParamList signed_params;
  for (const auto& p : call.params) {
    if (p.first != "oauth_signature") signed_params.push_back(p);
  }
  const std::string base = signature_base_string(call.http_method, call.url, signed_params);
  const std::string key = percent_encode(m_consumer_secret) + "&" + percent_encode(token_secret);
  if (hmac_sha1_base64(key, base) != *signature) {
    return refuse(401, "oauth_problem=signature_invalid&debug_sbs=" + percent_encode(base));
  }
  std::uint64_t timestamp = 0;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const bool parsed = parse_uint(*find_param(call.params, "oauth_timestamp"), &timestamp);
  const auto ts = static_cast<std::int64_t>(timestamp);
  if (!parsed || ts < now - m_window || ts > now + m_window) {
    return refuse(401, "oauth_problem=timestamp_refused&oauth_acceptable_timestamps=" +
                           std::to_string(now - m_window) + "-" + std::to_string(now + m_window));
  }
  const std::string nonce_key = *consumer + "\n" + (token ? *token : "") + "\n" +
                                *find_param(call.params, "oauth_nonce") + "\n" + std::to_string(ts);
  if (!remember_nonce(nonce_key, ts, now)) return refuse(401, "oauth_problem=nonce_used");
  OAuthOutcome out;
  out.is_signed = true;
  out.consumer_key = *consumer;
  out.token = token ? *token : "";
  return out;
}

bool OAuthVerifier::remember_nonce(const std::string& key, std::int64_t timestamp,
                                   std::int64_t now) {
  std::lock_guard lock(m_mutex);
  if (m_nonces.size() > 100000) {
    std::erase_if(m_nonces, [&](const auto& kv) { return kv.second < now - m_window; });
  }
  return m_nonces.emplace(key, timestamp).second;
}

}  // namespace flickrfs::emulator
