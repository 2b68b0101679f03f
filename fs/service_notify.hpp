#pragma once
// Readiness for a service manager: systemd's Type=notify (contrib/systemd/flickrfs.service)
// starts the next unit only once the mount answers, and shows our one-line status in
// `systemctl status`. The protocol is sd_notify(3): datagrams to $NOTIFY_SOCKET. Without that
// variable (a mount started from a shell, fstab, tests) every call does nothing.
//
// libsystemd's sd_notify rather than our own socket code: it handles abstract sockets,
// credentials and future protocol details, and the library is on every systemd machine.
//
// Thread contract: any thread; each call is one independent datagram.

#include <string>

namespace flickrfs::fs::service {

// The mount point answers: systemd marks the unit started.
void notify_ready(const std::string& status);
// A clean unmount began (SIGTERM, `fusermount3 -u`): systemd marks the unit deactivating.
void notify_stopping();
// Why startup failed, for `systemctl status`; the exit code tells systemd it failed.
void notify_failed(const std::string& message);

}  // namespace flickrfs::fs::service
