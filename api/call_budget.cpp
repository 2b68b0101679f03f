// See call_budget.hpp.
#include "api/call_budget.hpp"

#include <fcntl.h>
#include <openssl/sha.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

namespace flickrfs::api {

namespace {

thread_local Priority t_priority = Priority::foreground;

// An unlimited window is only counted for `flickrfs status`; it must not grow without bound.
constexpr std::size_t kMaxUnlimitedCalls = 200'000;
constexpr std::string_view kMagic = "flickrfs-budget 1";

RollingWindow::Tick ticks(Clock::time_point when) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch()).count();
}

// A reservation is the time a call is about to be sent; Flickr counts it when it arrives,
// a round trip later, and the next call's trip may be quicker. So a call stays in the shared
// window a little longer than the window itself: 2 s, or 1/1000 of the window if longer.
RollingWindow::Tick window_ticks(const BudgetLimit& limit) {
  const auto window = std::chrono::duration_cast<std::chrono::nanoseconds>(limit.window);
  const auto margin = std::max<std::chrono::nanoseconds>(std::chrono::seconds(2), window / 1000);
  return (window + margin).count();
}

// Identifies this boot: steady-clock ticks of another boot mean nothing.
std::string boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id.empty() ? "unknown" : id;
}

bool parse_tick(std::string_view text, RollingWindow::Tick& out) {
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

// The file's text: magic, boot id, hold-off, one tick per line, "end" (a file cut short by a
// crash mid-write lacks it; rename makes that impossible, the check is for anything else).
std::string format_window(const RollingWindow& window, const std::string& boot) {
  std::string text;
  text.reserve(64 + window.calls().size() * 20);
  text.append(kMagic).append("\nboot ").append(boot).append("\nhold ");
  text.append(std::to_string(window.held_until())).append("\n");
  for (const RollingWindow::Tick tick : window.calls())
    text.append(std::to_string(tick)).push_back('\n');
  text.append("end\n");
  return text;
}

// nullopt: corrupt. An empty deque with hold 0: a file of another boot.
struct Parsed {
  std::deque<RollingWindow::Tick> calls;
  RollingWindow::Tick hold = 0;
};
std::optional<Parsed> parse_window(const std::string& text, const std::string& boot) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != kMagic) return std::nullopt;
  if (!std::getline(in, line) || line.rfind("boot ", 0) != 0) return std::nullopt;
  const bool same_boot = line.substr(5) == boot;
  Parsed parsed;
  if (!std::getline(in, line) || line.rfind("hold ", 0) != 0 ||
      !parse_tick(std::string_view(line).substr(5), parsed.hold)) {
    return std::nullopt;
  }
  bool ended = false;
  while (std::getline(in, line)) {
    if (line == "end") {
      ended = true;
      break;
    }
    RollingWindow::Tick tick = 0;
    if (!parse_tick(line, tick)) return std::nullopt;
    parsed.calls.push_back(tick);
  }
  if (!ended) return std::nullopt;
  if (!same_boot) return Parsed{};
  return parsed;
}

}  // namespace

Priority current_priority() noexcept {
  return t_priority;
}

PriorityScope::PriorityScope(Priority priority) noexcept : m_previous(t_priority) {
  t_priority = priority;
}

PriorityScope::~PriorityScope() {
  t_priority = m_previous;
}

std::int64_t BudgetLimit::background_reserve() const {
  if (calls < 2) return 0;
  return std::clamp<std::int64_t>(calls / 20, 1, calls - 1);
}

// ---- RollingWindow -----------------------------------------------------------------------

RollingWindow::Tick RollingWindow::next_allowed(Tick now, std::int64_t reserve) const {
  Tick at = std::max(now, m_hold_until);
  if (m_limit <= 0) return at;
  // With n calls recorded (sorted), one more fits at T when at most limit - reserve - 1 of
  // them are still inside (T - window, T]: the call at index n - (limit - reserve) must have
  // left, i.e. T >= calls[k] + window.
  const auto allowed = std::max<std::int64_t>(1, m_limit - reserve);
  const auto k = static_cast<std::int64_t>(m_calls.size()) - allowed;
  if (k >= 0) at = std::max(at, m_calls[static_cast<std::size_t>(k)] + m_window);
  return at;
}

bool RollingWindow::try_take(Tick now, std::int64_t reserve) {
  if (next_allowed(now, reserve) > now) return false;
  prune(now);
  // Times from several processes arrive under one lock, so they are ordered; a fake clock
  // in a test could still go back: keep the deque sorted regardless.
  m_calls.insert(std::upper_bound(m_calls.begin(), m_calls.end(), now), now);
  if (m_limit <= 0 && m_calls.size() > kMaxUnlimitedCalls) m_calls.pop_front();
  return true;
}

std::int64_t RollingWindow::used(Tick now) const {
  const auto first_inside = std::upper_bound(m_calls.begin(), m_calls.end(), now - m_window);
  return std::distance(first_inside, m_calls.end());
}

void RollingWindow::prune(Tick now) {
  while (!m_calls.empty() && now - m_calls.front() >= m_window)
    m_calls.pop_front();
}

void RollingWindow::hold_until(Tick until) {
  m_hold_until = std::max(m_hold_until, until);
}

void RollingWindow::assign(std::deque<Tick> calls, Tick hold_until) {
  std::sort(calls.begin(), calls.end());
  if (m_limit > 0) {
    while (static_cast<std::int64_t>(calls.size()) > m_limit)
      calls.pop_front();
  }
  m_calls = std::move(calls);
  m_hold_until = hold_until;
}

