#pragma once
// Child processes for tests, one implementation for every suite: ChildProcess (pipes on
// stdin, stdout and stderr) and run_command for commands that run to completion; spawn and
// wait_exit for daemons and background runs whose output goes to a file. argv[0] is looked
// up in PATH when it has no '/'. Reads and waits of ChildProcess are bounded by timeouts, so
// a hanging command fails the test instead of hanging it.
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
// The exit code is 128+N when the command was killed by signal N, -1 when it timed out.
struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
RunResult run_command(const std::vector<std::string>& argv,
                      const std::vector<std::string>& env = {}, const std::string& input = {},
                      std::chrono::milliseconds timeout = std::chrono::minutes(10));

// Starts argv in the background with `env` ("NAME=value") added, stdin from /dev/null and
// stdout and stderr on `out_fd` (inherited when -1; the caller still owns it). Throws
// std::runtime_error when it cannot fork.
pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env, int out_fd);
// The same with stdout and stderr appended to `log_path`.
pid_t spawn_logged(const std::vector<std::string>& argv, const std::string& log_path,
                   const std::vector<std::string>& env = {});
// A waitpid status as an exit code: 128+N when killed by signal N.
int exit_code(int wait_status);
// Waits for `pid` (retrying on EINTR); its exit_code, or -1 when it cannot be waited for.
int wait_exit(pid_t pid);

}  // namespace flickrfs::test
