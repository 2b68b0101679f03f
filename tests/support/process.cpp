// See process.hpp.
#include "tests/support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

extern char** environ;

namespace flickrfs::test {

namespace {

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// The test's environment with `extra` ("NAME=value") added, overriding same-named entries.
std::vector<std::string> environment_with(const std::vector<std::string>& extra) {
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    bool overridden = false;
    for (const auto& add : extra) {
      if (text.substr(0, text.find('=') + 1) == add.substr(0, add.find('=') + 1)) {
        overridden = true;
      }
    }
    if (!overridden) environment.push_back(text);
  }
  environment.insert(environment.end(), extra.begin(), extra.end());
  return environment;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& text : strings)
    out.push_back(text.data());
  out.push_back(nullptr);
  return out;
}

// In the child after fork: never returns.
[[noreturn]] void exec(std::vector<std::string>& argv, std::vector<std::string>& environment) {
  auto args = c_strings(argv);
  auto envp = c_strings(environment);
  ::execvpe(args[0], args.data(), envp.data());
  ::_exit(127);
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv,
                           const std::vector<std::string>& env) {
  int in[2];
  int out[2];
  int err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  std::vector<std::string> environment = environment_with(env);
  std::vector<std::string> argv_copy = argv;
  m_pid = ::fork();
  if (m_pid < 0) throw std::runtime_error("fork failed");
  if (m_pid == 0) {
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    exec(argv_copy, environment);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  m_stdin = in[1];
  m_stdout = out[0];
  m_stderr = err[0];
}

ChildProcess::~ChildProcess() {
  close_fd(m_stdin);
  if (m_pid > 0) {
    ::kill(m_pid, SIGKILL);
    ::waitpid(m_pid, nullptr, 0);
  }
  close_fd(m_stdout);
  close_fd(m_stderr);
}

bool ChildProcess::pump(std::chrono::milliseconds timeout) {
  pollfd fds[2] = {{m_stdout, POLLIN, 0}, {m_stderr, POLLIN, 0}};
  if (m_stdout < 0 && m_stderr < 0) return false;
  const int ready = ::poll(fds, 2, static_cast<int>(timeout.count()));
  if (ready <= 0) return false;
  std::pair<int*, std::string*> streams[] = {{&m_stdout, &m_out}, {&m_stderr, &m_err}};
  for (int i = 0; i < 2; ++i) {
    if (fds[i].revents == 0 || *streams[i].first < 0) continue;
    char buffer[4096];
    const ssize_t n = ::read(*streams[i].first, buffer, sizeof buffer);
    if (n > 0) {
      streams[i].second->append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      close_fd(*streams[i].first);
    }
  }
  return true;
}

bool ChildProcess::wait_for_stdout(const std::string& needle, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (m_out.find(needle) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !pump(left)) return m_out.find(needle) != std::string::npos;
  }
  return true;
}

void ChildProcess::write_stdin(const std::string& text) {
  std::string_view rest = text;
  while (!rest.empty() && m_stdin >= 0) {
    const ssize_t n = ::write(m_stdin, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
}

void ChildProcess::close_stdin() {
  close_fd(m_stdin);
}

int ChildProcess::wait(std::chrono::milliseconds timeout) {
  close_stdin();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (m_stdout >= 0 || m_stderr >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pump(left);
  }
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(m_pid, &status, WNOHANG);
    if (done == m_pid) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, nullptr, 0);
      m_pid = -1;
      return -1;
    }
    ::usleep(10'000);
  }
  m_pid = -1;
  return exit_code(status);
}

RunResult run_command(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                      const std::string& input, std::chrono::milliseconds timeout) {
  ChildProcess child(argv, env);
  child.write_stdin(input);
  RunResult result;
  result.exit_code = child.wait(timeout);
  result.out = child.out();
  result.err = child.err();
  return result;
}

pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env, int out_fd) {
  std::vector<std::string> environment = environment_with(env);
  std::vector<std::string> argv_copy = argv;
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (out_fd >= 0) {
      ::dup2(out_fd, STDOUT_FILENO);
      ::dup2(out_fd, STDERR_FILENO);
    }
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    exec(argv_copy, environment);
  }
  return pid;
}

pid_t spawn_logged(const std::vector<std::string>& argv, const std::string& log_path,
                   const std::vector<std::string>& env) {
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw std::runtime_error("cannot open " + log_path);
  const pid_t pid = spawn(argv, env, log_fd);
  ::close(log_fd);
  return pid;
}

int exit_code(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

int wait_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return exit_code(status);
}

}  // namespace flickrfs::test
