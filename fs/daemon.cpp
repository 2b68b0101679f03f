// See daemon.hpp. Protocol on the pipe: one byte exit code, then the message; EOF without a
// byte means the child died (reported as exit 1).
#include "fs/daemon.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace flickrfs::fs {

namespace {

[[noreturn]] void parent_wait(int read_fd) {
  std::string reply;
  char buffer[512];
  while (true) {
    const ssize_t n = ::read(read_fd, buffer, sizeof buffer);
    if (n > 0) {
      reply.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  if (reply.empty()) {
    std::fputs("flickrfs: the daemon exited before mounting (see syslog or --log-file)\n", stderr);
    std::_Exit(1);
  }
  const int code = static_cast<unsigned char>(reply[0]);
  if (reply.size() > 1) std::fprintf(stderr, "%s\n", reply.c_str() + 1);
  std::fflush(stderr);
  std::_Exit(code);
}

}  // namespace

DaemonLink DaemonLink::fork_daemon() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    std::perror("flickrfs: pipe");
    std::_Exit(1);
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    std::perror("flickrfs: fork");
    std::_Exit(1);
  }
  if (pid > 0) {
    ::close(fds[1]);
    parent_wait(fds[0]);
  }
  ::close(fds[0]);
  ::setsid();
  return DaemonLink(fds[1]);
}

void DaemonLink::report_ready() {
  if (m_fd < 0) return;
  const char ok = 0;
  (void)!::write(m_fd, &ok, 1);
  ::close(m_fd);
  m_fd = -1;
  m_ready = true;
  (void)!::chdir("/");
  const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd >= 0) {
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(null_fd, STDOUT_FILENO);
    ::dup2(null_fd, STDERR_FILENO);
    if (null_fd > STDERR_FILENO) ::close(null_fd);
  }
}

void DaemonLink::report_failure(int exit_code, const std::string& message) {
  if (m_fd < 0) {
    std::fprintf(stderr, "%s\n", message.c_str());
    return;
  }
  std::string packet(1, static_cast<char>(exit_code & 0xff));
  packet += message;
  (void)!::write(m_fd, packet.data(), packet.size());
  ::close(m_fd);
  m_fd = -1;
}

bool process_alive(pid_t pid) {
  return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
}

}  // namespace flickrfs::fs
