#include "tests/support/emulator_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>
#include <simdjson.h>
#include <chrono>
#include <cstdlib>
#include <stdexcept>

namespace flickrfs::test {

std::string build_binary(const std::string& name) {
  const char* dir = std::getenv("FLICKRFS_BUILD_DIR");  // NOLINT(concurrency-mt-unsafe)
  if (dir == nullptr || *dir == '\0') {
    throw std::runtime_error("FLICKRFS_BUILD_DIR is not set; run the tests through ctest");
  }
  return std::string(dir) + "/" + name;
}

EmulatorProcess::EmulatorProcess(Options options) {
  std::vector<std::string> args = {build_binary("flickr-emulator"),
                                   "--port",
                                   "0",
                                   "--photos",
                                   std::to_string(options.photos),
                                   "--sets",
                                   std::to_string(options.sets),
                                   "--seed",
                                   std::to_string(options.seed)};
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  m_pid = ::fork();
  if (m_pid < 0) throw std::runtime_error("fork failed");
  if (m_pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);

  // Read the first line: "flickr-emulator listening on http://127.0.0.1:PORT".
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd pfd{out[0], POLLIN, 0};
    if (left.count() <= 0 || ::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[256];
    const ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  ::close(out[0]);  // later output goes to a closed pipe: the emulator must not depend on it
  const std::string prefix = "flickr-emulator listening on ";
  const auto at = line.find(prefix);
  if (at == std::string::npos) {
    terminate();
    throw std::runtime_error("flickr-emulator did not start (first line: '" + line + "')");
  }
  m_url = line.substr(at + prefix.size());
  m_url = m_url.substr(0, m_url.find_first_of("\r\n"));
  m_port = std::stoi(m_url.substr(m_url.rfind(':') + 1));
}

EmulatorProcess::~EmulatorProcess() {
  terminate();  // no reservation: the test is over
  if (m_reserved_fd >= 0) ::close(m_reserved_fd);
}

void EmulatorProcess::stop() {
  if (m_pid <= 0) return;
  terminate();
  reserve_port();
}

void EmulatorProcess::terminate() {
  if (m_pid <= 0) return;
  ::kill(m_pid, SIGTERM);
  int status = 0;
  bool exited = false;
  for (int i = 0; i < 100 && !exited; ++i) {
    exited = ::waitpid(m_pid, &status, WNOHANG) == m_pid;
    if (!exited) ::usleep(50 * 1000);
  }
  if (!exited) {
    ::kill(m_pid, SIGKILL);
    ::waitpid(m_pid, &status, 0);
  }
  m_pid = -1;
}

void EmulatorProcess::reserve_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  const int on = 1;
  // The emulator's connections may linger in TIME_WAIT; they must not block this. They carry
  // SO_REUSEPORT (cpp-httplib's default), so this socket needs it as well as SO_REUSEADDR.
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(m_port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("port " + std::to_string(m_port) +
                             " was taken by another process as the emulator stopped");
  }
  m_reserved_fd = fd;  // never listen(): connects are refused
}

namespace {
httplib::Client client_for(const std::string& url) {
  httplib::Client client(url);
  client.set_connection_timeout(10);
  client.set_read_timeout(60);
  return client;
}
}  // namespace

std::string EmulatorProcess::get(const std::string& path, int* status) const {
  auto client = client_for(m_url);
  auto res = client.Get(path.c_str());
  if (!res) throw std::runtime_error("GET " + path + " failed: " + httplib::to_string(res.error()));
  if (status) *status = res->status;
  return res->body;
}

std::string EmulatorProcess::post(const std::string& path, const std::string& body,
                                  int* status) const {
  auto client = client_for(m_url);
  auto res = client.Post(path.c_str(), body, "application/json");
  if (!res)
    throw std::runtime_error("POST " + path + " failed: " + httplib::to_string(res.error()));
  if (status) *status = res->status;
  return res->body;
}

std::int64_t EmulatorProcess::calls(std::string_view method) const {
  simdjson::dom::parser parser;
  const std::string body = get("/_emulator/stats");
  std::int64_t count = 0;
  if (parser.parse(body)["calls"][method].get(count) != simdjson::SUCCESS) return 0;
  return count;
}

}  // namespace flickrfs::test
