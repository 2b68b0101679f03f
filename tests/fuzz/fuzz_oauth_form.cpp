// Fuzz target: the OAuth form-body parser (replies of /services/oauth/*), percent-decoding, and
// the round trip form_encode(parse_form(x)) -> parse_form -> same parameters; the signer must
// accept whatever the parser produced.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/oauth.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flickrfs::api::oauth;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)percent_decode(input, true);
  auto params = parse_form(input);
  if (!params.ok()) return 0;
  auto again = parse_form(form_encode(*params));
  if (!again.ok() || *again != *params) std::abort();  // encoding must round-trip
  (void)signature_base_string("POST", "https://api.flickr.com/services/rest/?a=b", *params);
  (void)authorization_header(*params);
  return 0;
}
