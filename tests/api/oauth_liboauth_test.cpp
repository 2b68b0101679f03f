// api/oauth against an independent implementation: liboauth (Debian's liboauth-dev) signs the
// same random requests and must produce the same signatures, in all three transport forms
// (query string, POST body, Authorization header). liboauth parses the query string or body
// our encoder wrote and writes its own, so the encoding is checked too, not only the signing.
// Random but reproducible: a fixed seed (FLICKRFS_ORACLE_SEED overrides it); a failure
// prints the seed, the round and the request with its secrets replaced.
// oauth.h uses size_t without including what declares it.
// clang-format off
#include <stddef.h>
#include <oauth.h>
// clang-format on

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "api/oauth.hpp"

using namespace flickrfs::api::oauth;

namespace {

enum class Form { query, body, header };

const char* form_name(Form form) {
  switch (form) {
    case Form::query:
      return "query";
    case Form::body:
      return "body";
    case Form::header:
      return "header";
  }
  return "?";
}

// A string liboauth allocated (malloc).
std::string take(char* text) {
  std::string out = text != nullptr ? text : "";
  std::free(text);  // NOLINT(cppcoreguidelines-no-malloc): liboauth's allocation
  return out;
}

// What liboauth makes of `signed_url` (url?query, query holding the request and the
// oauth_nonce/oauth_timestamp to use): the request it would send, in each form.
struct Theirs {
  std::string url;     // url?query with oauth_signature (query form), or the bare url
  std::string body;    // POST body with oauth_signature (body form)
  std::string header;  // the Authorization header's parameter list
};

Theirs liboauth_sign(const std::string& http_method, const std::string& signed_url,
                     const Keys& keys, bool as_body) {
  int argc = 0;
  char** argv = nullptr;
  argc = oauth_split_url_parameters(signed_url.c_str(), &argv);
  char* postargs = nullptr;
  Theirs out;
  // NULL, not "", for an absent token: liboauth signs an empty oauth_token when given "".
  out.url = take(
      oauth_sign_array2(&argc, &argv, as_body ? &postargs : nullptr, OA_HMAC, http_method.c_str(),
                        keys.consumer_key.c_str(), keys.consumer_secret.c_str(),
                        keys.token.empty() ? nullptr : keys.token.c_str(),
                        keys.token_secret.empty() ? nullptr : keys.token_secret.c_str()));
  out.body = take(postargs);
  // mod 2: oauth_* parameters only; 4: values in double quotes (liboauth's header recipe).
  char separator[] = ", ";
  out.header = take(oauth_serialize_url_sep(argc, 1, argv, separator, 6));
  oauth_free_array(&argc, &argv);
  return out;
}

// Sorted and form-encoded: an order-free comparison that a failure prints readably.
std::string canonical(Params params) {
  std::sort(params.begin(), params.end());
  return form_encode(params);
}

Params parse_query(const std::string& url) {
  const auto question = url.find('?');
  if (question == std::string::npos) return {};
  return parse_form(url.substr(question + 1)).value();
}

// name="value", name="value" (an optional "OAuth " first); values percent-decoded.
Params parse_header(std::string_view header) {
  if (header.starts_with("OAuth ")) header.remove_prefix(6);
  Params out;
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (item.starts_with(' '))
      item.remove_prefix(1);
    const auto eq = item.find('=');
    REQUIRE(eq != std::string_view::npos);
    std::string_view value = item.substr(eq + 1);
    REQUIRE((value.size() >= 2 && value.front() == '"' && value.back() == '"'));
    value = value.substr(1, value.size() - 2);
    out.emplace_back(percent_decode(item.substr(0, eq), false).value(),
                     percent_decode(value, false).value());
  }
  return out;
}

// Text drawn from what breaks signers: reserved and unreserved ASCII, spaces, '+', '%', '&',
// '=', multi-byte UTF-8 (2, 3 and 4 bytes) and emoji sequences; length 0 gives empty values.
// No NUL: liboauth's C strings end there (Flickr's parameters never hold one).
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
// first '=' after decoding, so a name holding one is ambiguous to it (Flickr's never do).
std::string random_name(std::mt19937& rng) {
  std::string name = random_text(rng, 3) + "x";
  std::erase(name, '=');
  return name;
}

