// api/call_budget and api/call_gate: the rolling window with an injected clock (the 3,601st
// call of an hour waits exactly until the first leaves), background reserve and hold-off, the
// shared window file (two budgets on one file as two processes, a child killed -9 mid-run,
// corrupt and truncated files, mode 0600, no key in the name) and the in-flight gate.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/call_budget.hpp"
#include "api/call_gate.hpp"
#include "tests/support/eventually.hpp"

using namespace flickrfs;
using namespace flickrfs::api;
using namespace std::chrono_literals;
using flickrfs::test::eventually;

namespace {

constexpr RollingWindow::Tick kSecond = 1'000'000'000;

class FakeClock final : public Clock {
 public:
  [[nodiscard]] time_point now() const override {
    const std::lock_guard lock(m_mutex);
    return m_now;
  }
  void sleep_for(duration how_long) override { advance(how_long); }
  void advance(duration how_long) {
    const std::lock_guard lock(m_mutex);
    m_now += how_long;
  }

 private:
  mutable std::mutex m_mutex;
  time_point m_now{std::chrono::hours(1000)};
};

// A fresh directory under the build tree's temp dir.
std::string temp_dir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "flickrfs-budget-XXXXXX").string();
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  return pattern;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("the 3,601st call of an hour waits exactly until the first leaves the window",
          "[budget]") {
  RollingWindow window(3600, 3600 * kSecond);
  const RollingWindow::Tick start = 5000 * kSecond;
  // A burst: the whole budget may go at once, there is no per-second pace.
  for (int i = 0; i < 3600; ++i)
    REQUIRE(window.try_take(start + i * (kSecond / 10)));  // 3,600 calls in 6 minutes
  CHECK(window.used(start + 360 * kSecond) == 3600);
  const RollingWindow::Tick later = start + 600 * kSecond;
  CHECK(window.next_allowed(later) == start + 3600 * kSecond);
  CHECK_FALSE(window.try_take(start + 3600 * kSecond - 1));
  CHECK(window.try_take(start + 3600 * kSecond));
  // ... and the 3,602nd waits for the second call, a tenth of a second later.
  CHECK(window.next_allowed(start + 3600 * kSecond) == start + 3600 * kSecond + kSecond / 10);
  CHECK(window.used(start + 3600 * kSecond) == 3600);
}

TEST_CASE("background calls leave the reserve to foreground calls", "[budget]") {
  const BudgetLimit limit{3600, 3600s};
  CHECK(limit.background_reserve() == 180);
  CHECK(BudgetLimit{1, 60s}.background_reserve() == 0);
  CHECK(BudgetLimit{2, 60s}.background_reserve() == 1);
  CHECK(BudgetLimit{60, 60s}.background_reserve() == 3);
  RollingWindow window(limit.calls, 3600 * kSecond);
  int background = 0;
  while (window.try_take(kSecond, limit.background_reserve()))
    ++background;
  CHECK(background == 3420);
  int foreground = 0;
  while (window.try_take(kSecond))
    ++foreground;
  CHECK(foreground == 180);
}

TEST_CASE("a hold-off after a 429 delays every call", "[budget]") {
  RollingWindow window(10, 60 * kSecond);
  window.hold_until(30 * kSecond);
  CHECK(window.next_allowed(kSecond) == 30 * kSecond);
  CHECK_FALSE(window.try_take(29 * kSecond));
  CHECK(window.try_take(30 * kSecond));
  window.hold_until(10 * kSecond);  // an earlier hold-off never shortens a later one
  CHECK(window.held_until() == 30 * kSecond);
}

