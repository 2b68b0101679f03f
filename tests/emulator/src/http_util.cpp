// Response helpers shared by the routes (see server.hpp): bandwidth-limited bodies,
// truncated bodies, connection resets, HTTP-level faults.
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <thread>

#include "server.hpp"

namespace flickrfs::emulator {

namespace {

// RFC 1952 gzip of `plain` at zlib's default level, as web servers send.
std::string gzip(const std::string& plain) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return plain;
  std::string out(deflateBound(&z, plain.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  z.avail_in = static_cast<uInt>(plain.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : plain;
}

}  // namespace

void sleep_ms(int ms) {
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

void send_body(const ServerState& state, httplib::Response& res, std::string body,
               const std::string& content_type) {
  auto shared = std::make_shared<std::string>(std::move(body));
  const double mbps = state.options.bandwidth_mbps;
  if (mbps <= 0) {
    // A fixed-length provider rather than set_content: httplib would otherwise brotli-encode
    // text bodies at its maximum quality (about 1.3 s of CPU per 850 KB listing page), which
    // no Flickr server does; API bodies are gzipped by send_api_body instead.
    res.set_content_provider(
        shared->size(), content_type,
        [shared](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
          return sink.write(shared->data() + offset, length);
        });
    return;
  }
  const double bytes_per_ms = mbps * 1e6 / 8 / 1000;
  const std::size_t chunk =
      std::max<std::size_t>(1024, static_cast<std::size_t>(bytes_per_ms * 20));
  res.set_content_provider(
      shared->size(), content_type,
      [shared, chunk, bytes_per_ms](std::size_t offset, std::size_t length,
                                    httplib::DataSink& sink) {
        const std::size_t n =
            std::min({chunk, length, shared->size() - std::min(offset, shared->size())});
        if (n == 0) return false;
        const auto started = std::chrono::steady_clock::now();
        if (!sink.write(shared->data() + offset, n)) return false;
        const auto budget = std::chrono::microseconds(
            static_cast<long long>(static_cast<double>(n) / bytes_per_ms * 1000));
        std::this_thread::sleep_until(started + budget);
        return true;
      });
}

void send_api_body(const ServerState& state, const httplib::Request& req, httplib::Response& res,
                   std::string body, const std::string& content_type) {
  // gzip, the encoding web front ends such as Flickr's offer; the substring test matches
  // "gzip, deflate, br" as curl and browsers send it.
  if (req.get_header_value("Accept-Encoding").find("gzip") != std::string::npos) {
    body = gzip(body);
    res.set_header("Content-Encoding", "gzip");
    res.set_header("Vary", "Accept-Encoding");
  }
  send_body(state, res, std::move(body), content_type);
}

void send_truncated(httplib::Response& res, std::string body, const std::string& content_type) {
  auto shared = std::make_shared<std::string>(std::move(body));
  const std::size_t cut = shared->size() / 2;
  res.set_content_provider(shared->size(), content_type,
                           [shared, cut](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                             if (offset >= cut)
                               return false;  // httplib closes the connection: body cut short
                             return sink.write(shared->data() + offset, cut - offset);
                           });
}

namespace {

// The socket of this request: the one whose peer is the request's remote address and port.
// httplib does not expose it, so /proc/self/fd is searched; only used for reset faults.
int find_request_socket(const httplib::Request& req) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int found = -1;
  while (const dirent* entry = readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0') continue;
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    if (getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    char host[INET6_ADDRSTRLEN] = {};
    int port = 0;
    if (peer.ss_family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(&peer);
      inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
      port = ntohs(in->sin_port);
    } else if (peer.ss_family == AF_INET6) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&peer);
      inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
      port = ntohs(in6->sin6_port);
    }
    if (port == req.remote_port && req.remote_addr == host) {
      found = static_cast<int>(fd);
      break;
    }
  }
  closedir(dir);
  return found;
}

}  // namespace

void reset_connection(const httplib::Request& req) {
  const int fd = find_request_socket(req);
  if (fd < 0) return;
  linger hard{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  // connect(AF_UNSPEC) disconnects a TCP socket; on an established one Linux sends RST.
  // The fd stays open and owned by httplib, whose writes then fail and which closes it.
  sockaddr unspec{};
  unspec.sa_family = AF_UNSPEC;
  connect(fd, &unspec, sizeof unspec);
}

ParamList request_params(const httplib::Request& req) {
  const auto q = req.target.find('?');
  ParamList params = q == std::string::npos ? ParamList{} : parse_form(req.target.substr(q + 1));
  if (req.method == "POST" &&
      req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0) {
    for (auto& p : parse_form(req.body))
      params.push_back(std::move(p));
  }
  if (auto header = parse_authorization_header(req.get_header_value("Authorization"))) {
    for (auto& p : *header)
      params.push_back(std::move(p));
  }
  return params;
}

std::string request_url(const ServerState& state, const httplib::Request& req) {
  const std::string scheme = state.options.tls_cert.empty() ? "http" : "https";
  return scheme + "://" + req.get_header_value("Host") + req.target.substr(0, req.target.find('?'));
}

std::string param_value(const ParamList& params, const std::string& key) {
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return "";
}

bool answer_http_fault(Fault fault, const httplib::Request& req, httplib::Response& res) {
  const auto html = [&](int status, const std::string& title, const std::string& text) {
    res.status = status;
    res.set_content("<html><body><h1>" + std::to_string(status) + " " + title + "</h1>" + text +
                        "</body></html>\n",
                    "text/html; charset=utf-8");
  };
  switch (fault) {
    case Fault::Http500:
      html(500, "Internal Server Error", "Something went wrong.");
      return true;
    case Fault::Http502:
      html(502, "Bad Gateway", "The server returned an invalid response.");
      return true;
    case Fault::Http503:
      html(503, "Service Unavailable", "Please try again later.");
      return true;
    case Fault::Http429:
      html(429, "Too Many Requests", "You have sent too many requests in a given amount of time.");
      return true;
    case Fault::Reset:
      reset_connection(req);
      res.status = 500;
      return true;
    default:
      return false;
  }
}

}  // namespace flickrfs::emulator
