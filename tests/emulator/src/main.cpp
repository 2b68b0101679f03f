// flickr-emulator: a local Flickr (DESIGN section 6). Parses options, builds the world,
// installs the routes, binds 127.0.0.1, prints "flickr-emulator listening on URL" as the
// first stdout line and serves until SIGTERM/SIGINT.
//
// Thread contract: main owns the server; a signal thread stops it; handlers run on a pool
// of 128 httplib workers so 64 parallel connections never queue behind each other.
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "server.hpp"

using namespace flickrfs::emulator;

namespace {

std::unique_ptr<httplib::Server> make_server(const Options& o, std::string* error) {
  if (o.tls_cert.empty()) return std::make_unique<httplib::Server>();
  auto server = std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str());
  if (!server->is_valid()) {
    *error = "cannot load --tls-cert/--tls-key (" + o.tls_cert + ", " + o.tls_key + ")";
    return nullptr;
  }
  return server;
}

// httplib 0.11 listens with a backlog of 5, so a burst of 64 connects loses SYNs and
// clients stall for seconds in retransmission. The listening socket is captured when
// httplib creates it, and listen() is called again after bind with a real backlog.
int g_listen_fd = -1;

void widen_backlog() {
  if (g_listen_fd >= 0) ::listen(g_listen_fd, 1024);
}

void configure(httplib::Server& server, ServerState& state) {
  server.set_socket_options([](socket_t sock) {
    httplib::default_socket_options(sock);
    if (g_listen_fd < 0) g_listen_fd = sock;
  });
  // Flickr's front ends answer a kept-alive request at once; with Nagle on, the reply's body
  // segment waited for the client's delayed ACK (40 ms on Linux) after its header segment,
  // so every reused connection paid 40 ms no real server charges.
  server.set_tcp_nodelay(true);
  server.new_task_queue = [] { return new httplib::ThreadPool(128); };
  server.set_keep_alive_max_count(1000);
  server.set_payload_max_length(64 * 1024 * 1024);
  server.set_pre_routing_handler([&state](const httplib::Request& req, httplib::Response&) {
    if (req.path.rfind("/_emulator/", 0) == 0 || state.options.latency_ms == 0) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    state.stats.enter_delay();
    sleep_ms(state.options.latency_ms);
    state.stats.leave_delay();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  install_rest_routes(server, state);
  install_oauth_routes(server, state);
  install_static_routes(server, state);
  install_upload_routes(server, state);
  install_introspection_routes(server, state);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  bool help = false;
  std::string error;
  if (!parse_options(argc, argv, &options, &help, &error)) {
    std::cerr << "flickr-emulator: " << error << " (try --help)\n";
    return 1;
  }
  if (help) {
    std::cout << usage_text();
    return 0;
  }
  // Signals go to the waiting thread only; SIGPIPE from a vanished client is ignored.
  signal(SIGPIPE, SIG_IGN);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto state = std::make_unique<ServerState>(options);
  auto server = make_server(options, &error);
  if (!server) {
    std::cerr << "flickr-emulator: " << error << "\n";
    return 1;
  }
  configure(*server, *state);
  const int port = options.port == 0
                       ? server->bind_to_any_port("127.0.0.1")
                       : (server->bind_to_port("127.0.0.1", options.port) ? options.port : -1);
  if (port <= 0) {
    std::cerr << "flickr-emulator: cannot bind 127.0.0.1:" << options.port << "\n";
    return 1;
  }
  widen_backlog();
  const std::string scheme = options.tls_cert.empty() ? "http" : "https";
  state->base_url = scheme + "://127.0.0.1:" + std::to_string(port);
  std::printf("flickr-emulator listening on %s\n", state->base_url.c_str());
  std::fflush(stdout);

  std::thread stopper([&server, stop_signals] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    server->stop();
  });
  const bool ok = server->listen_after_bind();
  if (!ok) {  // listen failed on its own: wake the signal thread
    kill(getpid(), SIGTERM);
  }
  stopper.join();
  return ok ? 0 : 1;
}