TEST_CASE("two budgets on one file share the window, as two processes do", "[budget]") {
  const std::string dir = temp_dir();
  const std::string path = dir + "/" + SharedBudget::file_name_for_key("my-secret-api-key");
  CHECK(path.find("my-secret-api-key") == std::string::npos);
  FakeClock clock;
  SharedBudget mount({60, 60s}, path, clock);
  SharedBudget mirror({60, 60s}, path, clock);
  for (int i = 0; i < 30; ++i) {
    REQUIRE(mount.try_reserve(Priority::foreground) == 0s);
    REQUIRE(mirror.try_reserve(Priority::foreground) == 0s);
  }
  // Full: the next call waits until the first leaves, 60 s plus the 2 s transit margin.
  CHECK(mount.try_reserve(Priority::foreground) == 62s);
  CHECK(mirror.state().used == 60);
  CHECK(mirror.state().next_in == 62s);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((path + ".lock").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(read_all(path).find("my-secret-api-key") == std::string::npos);
  clock.advance(62s);
  CHECK(mirror.try_reserve(Priority::foreground) == 0s);
  CHECK(mount.state().used == 1);
  mount.hold_off(5s);  // a 429 seen by one process holds the other
  CHECK(mirror.wait_time(Priority::foreground) == 5s);
}

TEST_CASE("a process killed -9 mid-run leaks no budget and holds no lock", "[budget]") {
  const std::string dir = temp_dir();
  const std::string path = dir + "/" + SharedBudget::file_name_for_key("k");
  // The child reserves calls with the real clock as fast as it can until killed.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    SharedBudget budget({100'000, 3600s}, path, steady_clock());
    for (;;)
      (void)budget.try_reserve(Priority::foreground);
  }
  // Killed once it has counted calls: whatever it held at that moment must not leak.
  SharedBudget observer({100'000, 3600s}, path, steady_clock());
  REQUIRE(eventually([&] { return observer.state().used > 100; }, 60s));
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  SharedBudget parent({100'000, 3600s}, path, steady_clock());
  const auto used = parent.state().used;
  CHECK(used > 0);                                          // the child's calls count ...
  REQUIRE(parent.try_reserve(Priority::foreground) == 0s);  // ... its lock is gone ...
  CHECK(parent.state().used == used + 1);                   // ... and nothing double-counts
}

TEST_CASE("a corrupt or truncated budget file counts as empty and warns once", "[budget]") {
  const std::string dir = temp_dir();
  const std::string path = dir + "/x.window";
  FakeClock clock;
  std::vector<std::string> warnings;
  {
    SharedBudget budget({5, 60s}, path, clock,
                        [&](std::string_view line) { warnings.emplace_back(line); });
    for (int i = 0; i < 5; ++i)
      REQUIRE(budget.try_reserve(Priority::foreground) == 0s);
  }
  std::string text = read_all(path);
  REQUIRE(text.ends_with("end\n"));
  for (const std::string& broken :
       {text.substr(0, text.size() - 6), std::string("garbage\n"), std::string()}) {
    std::ofstream(path, std::ios::trunc) << broken;
    warnings.clear();
    SharedBudget budget({5, 60s}, path, clock,
                        [&](std::string_view line) { warnings.emplace_back(line); });
    CHECK(budget.state().used == 0);
    REQUIRE(budget.try_reserve(Priority::foreground) == 0s);
    REQUIRE(budget.try_reserve(Priority::foreground) == 0s);
    CHECK(budget.state().used == 2);
    CHECK(warnings.size() == 1);
    if (!warnings.empty()) CHECK(warnings[0].find("corrupt") != std::string::npos);
  }
}

TEST_CASE("an unlimited budget writes no file and never waits", "[budget]") {
  const std::string dir = temp_dir();
  FakeClock clock;
  SharedBudget budget({0, 3600s}, dir + "/u.window", clock);
  for (int i = 0; i < 100; ++i)
    REQUIRE(budget.try_reserve(Priority::prefetch) == 0s);
  CHECK(budget.state().used == 100);
  struct stat st {};
  CHECK(::stat((dir + "/u.window").c_str(), &st) != 0);
}

TEST_CASE("the gate keeps 8 in flight and two slots for foreground callers", "[budget]") {
  CallGate gate(8);
  for (int i = 0; i < 6; ++i)
    REQUIRE(gate.enter(Priority::prefetch, nullptr).ok());
  CHECK_FALSE(gate.has_room(Priority::prefetch));
  CHECK(gate.has_room(Priority::foreground));
  REQUIRE(gate.enter(Priority::foreground, nullptr).ok());
  REQUIRE(gate.enter(Priority::foreground, nullptr).ok());
  CHECK(gate.in_flight() == 8);
  // Both wait. With 5 in flight either would fit, but the foreground caller goes first, and
  // then the background one must wait: 6 in flight is all prefetch may use. (The order the
  // two threads return from enter() in proves nothing: both may be in by then.)
  std::atomic<bool> background_in{false};
  std::atomic<bool> foreground_in{false};
  std::thread background([&] { background_in = gate.enter(Priority::prefetch, nullptr).ok(); });
  std::thread foreground([&] { foreground_in = gate.enter(Priority::foreground, nullptr).ok(); });
  REQUIRE(eventually([&] { return gate.waiting() == 2; }, 60s));
  for (int i = 0; i < 3; ++i)
    gate.leave();
  foreground.join();
  CHECK(foreground_in);
  CHECK_FALSE(background_in);
  CHECK(gate.waiting() == 1);
  CHECK(gate.in_flight() == 6);
  gate.leave();
  background.join();
  CHECK(background_in);
  std::atomic<bool> cancel{true};
  for (int i = gate.in_flight(); i < 8; ++i)
    REQUIRE(gate.enter(Priority::foreground, nullptr).ok());
  auto cancelled = gate.enter(Priority::foreground, &cancel);
  REQUIRE_FALSE(cancelled.ok());
  CHECK(cancelled.error().code == Errc::interrupted);
}

TEST_CASE("the gate lets callers in by priority, not by arrival", "[budget]") {
  CallGate gate(4);  // prefetch and thumbnails: at most 2 in flight
  for (int i = 0; i < 4; ++i)
    REQUIRE(gate.enter(Priority::foreground, nullptr).ok());
  std::atomic<bool> prefetch_in{false};
  std::atomic<bool> thumbnail_in{false};
  std::thread thumbnail([&] { thumbnail_in = gate.enter(Priority::thumbnails, nullptr).ok(); });
  REQUIRE(eventually([&] { return gate.waiting() == 1; }, 60s));  // the thumbnail came first
  std::thread prefetch([&] { prefetch_in = gate.enter(Priority::prefetch, nullptr).ok(); });
  REQUIRE(eventually([&] { return gate.waiting() == 2; }, 60s));
  for (int i = 0; i < 3; ++i)
    gate.leave();  // 1 in flight: room for one background caller
  REQUIRE(eventually([&] { return prefetch_in.load(); }, 60s));
  CHECK_FALSE(thumbnail_in);
  CHECK(gate.waiting() == 1);
  gate.leave();
  prefetch.join();
  thumbnail.join();
  CHECK(thumbnail_in);
  CHECK(gate.in_flight() == 2);
}

TEST_CASE("walk-ahead may take every slot; prefetch leaves two for foreground callers",
          "[budget]") {
  CallGate gate(8);
  for (int i = 0; i < 6; ++i)
    REQUIRE(gate.enter(Priority::walk_ahead, nullptr).ok());
  CHECK_FALSE(gate.has_room(Priority::prefetch));
  CHECK_FALSE(gate.has_room(Priority::pins));
  CHECK(gate.has_room(Priority::walk_ahead));
  REQUIRE(gate.enter(Priority::walk_ahead, nullptr).ok());
  REQUIRE(gate.enter(Priority::walk_ahead, nullptr).ok());
  CHECK(gate.in_flight() == 8);
  // A foreground caller waits at most for one of them, and goes before the next walk-ahead.
  std::atomic<bool> entered{false};
  std::thread foreground([&] { entered = gate.enter(Priority::foreground, nullptr).ok(); });
  REQUIRE(eventually([&] { return gate.waiting() == 1; }, 60s));
  gate.leave();
  foreground.join();
  CHECK(entered);
  CHECK(gate.in_flight() == 8);
}
