// See oauth.hpp. Pure functions; the only I/O is the random nonce.
#include "api/oauth.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <chrono>
#include <random>

namespace flickrfs::api::oauth {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

}  // namespace

std::string percent_encode(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3);
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c != '%') {
      out += c;
    } else {
      const int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return make_error(Errc::invalid_argument, "malformed %-escape in form data");
      }
      out += static_cast<char>(high * 16 + low);
      i += 2;
    }
  }
  return out;
}

std::string base_string_uri(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const std::string scheme = to_lower(url.substr(0, scheme_end));
  const std::string_view rest = url.substr(scheme_end + 3);
  const auto path_start = rest.find('/');
  std::string authority = to_lower(rest.substr(0, path_start));
  // An empty path stays empty (flickr-sdk signs "http://www.example.com" that way).
  const std::string_view path =
      path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start);
  const auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
    const std::string_view port = std::string_view(authority).substr(colon + 1);
    if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443")) {
      authority.resize(colon);
    }
  }
  return scheme + "://" + authority + std::string(path);
}

std::string normalized_parameters(const Params& params) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& [name, value] : params) {
    if (name == "oauth_signature" || name == "realm") continue;
    encoded.emplace_back(percent_encode(name), percent_encode(value));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::string signature_base_string(std::string_view http_method, std::string_view url,
                                  const Params& params) {
  Params all;
  const auto query_start = url.find('?');
  if (query_start != std::string_view::npos) {
    std::string_view query = url.substr(query_start + 1);
    query = query.substr(0, query.find('#'));
    // A query that does not decode is signed as the server would see it: undecoded.
    auto decoded = parse_form(query);
    if (decoded.ok()) all = std::move(decoded).value();
  }
  all.insert(all.end(), params.begin(), params.end());
  std::string out;
  for (const char c : http_method)
    out += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  out += '&';
  out += percent_encode(base_string_uri(url));
  out += '&';
  out += percent_encode(normalized_parameters(all));
  return out;
}

std::string signing_key(std::string_view consumer_secret, std::string_view token_secret) {
  return percent_encode(consumer_secret) + "&" + percent_encode(token_secret);
}

std::string hmac_sha1_base64(std::string_view key, std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest, &digest_size);
  return base64(digest, digest_size);
}

std::string make_nonce() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::string nonce;
  for (int i = 0; i < 2; ++i) {
    std::uint64_t bits = generator();
    for (int nibble = 0; nibble < 16; ++nibble, bits >>= 4)
      nonce += kHex[bits & 0xF];
  }
  return nonce;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Params oauth_params(std::string_view http_method, std::string_view url,
                    const Params& request_params, const Keys& keys, const Params& extra_oauth,
                    std::string_view nonce, std::int64_t timestamp) {
  Params oauth = {
      {"oauth_consumer_key", keys.consumer_key},
      {"oauth_nonce", std::string(nonce)},
      {"oauth_signature_method", "HMAC-SHA1"},
      {"oauth_timestamp", std::to_string(timestamp)},
  };
  if (!keys.token.empty()) oauth.emplace_back("oauth_token", keys.token);
  oauth.emplace_back("oauth_version", "1.0");
  oauth.insert(oauth.end(), extra_oauth.begin(), extra_oauth.end());

  Params signed_set = request_params;
  signed_set.insert(signed_set.end(), oauth.begin(), oauth.end());
  const std::string base = signature_base_string(http_method, url, signed_set);
  oauth.emplace_back("oauth_signature",
                     hmac_sha1_base64(signing_key(keys.consumer_secret, keys.token_secret), base));
  return oauth;
}

std::string authorization_header(const Params& oauth, std::string_view realm) {
  std::string out = "OAuth ";
  bool first = true;
  const auto add = [&](std::string_view name, std::string_view value) {
    if (!first) out += ", ";
    first = false;
    out += percent_encode(name);
    out += "=\"";
    out += percent_encode(value);
    out += '"';
  };
  if (!realm.empty()) add("realm", realm);
  for (const auto& [name, value] : oauth)
    add(name, value);
  return out;
}

std::string form_encode(const Params& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += percent_encode(name);
    out += '=';
    out += percent_encode(value);
  }
  return out;
}

Result<Params> parse_form(std::string_view body) {
  Params out;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const std::string_view segment = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (segment.empty()) continue;
    const auto eq = segment.find('=');
    FLICKRFS_TRY(std::string name, percent_decode(segment.substr(0, eq), true));
    std::string value;
    if (eq != std::string_view::npos) {
      FLICKRFS_TRY(value, percent_decode(segment.substr(eq + 1), true));
    }
    out.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

std::string_view find_param(const Params& params, std::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return {};
}

}  // namespace flickrfs::api::oauth
