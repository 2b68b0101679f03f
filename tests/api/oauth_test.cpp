// api/oauth: every signing vector of flickr-api.md section 12 (Flickr's documentation,
// flickr-sdk's unit tests, RFC 5849 sections 1.2 and 3.4.1.1), and the three transport forms
// (query string, POST body, Authorization header).
#include <catch2/catch.hpp>

#include "api/oauth.hpp"

using namespace flickrfs::api::oauth;

namespace {

const std::string kDocKey = "653e7a6ecc1d528c516cc8f92cf98611";
const std::string kDocSecret = "a9567d986a7539fe";

Params doc_request_token_params(std::string_view url) {
  return oauth_params("GET", url, {}, Keys{kDocKey, kDocSecret, "", ""},
                      {{"oauth_callback", "http://www.example.com"}}, "95613465", 1305586162);
}

Params doc_access_token_params(std::string_view url) {
  return oauth_params(
      "GET", url, {},
      Keys{kDocKey, kDocSecret, "72157626737672178-022bbd2f4c2f3432", "fccb68c4e6103197"},
      {{"oauth_verifier", "5d1b96a26b494074"}}, "37026218", 1305586309);
}

}  // namespace

TEST_CASE("Flickr doc request-token example: base string and signature (http and https)",
          "[oauth]") {
  const Params http =
      doc_request_token_params("http://www.flickr.com/services/oauth/request_token");
  Params without_signature(http.begin(), http.end() - 1);
  CHECK(signature_base_string("GET", "http://www.flickr.com/services/oauth/request_token",
                              without_signature) ==
        "GET&http%3A%2F%2Fwww.flickr.com%2Fservices%2Foauth%2Frequest_token&oauth_callback%3Dhttp%"
        "253A%252F%252Fwww.example.com%26oauth_consumer_key%3D653e7a6ecc1d528c516cc8f92cf98611%"
        "26oauth_nonce%3D95613465%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%"
        "3D1305586162%26oauth_version%3D1.0");
  CHECK(find_param(http, "oauth_signature") == "7w18YS2bONDPL/zgyzP5XTr5af4=");
  // Query form as the documentation prints it.
  CHECK(form_encode(http).find("oauth_signature=7w18YS2bONDPL%2FzgyzP5XTr5af4%3D") !=
        std::string::npos);

  const Params https =
      doc_request_token_params("https://www.flickr.com/services/oauth/request_token");
  CHECK(find_param(https, "oauth_signature") == "2zL7aYEzEEY0IvEgQjT7IqB518U=");
}

TEST_CASE("Flickr doc access-token example (http and https)", "[oauth]") {
  CHECK(find_param(doc_access_token_params("http://www.flickr.com/services/oauth/access_token"),
                   "oauth_signature") == "UD9TGXzrvLIb0Ar5ynqvzatM58U=");
  CHECK(find_param(doc_access_token_params("https://www.flickr.com/services/oauth/access_token"),
                   "oauth_signature") == "9bFoO0o30UZ3TXWagb4fl2c7aU0=");
}

TEST_CASE("flickr-sdk vectors: base string, keys with and without token secret, RFC 3986",
          "[oauth]") {
  const Params params = {{"foo", "123"}, {"bar", "456"}};
  const std::string base = signature_base_string("GET", "http://www.example.com", params);
  CHECK(base == "GET&http%3A%2F%2Fwww.example.com&bar%3D456%26foo%3D123");
  CHECK(signing_key("consumer secret", "") == "consumer%20secret&");
  CHECK(hmac_sha1_base64(signing_key("consumer secret", ""), base) ==
        "lNBTzyWRRHBuoXmgK13Nht5oiKs=");
  CHECK(signing_key("consumer secret", "keyboard cat") == "consumer%20secret&keyboard%20cat");
  CHECK(hmac_sha1_base64(signing_key("consumer secret", "keyboard cat"), base) ==
        "pytjoWTzMmvq13/Bai9YVX1tV9c=");
  CHECK(signature_base_string("GET", "http://www.example.com", {{"foo", "!'()*"}}) ==
        "GET&http%3A%2F%2Fwww.example.com&foo%3D%2521%2527%2528%2529%252A");
}

