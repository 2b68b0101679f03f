#pragma once
// What a running mirror tells its user: on a terminal a one-line bar redrawn in place
// ("  812/2000 photos  240.1 MiB  31.2 MiB/s  ETA 0:38"), without one a plain line every few
// seconds, so logs of cron runs stay short.
//
// Thread contract: update()/finish() from one thread (the executor's main loop).

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace flickrfs::mirror {

[[nodiscard]] std::string human_bytes(std::uint64_t bytes);
[[nodiscard]] std::string human_duration(double seconds);

class Progress {
 public:
  // `enabled` false prints nothing; `terminal` picks the redrawn bar over plain lines.
  Progress(std::FILE* out, bool enabled, bool terminal, std::string unit, std::size_t total_items,
           std::uint64_t total_bytes);

  void update(std::size_t done_items, std::uint64_t bytes);
  void finish();  // clears the bar

 private:
  [[nodiscard]] std::string line(std::size_t done_items, std::uint64_t bytes) const;

  std::FILE* m_out;
  bool m_enabled;
  bool m_terminal;
  std::string m_unit;
  std::size_t m_total_items;
  std::uint64_t m_total_bytes;
  std::chrono::steady_clock::time_point m_start;
  std::chrono::steady_clock::time_point m_last_print;
  bool m_drawn = false;
};

}  // namespace flickrfs::mirror
