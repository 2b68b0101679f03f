#pragma once
// ChildProcess: runs a binary (build/flickrfs) with arguments, extra environment variables
// and pipes on stdin, stdout and stderr, for end-to-end tests of the commands. Reads are
// bounded by timeouts, so a hanging command fails the test instead of hanging it.
//
// Thread contract: owned by one test thread.

#include <sys/types.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace flickrfs::test {

class ChildProcess {
 public:
  // Starts `argv[0]` with `argv`; `env` entries ("NAME=value") are added to (and override)
  // the test's environment. Throws std::runtime_error when it cannot start.
  ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Reads stdout until it contains `needle` (true) or the timeout/EOF (false).
  bool wait_for_stdout(const std::string& needle, std::chrono::milliseconds timeout);
  void write_stdin(const std::string& text);
  void close_stdin();
  // Waits for the exit, collecting all output; kills it after `timeout` and returns -1.
  int wait(std::chrono::milliseconds timeout);

  [[nodiscard]] const std::string& out() const { return m_out; }
  [[nodiscard]] const std::string& err() const { return m_err; }

 private:
  bool pump(std::chrono::milliseconds timeout);  // one poll round; false on timeout/EOF

  pid_t m_pid = -1;
  int m_stdin = -1;
  int m_stdout = -1;
  int m_stderr = -1;
  std::string m_out;
  std::string m_err;
};

// Runs to completion with `input` on stdin: {exit code, stdout, stderr}.
struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
RunResult run_command(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                      const std::string& input = {},
                      std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace flickrfs::test