TEST_CASE("RFC 5849 section 1.2 vectors (temporary credentials, token, resource)", "[oauth]") {
  const std::string client = "dpf43f3p2l4k3l03";
  const Params initiate = {{"oauth_consumer_key", client},
                           {"oauth_signature_method", "HMAC-SHA1"},
                           {"oauth_timestamp", "137131200"},
                           {"oauth_nonce", "wIjqoS"},
                           {"oauth_callback", "http://printer.example.com/ready"},
                           {"realm", "Photos"}};
  CHECK(hmac_sha1_base64("kd94hf93k423kf44&",
                         signature_base_string("POST", "https://photos.example.net/initiate",
                                               initiate)) == "74KNZJeDHnMBp0EMJ9ZHt/XKycU=");

  const Params token = {{"oauth_consumer_key", client},
                        {"oauth_token", "hh5s93j4hdidpola"},
                        {"oauth_signature_method", "HMAC-SHA1"},
                        {"oauth_timestamp", "137131201"},
                        {"oauth_nonce", "walatlh"},
                        {"oauth_verifier", "hfdp7dh39dks9884"}};
  CHECK(hmac_sha1_base64(signing_key("kd94hf93k423kf44", "hdhd0244k9j7ao03"),
                         signature_base_string("POST", "https://photos.example.net/token",
                                               token)) == "gKgrFCywp7rO0OXSjdot/IHF7IU=");

  const Params resource = {{"oauth_consumer_key", client},
                           {"oauth_token", "nnch734d00sl2jdk"},
                           {"oauth_signature_method", "HMAC-SHA1"},
                           {"oauth_timestamp", "137131202"},
                           {"oauth_nonce", "chapoH"}};
  CHECK(hmac_sha1_base64(
            signing_key("kd94hf93k423kf44", "pfkkdhi9sl3r4s00"),
            signature_base_string(
                "GET", "http://photos.example.net/photos?file=vacation.jpg&size=original",
                resource)) == "MdpQcU8iPSUjWoN/UDMsK2sui9I=");
}

TEST_CASE("RFC 5849 section 3.4.1.1: query + POST body + duplicates, erratum 2550 signature",
          "[oauth]") {
  const std::string url = "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b";
  auto body = parse_form("c2&a3=2+q");
  REQUIRE(body.ok());
  Params params = *body;
  params.insert(params.end(), {{"oauth_consumer_key", "9djdj82h48djs9d2"},
                               {"oauth_token", "kkk9d7dh3k39sjv7"},
                               {"oauth_signature_method", "HMAC-SHA1"},
                               {"oauth_timestamp", "137131201"},
                               {"oauth_nonce", "7d8f3e4a"}});
  const std::string base = signature_base_string("POST", url, params);
  CHECK(base ==
        "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%"
        "253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%"
        "3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_"
        "token%3Dkkk9d7dh3k39sjv7");
  CHECK(hmac_sha1_base64(signing_key("j49sk3j29djd", "dh893hdasih9"), base) ==
        "r6/TJjbCOr97/+UU0NsvSne7s5g=");
}

TEST_CASE("base string URI: case, default ports, query and fragment, trailing slash", "[oauth]") {
  CHECK(base_string_uri("HTTP://Example.COM:80/r%20v/X?id=123") == "http://example.com/r%20v/X");
  CHECK(base_string_uri("https://www.example.net:8080/?q=1") == "https://www.example.net:8080/");
  CHECK(base_string_uri("https://api.flickr.com:443/services/rest/#x") ==
        "https://api.flickr.com/services/rest/");
  CHECK(base_string_uri("https://api.flickr.com/services/rest") ==
        "https://api.flickr.com/services/rest");
}

