#include "fs/service_notify.hpp"

#include <systemd/sd-daemon.h>

#include "fs/log.hpp"

namespace flickrfs::fs::service {
namespace {

// A status line is one line: a newline would start a new assignment in the datagram.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

void send(const std::string& state) {
  // 0 = no $NOTIFY_SOCKET (not started by a service manager): nothing to tell.
  const int sent = ::sd_notify(0, state.c_str());
  if (sent < 0) log::warning("cannot notify the service manager: error %d", -sent);
}

}  // namespace

void notify_ready(const std::string& status) {
  send("READY=1\nSTATUS=" + one_line(status));
}

void notify_stopping() {
  send("STOPPING=1\nSTATUS=unmounting");
}

void notify_failed(const std::string& message) {
  send("STATUS=" + one_line(message));
}

}  // namespace flickrfs::fs::service
