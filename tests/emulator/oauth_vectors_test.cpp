// The emulator's OAuth signature code against the published vectors of flickr-api.md
// section 12 (Flickr doc example, flickcurl's https variant, flickr-sdk unit vectors,
// RFC 5849 section 1.2 and the corrected section 3.4.1.1 example).
#include <catch2/catch.hpp>

#include "oauth_verifier.hpp"

using namespace flickrfs::emulator;

namespace {
ParamList flickr_doc_request_token_params() {
  return {{"oauth_callback", "http://www.example.com"},
          {"oauth_consumer_key", "653e7a6ecc1d528c516cc8f92cf98611"},
          {"oauth_nonce", "95613465"},
          {"oauth_signature_method", "HMAC-SHA1"},
          {"oauth_timestamp", "1305586162"},
          {"oauth_version", "1.0"}};
}
}  // namespace

TEST_CASE("Flickr documentation request-token vector (http and https)") {
  const auto params = flickr_doc_request_token_params();
  const std::string url = "http://www.flickr.com/services/oauth/request_token";
  CHECK(signature_base_string("GET", url, params) ==
        "GET&http%3A%2F%2Fwww.flickr.com%2Fservices%2Foauth%2Frequest_token&oauth_callback%3Dhttp"
        "%253A%252F%252Fwww.example.com%26oauth_consumer_key%3D653e7a6ecc1d528c516cc8f92cf98611%26"
        "oauth_nonce%3D95613465%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%"
        "3D1305586162%26oauth_version%3D1.0");
  CHECK(oauth_signature("GET", url, params, "a9567d986a7539fe", "") ==
        "7w18YS2bONDPL/zgyzP5XTr5af4=");
  CHECK(oauth_signature("GET", "https://www.flickr.com/services/oauth/request_token", params,
                        "a9567d986a7539fe", "") == "2zL7aYEzEEY0IvEgQjT7IqB518U=");
}

TEST_CASE("Flickr documentation access-token vector") {
  const ParamList params = {{"oauth_consumer_key", "653e7a6ecc1d528c516cc8f92cf98611"},
                            {"oauth_nonce", "37026218"},
                            {"oauth_signature_method", "HMAC-SHA1"},
                            {"oauth_timestamp", "1305586309"},
                            {"oauth_token", "72157626737672178-022bbd2f4c2f3432"},
                            {"oauth_verifier", "5d1b96a26b494074"},
                            {"oauth_version", "1.0"}};
  CHECK(oauth_signature("GET", "http://www.flickr.com/services/oauth/access_token", params,
                        "a9567d986a7539fe", "fccb68c4e6103197") == "UD9TGXzrvLIb0Ar5ynqvzatM58U=");
  CHECK(oauth_signature("GET", "https://www.flickr.com/services/oauth/access_token", params,
                        "a9567d986a7539fe", "fccb68c4e6103197") == "9bFoO0o30UZ3TXWagb4fl2c7aU0=");
}

TEST_CASE("flickr-sdk unit vectors: keys with spaces, RFC 3986 reserved characters") {
  const ParamList params = {{"foo", "123"}, {"bar", "456"}};
  CHECK(signature_base_string("GET", "http://www.example.com", params) ==
        "GET&http%3A%2F%2Fwww.example.com&bar%3D456%26foo%3D123");
  CHECK(oauth_signature("GET", "http://www.example.com", params, "consumer secret", "") ==
        "lNBTzyWRRHBuoXmgK13Nht5oiKs=");
  CHECK(oauth_signature("GET", "http://www.example.com", params, "consumer secret",
                        "keyboard cat") == "pytjoWTzMmvq13/Bai9YVX1tV9c=");
  CHECK(signature_base_string("GET", "http://www.example.com", {{"foo", "!'()*"}}) ==
        "GET&http%3A%2F%2Fwww.example.com&foo%3D%2521%2527%2528%2529%252A");
}

TEST_CASE("RFC 5849 section 1.2 vectors") {
  const ParamList initiate = {{"oauth_consumer_key", "dpf43f3p2l4k3l03"},
                              {"oauth_signature_method", "HMAC-SHA1"},
                              {"oauth_timestamp", "137131200"},
                              {"oauth_nonce", "wIjqoS"},
                              {"oauth_callback", "http://printer.example.com/ready"}};
  CHECK(oauth_signature("POST", "https://photos.example.net/initiate", initiate, "kd94hf93k423kf44",
                        "") == "74KNZJeDHnMBp0EMJ9ZHt/XKycU=");
  const ParamList token = {{"oauth_consumer_key", "dpf43f3p2l4k3l03"},
                           {"oauth_token", "hh5s93j4hdidpola"},
                           {"oauth_signature_method", "HMAC-SHA1"},
                           {"oauth_timestamp", "137131201"},
                           {"oauth_nonce", "walatlh"},
                           {"oauth_verifier", "hfdp7dh39dks9884"}};
  CHECK(oauth_signature("POST", "https://photos.example.net/token", token, "kd94hf93k423kf44",
                        "hdhd0244k9j7ao03") == "gKgrFCywp7rO0OXSjdot/IHF7IU=");
  const ParamList photos = {{"file", "vacation.jpg"},
                            {"size", "original"},
                            {"oauth_consumer_key", "dpf43f3p2l4k3l03"},
                            {"oauth_token", "nnch734d00sl2jdk"},
                            {"oauth_signature_method", "HMAC-SHA1"},
                            {"oauth_timestamp", "137131202"},
                            {"oauth_nonce", "chapoH"}};
  CHECK(oauth_signature("GET", "http://photos.example.net/photos", photos, "kd94hf93k423kf44",
                        "pfkkdhi9sl3r4s00") == "MdpQcU8iPSUjWoN/UDMsK2sui9I=");
}

TEST_CASE("RFC 5849 section 3.4.1.1 base string from query, form body and duplicates") {
  // Query b5=%3D%253D&a3=a&c%40=&a2=r%20b and body c2&a3=2+q, decoded as the server does.
  ParamList params = parse_form("b5=%3D%253D&a3=a&c%40=&a2=r%20b");
  for (auto& p : parse_form("c2&a3=2+q"))
    params.push_back(p);
  for (auto& p : ParamList{{"oauth_consumer_key", "9djdj82h48djs9d2"},
                           {"oauth_token", "kkk9d7dh3k39sjv7"},
                           {"oauth_signature_method", "HMAC-SHA1"},
                           {"oauth_timestamp", "137131201"},
                           {"oauth_nonce", "7d8f3e4a"}})
    params.push_back(p);
  const std::string base = signature_base_string("POST", "http://example.com/request", params);
  CHECK(base ==
        "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%"
        "253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%"
        "3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_"
        "token%3Dkkk9d7dh3k39sjv7");
  CHECK(oauth_signature("POST", "http://example.com/request", params, "j49sk3j29djd",
                        "dh893hdasih9") == "r6/TJjbCOr97/+UU0NsvSne7s5g=");
}

TEST_CASE("Authorization header parsing decodes values and drops realm") {
  const auto params = parse_authorization_header(
      "OAuth realm=\"Example\", oauth_consumer_key=\"test-key\", oauth_signature=\"a%2Bb%3D\"");
  REQUIRE(params);
  REQUIRE(params->size() == 2);
  CHECK((*params)[0] == std::pair<std::string, std::string>{"oauth_consumer_key", "test-key"});
  CHECK((*params)[1].second == "a+b=");
  CHECK_FALSE(parse_authorization_header("Basic abc"));
}
