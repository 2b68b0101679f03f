#pragma once
// Test-side helpers for talking to a running flickr-emulator: OAuth-signed REST calls (signed
// with the emulator's verifier code, which oauth_vectors_test.cpp pins to Flickr's published
// vectors), plain GETs with headers, and a minimal JSON field reader via simdjson.
//
// Thread contract: free functions; each call uses its own httplib client.

#include <httplib.h>

#include <string>
#include <utility>
#include <vector>

namespace flickrfs::emulator::test {

using Params = std::vector<std::pair<std::string, std::string>>;

struct Reply {
  int status = 0;
  std::string body;
  httplib::Headers headers;
};

// GET url_base + "/services/rest/?" + params (+ api_key=test-key unless signed).
// signed_call adds oauth_* params for test-token and signs them.
Reply rest_call(const std::string& url_base, Params params, bool signed_call,
                const std::string& format = "json");
// The signed query string of a call (for tampering tests).
std::string signed_query(const std::string& url, Params params, const std::string& nonce);
Reply http_get(const std::string& url_base, const std::string& path,
               const httplib::Headers& headers = {});
Reply http_head(const std::string& url_base, const std::string& path);

}  // namespace flickrfs::emulator::test