std::uint32_t oracle_seed() {
  const char* text = std::getenv("FLICKRFS_ORACLE_SEED");
  return text != nullptr ? static_cast<std::uint32_t>(std::strtoul(text, nullptr, 10)) : 20261205;
}

// The request as a failure shows it: public parts in full, secrets replaced.
std::string describe(Form form, const std::string& method, const std::string& url,
                     const Params& query, const Params& body, const Keys& keys) {
  std::ostringstream out;
  out << form_name(form) << " form: " << method << " " << url << "?" << form_encode(query)
      << " body=" << form_encode(body) << " consumer_key=" << keys.consumer_key
      << " consumer_secret=<secret> token=" << keys.token
      << (keys.token_secret.empty() ? " token_secret=(none)" : " token_secret=<secret>");
  return out.str();
}

}  // namespace

TEST_CASE("our signer and liboauth agree on 3000 random requests in query, body and header form",
          "[oauth][liboauth]") {
  const std::uint32_t seed = oracle_seed();
  INFO("seed " << seed << " (set FLICKRFS_ORACLE_SEED to replay)");
  std::mt19937 rng(seed);
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
  std::uniform_int_distribution<int> pick_form(0, 2);
  for (int round = 0; round < 3000; ++round) {
    Params params;
    for (int n = count(rng); n > 0; --n) {
      // Repeated names happen (pick_name, and a repeat of the previous name), so the
      // duplicate-name ordering (by value) is exercised.
      std::string name = coin(rng) ? names[pick_name(rng)] : random_name(rng);
      if (!params.empty() && coin(rng) && coin(rng)) name = params.back().first;
      params.emplace_back(std::move(name), random_text(rng, 12));
    }
    const Keys keys{"key" + random_text(rng, 2), "sec" + random_text(rng, 4),
                    coin(rng) ? "tok" + random_text(rng, 2) : "",
                    coin(rng) ? "tsec" + random_text(rng, 3) : ""};
    const std::string url = urls[pick_url(rng)];
    const auto form = static_cast<Form>(pick_form(rng));
    const std::string method = form == Form::body || coin(rng) ? "POST" : "GET";
    const std::string nonce = "n" + std::to_string(rng());
    const std::int64_t timestamp = 1700000000 + round;

    // The body form may still carry some parameters in the query (RFC 5849 3.4.1.3 signs
    // both); the other forms carry them all in the query.
    std::size_t in_query = params.size();
    if (form == Form::body) in_query = std::uniform_int_distribution<std::size_t>(0, in_query)(rng);
    const Params query(params.begin(), params.begin() + static_cast<std::ptrdiff_t>(in_query));
    const Params body(params.begin() + static_cast<std::ptrdiff_t>(in_query), params.end());
    INFO("round " << round << ": " << describe(form, method, url, query, body, keys));

    // Ours reads the query parameters back from the URL, as it does for a real request.
    const std::string request_url = query.empty() ? url : url + "?" + form_encode(query);
    const Params ours = oauth_params(method, request_url, body, keys, {}, nonce, timestamp);
    Params with_protocol = params;
    with_protocol.emplace_back("oauth_nonce", nonce);
    with_protocol.emplace_back("oauth_timestamp", std::to_string(timestamp));
    const Theirs theirs =
        liboauth_sign(method, url + "?" + form_encode(with_protocol), keys, form == Form::body);

    // The whole request, read back from either encoding: same parameters, same signature.
    Params everything = params;
    everything.insert(everything.end(), ours.begin(), ours.end());
    switch (form) {
      case Form::query:
        CHECK(canonical(parse_query(theirs.url)) == canonical(everything));
        break;
      case Form::body:
        CHECK(theirs.url == url);
        CHECK(canonical(parse_form(theirs.body).value()) == canonical(everything));
        break;
      case Form::header:
        CHECK(canonical(parse_header(theirs.header)) == canonical(ours));
        CHECK(canonical(parse_header(authorization_header(ours))) == canonical(ours));
        break;
    }
    REQUIRE(!find_param(ours, "oauth_signature").empty());
  }
}