TEST_CASE("percent-encoding is RFC 3986 and decoding rejects malformed escapes", "[oauth]") {
  CHECK(percent_encode("AZaz09-._~") == "AZaz09-._~");
  CHECK(percent_encode("a b+c/=&!'()*") == "a%20b%2Bc%2F%3D%26%21%27%28%29%2A");
  CHECK(percent_encode("\xc4\x87") == "%C4%87");
  CHECK(percent_decode("a%20b+c", true).value() == "a b c");
  CHECK(percent_decode("a+b", false).value() == "a+b");
  CHECK_FALSE(percent_decode("%zz", false).ok());
  CHECK_FALSE(percent_decode("%4", false).ok());
}

TEST_CASE("the three transport forms carry the same signed parameters", "[oauth]") {
  const Params oauth =
      doc_request_token_params("http://www.flickr.com/services/oauth/request_token");
  // Query / POST body form: name=value&..., parsed back losslessly.
  const std::string query = form_encode(oauth);
  auto parsed = parse_form(query);
  REQUIRE(parsed.ok());
  CHECK(*parsed == oauth);
  // Authorization header form.
  CHECK(authorization_header(oauth) ==
        "OAuth oauth_consumer_key=\"653e7a6ecc1d528c516cc8f92cf98611\", "
        "oauth_nonce=\"95613465\", oauth_signature_method=\"HMAC-SHA1\", "
        "oauth_timestamp=\"1305586162\", oauth_version=\"1.0\", "
        "oauth_callback=\"http%3A%2F%2Fwww.example.com\", "
        "oauth_signature=\"7w18YS2bONDPL%2FzgyzP5XTr5af4%3D\"");
  CHECK(authorization_header({{"oauth_nonce", "1"}}, "Photos") ==
        "OAuth realm=\"Photos\", oauth_nonce=\"1\"");

  // POST body form: body parameters are signed, and the same call in query form signs alike.
  const Params body = {{"method", "flickr.test.login"}, {"format", "json"}};
  const Keys keys{"key", "secret", "token", "token-secret"};
  const Params in_body =
      oauth_params("POST", "https://api.flickr.com/services/rest/", body, keys, {}, "n", 1);
  const Params in_query = oauth_params(
      "POST", "https://api.flickr.com/services/rest/?method=flickr.test.login&format=json", {},
      keys, {}, "n", 1);
  CHECK(find_param(in_body, "oauth_signature") == find_param(in_query, "oauth_signature"));
  CHECK(find_param(in_body, "oauth_signature") !=
        find_param(
            oauth_params("GET", "https://api.flickr.com/services/rest/", body, keys, {}, "n", 1),
            "oauth_signature"));
}

TEST_CASE("form parser: the OAuth endpoints' replies and odd input", "[oauth]") {
  auto reply = parse_form(
      "fullname=Jamal%20Fanaian&oauth_token=72157626318069415-087bfc7b5816092c&oauth_token_"
      "secret=a202d1f853ec69de&user_nsid=21207597%40N07&username=jamalfanaian");
  REQUIRE(reply.ok());
  CHECK(find_param(*reply, "fullname") == "Jamal Fanaian");
  CHECK(find_param(*reply, "user_nsid") == "21207597@N07");
  CHECK(find_param(*reply, "oauth_token_secret") == "a202d1f853ec69de");
  auto odd = parse_form("&&a&=x&b=1=2&");
  REQUIRE(odd.ok());
  CHECK(*odd == Params{{"a", ""}, {"", "x"}, {"b", "1=2"}});
  CHECK_FALSE(parse_form("a=%G0").ok());
  CHECK(parse_form("").value().empty());
}

TEST_CASE("nonces are fresh", "[oauth]") {
  const std::string first = make_nonce();
  CHECK(first.size() == 32);
  CHECK(first != make_nonce());
  CHECK(unix_now() > 1'600'000'000);
}
