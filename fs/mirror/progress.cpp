// See progress.hpp.
#include "fs/mirror/progress.hpp"

#include <cinttypes>

namespace flickrfs::mirror {

namespace {

constexpr auto kTerminalInterval = std::chrono::milliseconds(200);
constexpr auto kPlainInterval = std::chrono::seconds(5);

}  // namespace

std::string human_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, kUnits[unit]);
  return text;
}

std::string human_duration(double seconds) {
  if (seconds < 0) seconds = 0;
  const auto total = static_cast<std::int64_t>(seconds + 0.5);
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%" PRId64 ":%02" PRId64 ":%02" PRId64, total / 3600,
                  total / 60 % 60, total % 60);
  } else {
    std::snprintf(text, sizeof text, "%" PRId64 ":%02" PRId64, total / 60, total % 60);
  }
  return text;
}

Progress::Progress(std::FILE* out, bool enabled, bool terminal, std::string unit,
                   std::size_t total_items, std::uint64_t total_bytes)
    : m_out(out),
      m_enabled(enabled),
      m_terminal(terminal),
      m_unit(std::move(unit)),
      m_total_items(total_items),
      m_total_bytes(total_bytes),
      m_start(std::chrono::steady_clock::now()),
      m_last_print(m_start) {}

std::string Progress::line(std::size_t done_items, std::uint64_t bytes) const {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
  const double rate = elapsed > 0 ? static_cast<double>(bytes) / elapsed : 0;
  std::string text = "  " + std::to_string(done_items) + "/" + std::to_string(m_total_items) + " " +
                     m_unit + "  " + human_bytes(bytes) + "  " +
                     human_bytes(static_cast<std::uint64_t>(rate)) + "/s";
  double remaining = -1;
  if (m_total_bytes > bytes && rate > 0) {
    remaining = static_cast<double>(m_total_bytes - bytes) / rate;
  } else if (done_items > 0 && m_total_items > done_items) {
    remaining =
        elapsed / static_cast<double>(done_items) * static_cast<double>(m_total_items - done_items);
  }
  if (remaining >= 0) text += "  ETA " + human_duration(remaining);
  return text;
}

void Progress::update(std::size_t done_items, std::uint64_t bytes) {
  if (!m_enabled) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - m_last_print < (m_terminal ? kTerminalInterval : kPlainInterval)) return;
  m_last_print = now;
  const std::string text = line(done_items, bytes);
  if (m_terminal) {
    std::fprintf(m_out, "\r\033[K%s", text.c_str());
    m_drawn = true;
  } else {
    std::fprintf(m_out, "flickrfs mirror:%s\n", text.c_str());
  }
  std::fflush(m_out);
}

void Progress::finish() {
  if (m_drawn) {
    std::fputs("\r\033[K", m_out);
    std::fflush(m_out);
  }
  m_drawn = false;
}

}  // namespace flickrfs::mirror
