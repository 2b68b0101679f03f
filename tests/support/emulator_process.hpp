#pragma once
// Starts build/flickr-emulator as a child process for one test and stops it afterwards.
// The emulator prints "flickr-emulator listening on http://127.0.0.1:PORT" as its first
// stdout line (DESIGN section 6); the constructor waits for it (at most 30 s).
//
// Thread contract: owned by one test; get()/post() may be called from several threads.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace flickrfs::test {

// Absolute path of a binary in the build directory ($FLICKRFS_BUILD_DIR, set by ctest).
std::string build_binary(const std::string& name);

class EmulatorProcess {
 public:
  struct Options {
    int photos = 200;
    int sets = 5;
    int seed = 1;
    std::vector<std::string> extra_args;  // e.g. {"--fault-rate", "0.2"}
  };

  explicit EmulatorProcess(Options options);  // throws std::runtime_error if it cannot start
  EmulatorProcess() : EmulatorProcess(Options{}) {}
  ~EmulatorProcess();
  EmulatorProcess(const EmulatorProcess&) = delete;
  EmulatorProcess& operator=(const EmulatorProcess&) = delete;

  [[nodiscard]] const std::string& url() const { return m_url; }  // http://127.0.0.1:PORT
  [[nodiscard]] int port() const { return m_port; }
  [[nodiscard]] bool running() const { return m_pid > 0; }

  // Plain HTTP to the emulator (no OAuth): for /_emulator/* endpoints. Throws on a
  // transport error; returns the body for any status and stores the status in *status.
  std::string get(const std::string& path, int* status = nullptr) const;
  std::string post(const std::string& path, const std::string& body, int* status = nullptr) const;
  // Calls of one API method counted by GET /_emulator/stats since start or the last
  // reset-stats (0 when never called).
  std::int64_t calls(std::string_view method) const;

  // SIGTERM and wait (for offline tests); the destructor does this too. The port stays
  // reserved until destruction, bound but not listening, so a client still gets "connection
  // refused": tests run in parallel, and another test's emulator asking the kernel for a free
  // port could otherwise be given this one and answer an "offline" mount. Throws if the port
  // was taken in the instant between the exit and the reservation.
  void stop();

 private:
  void terminate();  // SIGTERM, then SIGKILL after 5 s; waits for the exit
  void reserve_port();

  pid_t m_pid = -1;
  int m_reserved_fd = -1;  // holds m_port after stop()
  int m_port = 0;
  std::string m_url;
};

}  // namespace flickrfs::test
