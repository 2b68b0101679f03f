#pragma once
// `flickrfs mount`: from a parsed MountConfig to a served mount, and back to an exit code.
// Order matters and is the point of this file:
//   1. paths made absolute (the daemon chdirs to /), the log configured;
//   2. fork (daemon mode; DaemonLink) before any thread or LMDB environment exists;
//   3. credentials, then the account check (flickr.test.login): a rejected token exits 2
//      with one line *before* mounting; an unreachable Flickr starts offline;
//   4. cache (LMDB + blobs), catalog from the cache; nothing cached and offline: exit 3;
//      nothing cached and online: the first full listing before mounting, so the tree is
//      complete when the command returns;
//   5. mount, report "ready" to the waiting parent, start the refresher, the invalidator
//      and the status file, serve until unmounted or signalled; tear down in reverse.
//
// Thread contract: main thread only.

#include "fs/mount_options.hpp"

namespace flickrfs::fs {

[[nodiscard]] int run_mount(MountConfig config);

}  // namespace flickrfs::fs
