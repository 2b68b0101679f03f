// Command line parser of flickr-emulator (see options.hpp).
#include "options.hpp"

#include "faults.hpp"

#include <charconv>
#include <cmath>
#include <string_view>

namespace flickrfs::emulator {

const char* usage_text() {
  return "usage: flickr-emulator [--port 0] [--photos 2000] [--sets 20] [--favorites 12]\n"
         "  [--seed 1] [--latency-ms 0] [--bandwidth-mbps 0] [--fault-rate 0] [--fault-seed 1]\n"
         "  [--fault-kinds http500,http502,...]\n"
         "  [--rate-limit-per-hour 0] [--rate-limit-window-s 3600] [--image-kb 300]\n"
         "  [--stall-ms 5000] [--ticket-ms 300]\n"
         "  [--tls-cert FILE --tls-key FILE]\n"
         "A local Flickr for tests; see tests/emulator/README.md.\n";
}

namespace {

template <class T>
bool parse_number(std::string_view text, T min, T max, T* out) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max)
    return false;
  *out = value;
  return true;
}

bool parse_double(const std::string& text, double min, double max, double* out) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (...) {
    return false;
  }
  if (used != text.size() || !std::isfinite(value) || value < min || value > max) return false;
  *out = value;
  return true;
}

}  // namespace

bool parse_options(int argc, char** argv, Options* o, bool* help, std::string* error) {
  *help = false;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "-h" || flag == "--help") {
      *help = true;
      return true;
    }
    if (i + 1 >= argc) {
      *error = flag.rfind("--", 0) == 0 ? flag + " needs a value" : "unknown argument " + flag;
      return false;
    }
    const std::string value = argv[++i];
    bool ok = true;
    if (flag == "--port")
      ok = parse_number(value, 0, 65535, &o->port);
    else if (flag == "--photos")
      ok = parse_number<std::uint32_t>(value, 0, 5000000, &o->photos);
    else if (flag == "--sets")
      ok = parse_number<std::uint32_t>(value, 0, 10000, &o->sets);
    else if (flag == "--favorites")
      ok = parse_number<std::uint32_t>(value, 0, 10000, &o->favorites);
    else if (flag == "--seed")
      ok = parse_number<std::uint64_t>(value, 0, UINT64_MAX, &o->seed);
    else if (flag == "--latency-ms")
      ok = parse_number(value, 0, 600000, &o->latency_ms);
    else if (flag == "--bandwidth-mbps")
      ok = parse_double(value, 0, 1e6, &o->bandwidth_mbps);
    else if (flag == "--fault-rate")
      ok = parse_double(value, 0, 1, &o->fault_rate);
    else if (flag == "--fault-seed")
      ok = parse_number<std::uint64_t>(value, 0, UINT64_MAX, &o->fault_seed);
    else if (flag == "--fault-kinds") {
      if (!parse_fault_kinds(value, &o->fault_kinds, error)) return false;
    } else if (flag == "--rate-limit-per-hour")
      ok = parse_number(value, 0, 100000000, &o->rate_limit_per_hour);
    else if (flag == "--rate-limit-window-s")
      ok = parse_number(value, 1, 86400, &o->rate_limit_window_s);
    else if (flag == "--image-kb")
      ok = parse_number(value, 1, 1000000, &o->image_kb);
    else if (flag == "--stall-ms")
      ok = parse_number(value, 0, 600000, &o->stall_ms);
    else if (flag == "--ticket-ms")
      ok = parse_number(value, 0, 600000, &o->ticket_ms);
    else if (flag == "--tls-cert")
      o->tls_cert = value;
    else if (flag == "--tls-key")
      o->tls_key = value;
    else {
      *error = "unknown option " + flag;
      return false;
    }
    if (!ok) {
      *error = "bad value for " + flag + ": '" + value + "'";
      return false;
    }
  }
  if (o->tls_cert.empty() != o->tls_key.empty()) {
    *error = "--tls-cert and --tls-key go together";
    return false;
  }
  return true;
}

}  // namespace flickrfs::emulator
