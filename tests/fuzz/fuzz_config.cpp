// Fuzz target: the credentials file parser. Whatever parses must survive
// format_config -> parse_config with the same known values.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flickrfs::api;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_config(text);
  if (!parsed.ok()) return 0;
  auto again = parse_config(format_config(*parsed));
  if (!again.ok() || again->api_key != parsed->api_key ||
      again->oauth_token_secret != parsed->oauth_token_secret) {
    std::abort();
  }
  return 0;
}