std::string describe(const BudgetState& state) {
  const std::string last = " in the last " + std::to_string(state.window.count()) + " s";
  if (state.limit <= 0) return "unlimited (" + std::to_string(state.used) + " calls" + last + ")";
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(state.next_in).count();
  return std::to_string(state.used) + " of " + std::to_string(state.limit) + " calls used" + last +
         "; next call " +
         (seconds <= 0 ? std::string("now") : "in " + std::to_string(seconds) + " s");
}

// ---- SharedBudget ------------------------------------------------------------------------

SharedBudget::SharedBudget(BudgetLimit limit, std::string path, Clock& clock, Warn warn)
    : m_limit(limit),
      m_path(limit.unlimited() ? std::string() : std::move(path)),
      m_clock(clock),
      m_warn(std::move(warn)),
      m_window(limit.calls, window_ticks(limit)) {
  if (m_path.empty()) return;
  const std::string lock_path = m_path + ".lock";
  m_lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (m_lock_fd < 0) {
    warn_once("cannot open the call budget file " + lock_path + " (" + std::strerror(errno) +
              "); this process counts its own calls only");
  }
}

SharedBudget::~SharedBudget() {
  if (m_lock_fd >= 0) ::close(m_lock_fd);
}

std::string SharedBudget::file_name_for_key(std::string_view api_key) {
  const std::string salted = "flickrfs call budget\n" + std::string(api_key);
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(salted.data()), salted.size(), digest.data());
  std::string name;
  char hex[3];
  for (std::size_t i = 0; i < 8; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    name += hex;
  }
  return name + ".window";
}

void SharedBudget::warn_once(const std::string& line) {
  if (m_warned.exchange(true) || !m_warn) return;
  m_warn(line);
}

bool SharedBudget::load_locked() {
  std::ifstream in(m_path, std::ios::binary);
  if (!in) {
    m_window.assign({}, 0);  // no file yet: nobody has called
    return true;
  }
  std::ostringstream text;
  text << in.rdbuf();
  static const std::string boot = boot_id();
  auto parsed = parse_window(text.str(), boot);
  if (!parsed) {
    warn_once("the call budget file " + m_path + " is corrupt; starting it afresh");
    m_window.assign({}, 0);
    return false;
  }
  m_window.assign(std::move(parsed->calls), parsed->hold);
  return true;
}

void SharedBudget::store_locked() {
  static const std::string boot = boot_id();
  const std::string text = format_window(m_window, boot);
  const std::string temp = m_path + ".tmp";
  // Only the lock holder writes the temporary, so one fixed name is enough; rename makes the
  // new window visible whole. No fsync: a power loss also reboots, which starts a new window.
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0;
  for (std::size_t done = 0; ok && done < text.size();) {
    const ssize_t wrote = ::write(fd, text.data() + done, text.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    ok = wrote > 0;
    if (ok) done += static_cast<std::size_t>(wrote);
  }
  if (fd >= 0) ok = ::close(fd) == 0 && ok;
  if (ok) ok = ::rename(temp.c_str(), m_path.c_str()) == 0;
  if (!ok) {
    warn_once("cannot write the call budget file " + m_path + " (" + std::strerror(errno) +
              "); other flickrfs processes may not see this one's calls");
  }
}

void SharedBudget::with_window(bool write, const std::function<bool(RollingWindow&)>& change) {
  const std::lock_guard lock(m_mutex);
  if (m_lock_fd < 0) {
    (void)change(m_window);
    return;
  }
  while (::flock(m_lock_fd, write ? LOCK_EX : LOCK_SH) != 0) {
    if (errno != EINTR) {
      (void)change(m_window);  // the lock is gone: keep counting in memory rather than stop
      return;
    }
  }
  const bool loaded = load_locked();
  const bool changed = change(m_window);
  // A corrupt file is rewritten by the next writer, so the warning is given once.
  if (write && (changed || !loaded)) store_locked();
  ::flock(m_lock_fd, LOCK_UN);
}

Clock::duration SharedBudget::try_reserve(Priority priority) {
  const auto reserve = is_background(priority) ? m_limit.background_reserve() : 0;
  RollingWindow::Tick wait = 0;
  with_window(true, [&](RollingWindow& window) {
    const auto now = ticks(m_clock.now());
    if (window.try_take(now, reserve)) return true;
    wait = window.next_allowed(now, reserve) - now;
    return false;
  });
  return std::chrono::nanoseconds(wait);
}

Clock::duration SharedBudget::wait_time(Priority priority) {
  const auto reserve = is_background(priority) ? m_limit.background_reserve() : 0;
  RollingWindow::Tick wait = 0;
  with_window(false, [&](RollingWindow& window) {
    const auto now = ticks(m_clock.now());
    wait = window.next_allowed(now, reserve) - now;
    return false;
  });
  return std::chrono::nanoseconds(wait);
}

void SharedBudget::hold_off(Clock::duration how_long) {
  with_window(true, [&](RollingWindow& window) {
    window.hold_until(ticks(m_clock.now() + how_long));
    return true;
  });
}

BudgetState SharedBudget::state() {
  BudgetState state;
  state.limit = m_limit.calls;
  state.window = m_limit.window;
  with_window(false, [&](RollingWindow& window) {
    const auto now = ticks(m_clock.now());
    state.used = window.used(now);
    state.next_in = std::chrono::nanoseconds(window.next_allowed(now) - now);
    return false;
  });
  return state;
}

}  // namespace flickrfs::api
