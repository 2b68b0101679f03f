#pragma once
// OAuth 1.0a (RFC 5849) HMAC-SHA1 signing as Flickr does it (flickr-api.md section 12), and
// the form-encoding helpers the OAuth endpoints speak.
//
// Why our own signer and not liboauth: liboauth's entry points (oauth_sign_url2,
// oauth_sign_array2) take a whole URL string and split/unescape it themselves, return
// malloc'ed C strings, and offer no way to sign a POST body's parameters separately from the
// query or to pass a list of already-decoded parameters; its nonce comes from rand() and the
// project is unmaintained since 2013. The algorithm is small: RFC 3986 percent-encoding,
// sorting, one HMAC (OpenSSL) and base64. Written here as pure functions it is tested
// directly against every vector of flickr-api.md section 12 (Flickr doc, flickr-sdk,
// RFC 5849 1.2 and 3.4.1.1), for all three transport forms (query, POST body, header).
//
// Thread contract: free functions, thread-safe (make_nonce uses a per-thread generator).

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace flickrfs::api::oauth {

// Decoded name/value pairs. Order is kept (duplicates allowed, as in RFC 5849 3.4.1.3).
using Params = std::vector<std::pair<std::string, std::string>>;

// RFC 3986: unreserved A-Z a-z 0-9 - . _ ~ stay; every other byte becomes %XX (upper hex),
// including ! ' ( ) * and space (never '+').
[[nodiscard]] std::string percent_encode(std::string_view text);
// %XX decoding; `plus_is_space` for application/x-www-form-urlencoded. Fails with
// Errc::invalid_argument on a malformed escape.
[[nodiscard]] Result<std::string> percent_decode(std::string_view text, bool plus_is_space);

// RFC 5849 3.4.1.2: scheme and host lower-cased, default port dropped, query and fragment
// dropped, path kept exactly (a trailing slash matters to Flickr).
[[nodiscard]] std::string base_string_uri(std::string_view url);

// RFC 5849 3.4.1.3.2: encode names and values, sort by name then value (byte order), join
// with '=' and '&'. `oauth_signature` (and `realm`) are left out.
[[nodiscard]] std::string normalized_parameters(const Params& params);

// RFC 5849 3.4.1: METHOD&enc(base uri)&enc(normalized params). The query of `url` is decoded
// and included with `params` (which hold the POST form fields and oauth_* parameters).
[[nodiscard]] std::string signature_base_string(std::string_view http_method, std::string_view url,
                                                const Params& params);

// enc(consumer_secret) & enc(token_secret); the token secret may be empty.
[[nodiscard]] std::string signing_key(std::string_view consumer_secret,
                                      std::string_view token_secret);

// base64(HMAC-SHA1(key, text)).
[[nodiscard]] std::string hmac_sha1_base64(std::string_view key, std::string_view text);

struct Keys {
  std::string consumer_key;
  std::string consumer_secret;
  std::string token;         // empty for the request-token step
  std::string token_secret;  // empty likewise
};

// A fresh random nonce (32 hex chars) and the current unix time.
[[nodiscard]] std::string make_nonce();
[[nodiscard]] std::int64_t unix_now();

// The oauth_* protocol parameters for one request, oauth_signature last:
// oauth_consumer_key, oauth_nonce, oauth_signature_method=HMAC-SHA1, oauth_timestamp,
// oauth_token (when keys.token is set), oauth_version=1.0, plus `extra_oauth` (e.g.
// oauth_callback, oauth_verifier), and the signature over those and `request_params`
// (the query/body parameters of the request, which are NOT copied into the result).
[[nodiscard]] Params oauth_params(std::string_view http_method, std::string_view url,
                                  const Params& request_params, const Keys& keys,
                                  const Params& extra_oauth, std::string_view nonce,
                                  std::int64_t timestamp);

// `Authorization` header value: OAuth realm="",oauth_consumer_key="...",... (values
// percent-encoded and quoted; realm omitted when empty).
[[nodiscard]] std::string authorization_header(const Params& oauth, std::string_view realm = {});

// name=value&... with both sides percent-encoded (RFC 3986), in the given order: a query
// string or an application/x-www-form-urlencoded body.
[[nodiscard]] std::string form_encode(const Params& params);

// Parses an application/x-www-form-urlencoded body (the OAuth endpoints' replies, e.g.
// oauth_token=...&oauth_token_secret=...). '+' is a space; a name without '=' has an empty
// value; empty segments are skipped; a malformed %-escape is Errc::invalid_argument.
[[nodiscard]] Result<Params> parse_form(std::string_view body);

// The first value of `name` in `params`, or "".
[[nodiscard]] std::string_view find_param(const Params& params, std::string_view name);

}  // namespace flickrfs::api::oauth
