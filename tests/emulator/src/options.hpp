#pragma once
// Command line of flickr-emulator (DESIGN section 6) and its strict parser.
//
// Thread contract: plain values.

#include <cstdint>
#include <string>

namespace flickrfs::emulator {

struct Options {
  int port = 0;
  std::uint32_t photos = 2000;
  std::uint32_t sets = 20;
  std::uint32_t favorites = 12;  // other members' photos the account faved
  std::uint64_t seed = 1;
  int latency_ms = 0;
  double bandwidth_mbps = 0;
  double fault_rate = 0;
  std::uint64_t fault_seed = 1;
  std::uint32_t fault_kinds = ~std::uint32_t{0};  // --fault-kinds LIST (faults.hpp); all
  int rate_limit_per_hour = 0;
  int rate_limit_window_s = 3600;  // tests shorten the hour to see a mirror resume
  int image_kb = 300;
  int stall_ms = 5000;
  int ticket_ms = 300;  // async upload tickets complete this long after the upload
  std::string tls_cert;
  std::string tls_key;
};

// Parses argv; on a bad argument returns false with a one-line message in *error.
// --help sets *help.
bool parse_options(int argc, char** argv, Options* options, bool* help, std::string* error);
const char* usage_text();

}  // namespace flickrfs::emulator
