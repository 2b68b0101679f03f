// api/oauth against an independent implementation: liboauth (Debian's liboauth-dev) signs the
// same random requests and must produce the same signatures. liboauth parses the query string
// or POST body our encoder wrote, so the encoding is checked too, not only the signing.
// Random but reproducible: a fixed seed; a failure prints the request.
// oauth.h uses size_t without including what declares it.
// clang-format off
#include <stddef.h>
#include <oauth.h>
// clang-format on

#include <catch2/catch.hpp>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "api/oauth.hpp"

using namespace flickrfs::api::oauth;

namespace {

// What liboauth computes for `url` (with the query or body our encoder wrote), as a Params
// list in liboauth's own order, oauth_signature included.
Params liboauth_sign(const std::string& http_method, const std::string& url, const Keys& keys) {
  int argc = 0;
  char** argv = nullptr;
  argc = oauth_split_url_parameters(url.c_str(), &argv);
  char* postargs = nullptr;
  oauth_sign_array2_process(&argc, &argv, http_method == "POST" ? &postargs : nullptr, OA_HMAC,
                            http_method.c_str(), keys.consumer_key.c_str(),
                            keys.consumer_secret.c_str(),
                            keys.token.empty() ? nullptr : keys.token.c_str(),
                            keys.token_secret.empty() ? nullptr : keys.token_secret.c_str());
  Params out;
  for (int i = 1; i < argc; ++i) {
    const std::string pair = argv[i];
    const auto eq = pair.find('=');
    out.emplace_back(pair.substr(0, eq), eq == std::string::npos ? "" : pair.substr(eq + 1));
  }
  oauth_free_array(&argc, &argv);
  std::free(postargs);  // NOLINT(cppcoreguidelines-no-malloc): liboauth's allocation
  return out;
}

// Text drawn from what breaks signers: reserved and unreserved ASCII, spaces, '+', '%', '&',
// '=', multi-byte UTF-8 (2, 3 and 4 bytes) and emoji sequences. No NUL: liboauth's C strings
// end there (Flickr's parameters never hold one).
std::string random_text(std::mt19937& rng, std::size_t max_len) {
  static const std::vector<std::string> pieces = {
      "a",   "Z",   "0",   "9",     "-",  ".", "_",  "~", " ",    "+",  "%",
      "&",   "=",   "?",   "/",     ":",  "@", "!",  "*", "'",    "(",  ")",
      ";",   ",",   "$",   "#",     "[",  "]", "\"", "<", ">",    "\\", "^",
      "`",   "{",   "|",   "}",     "\t", "é", "ß",  "✓", "東京", "🌅",  "👨‍👩‍👧",
      "%20", "%2B", "abc", "flickr"};
  std::uniform_int_distribution<std::size_t> len(0, max_len);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  std::string text;
  for (std::size_t n = len(rng); n > 0; --n)
    text += pieces[pick(rng)];
  return text;
}

// A name with reserved characters and UTF-8 but no '=': liboauth splits "name=value" at the
// first '=' after decoding, so a name holding one is ambiguous to it.
std::string random_name(std::mt19937& rng) {
  std::string name = random_text(rng, 3) + "x";
  std::erase(name, '=');
  return name;
}

}  // namespace

TEST_CASE("our signer and liboauth agree on 2000 random GET and POST requests",
          "[oauth][liboauth]") {
  std::mt19937 rng(20261205);
  const std::vector<std::string> names = {"method", "photo_id", "title", "description", "tags",
                                          "a",      "A",        "b",     "extras",      "per_page"};
  const std::vector<std::string> urls = {
      "https://api.flickr.com/services/rest/", "https://api.flickr.com/services/rest",
      "https://up.flickr.com/services/upload/", "http://127.0.0.1:8080/services/rest/",
      "https://www.flickr.com/services/oauth/access_token"};
  std::uniform_int_distribution<int> count(0, 8);
  std::uniform_int_distribution<std::size_t> pick_name(0, names.size() - 1);
  std::uniform_int_distribution<std::size_t> pick_url(0, urls.size() - 1);
  std::uniform_int_distribution<int> coin(0, 1);
  for (int round = 0; round < 2000; ++round) {
    Params params;
    for (int n = count(rng); n > 0; --n) {
      // Repeated names happen (pick_name), so duplicate-name ordering is exercised.
      params.emplace_back(coin(rng) ? names[pick_name(rng)] : random_name(rng),
                          random_text(rng, 12));
    }
    const Keys keys{"key" + random_text(rng, 2), "sec" + random_text(rng, 4),
                    coin(rng) ? "tok" + random_text(rng, 2) : "",
                    coin(rng) ? "tsec" + random_text(rng, 3) : ""};
    const std::string url = urls[pick_url(rng)];
    const std::string method = coin(rng) ? "POST" : "GET";
    const std::string nonce = "n" + std::to_string(rng());
    const std::int64_t timestamp = 1700000000 + round;

    // Both sign the same parameters; liboauth reads them from the string our encoder wrote.
    Params with_protocol = params;
    with_protocol.emplace_back("oauth_nonce", nonce);
    with_protocol.emplace_back("oauth_timestamp", std::to_string(timestamp));
    const Params theirs = liboauth_sign(method, url + "?" + form_encode(with_protocol), keys);
    const Params ours = oauth_params(method, url, params, keys, {}, nonce, timestamp);

    INFO("round " << round << ": " << method << " " << url << "?" << form_encode(params));
    REQUIRE(!find_param(theirs, "oauth_signature").empty());
    CHECK(find_param(ours, "oauth_signature") == find_param(theirs, "oauth_signature"));
    // The header form carries the same signature, percent-encoded.
    CHECK(authorization_header(ours).find("oauth_signature=\"" +
                                          percent_encode(find_param(theirs, "oauth_signature")) +
                                          "\"") != std::string::npos);
  }
}