// flickr-api.md section 12's vectors, signed by liboauth. Where liboauth cannot express a
// vector, flickr-api.md wins and oauth_test.cpp checks our signer on it: RFC 5849 1.2 and
// 3.4.1.1 sign no oauth_version, and liboauth always adds oauth_version=1.0 (so does our
// oauth_params, as Flickr's own examples carry it). Of those, only the HMAC step of the
// 3.4.1.1 vector (erratum 2550's value) is checked here.
TEST_CASE("liboauth reproduces the signing vectors of flickr-api.md", "[oauth][liboauth]") {
  const Keys doc{"653e7a6ecc1d528c516cc8f92cf98611", "a9567d986a7539fe", "", ""};
  const std::string request_token =
      "/services/oauth/request_token?oauth_callback=http%3A%2F%2Fwww.example.com"
      "&oauth_nonce=95613465&oauth_timestamp=1305586162";
  const auto signature = [](const Theirs& theirs) {
    return std::string(find_param(parse_query(theirs.url), "oauth_signature"));
  };
  CHECK(signature(liboauth_sign("GET", "http://www.flickr.com" + request_token, doc, false)) ==
        "7w18YS2bONDPL/zgyzP5XTr5af4=");
  CHECK(signature(liboauth_sign("GET", "https://www.flickr.com" + request_token, doc, false)) ==
        "2zL7aYEzEEY0IvEgQjT7IqB518U=");

  const Keys access{doc.consumer_key, doc.consumer_secret, "72157626737672178-022bbd2f4c2f3432",
                    "fccb68c4e6103197"};
  const std::string access_token =
      "/services/oauth/access_token?oauth_verifier=5d1b96a26b494074"
      "&oauth_nonce=37026218&oauth_timestamp=1305586309";
  CHECK(signature(liboauth_sign("GET", "http://www.flickr.com" + access_token, access, false)) ==
        "UD9TGXzrvLIb0Ar5ynqvzatM58U=");
  CHECK(signature(liboauth_sign("GET", "https://www.flickr.com" + access_token, access, false)) ==
        "9bFoO0o30UZ3TXWagb4fl2c7aU0=");

  // flickr-sdk: its base string and keys, and RFC 3986's !'()*.
  const std::string sdk_base = "GET&http%3A%2F%2Fwww.example.com&bar%3D456%26foo%3D123";
  CHECK(take(oauth_sign_hmac_sha1(sdk_base.c_str(), "consumer%20secret&")) ==
        "lNBTzyWRRHBuoXmgK13Nht5oiKs=");
  CHECK(take(oauth_sign_hmac_sha1(sdk_base.c_str(), "consumer%20secret&keyboard%20cat")) ==
        "pytjoWTzMmvq13/Bai9YVX1tV9c=");
  CHECK(take(oauth_url_escape("!'()*")) == "%21%27%28%29%2A");

  const std::string rfc_base =
      "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%"
      "253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%"
      "3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_"
      "token%3Dkkk9d7dh3k39sjv7";
  CHECK(take(oauth_sign_hmac_sha1(rfc_base.c_str(), "j49sk3j29djd&dh893hdasih9")) ==
        "r6/TJjbCOr97/+UU0NsvSne7s5g=");
  // liboauth adds oauth_version where the RFC's request has none, so its signature differs.
  const Theirs rfc_initiate = liboauth_sign(
      "POST",
      "https://photos.example.net/initiate?oauth_callback=http%3A%2F%2Fprinter.example.com%2Fready"
      "&oauth_nonce=wIjqoS&oauth_timestamp=137131200",
      Keys{"dpf43f3p2l4k3l03", "kd94hf93k423kf44", "", ""}, true);
  const Params rfc_sent = parse_form(rfc_initiate.body).value();
  CHECK(find_param(rfc_sent, "oauth_version") == "1.0");
  CHECK(find_param(rfc_sent, "oauth_signature") != "74KNZJeDHnMBp0EMJ9ZHt/XKycU=");
}
