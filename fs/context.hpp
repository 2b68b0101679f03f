#pragma once
// What every FUSE op needs, reached through fuse_req_userdata(req) instead of a global, so
// the ops stay free functions over explicit state (code-style-anchors 5.14).
//
// Thread contract: the fields are set before the session loop starts and read-only
// afterwards, except the atomics and `kernel_dirs` (thread-safe, kernel_dirs.hpp); `catalog`
// is thread-safe (CatalogView's contract).

#include <sys/types.h>

#include <atomic>
#include <chrono>

#include <fuse_lowlevel.h>

#include "fs/kernel_dirs.hpp"
#include "fs/model/catalog_view.hpp"

namespace flickrfs::fs {

namespace prefetch {
class Prefetcher;
}
namespace thumbnail {
class Thumbnailer;
}
}  // namespace flickrfs::fs
namespace flickrfs::upload {
class UploadArea;
}
namespace flickrfs::fs {

// Kernel cache lifetimes in seconds (fuse-anchors 5.1.3 / 5.3), by how mutable a node is.
struct Timeouts {
  double immutable = 3600;  // image files of known size (inode changes with the content)
  double live = 60;         // root, photostream, sets, pages, albums (--dir-cache-time)
  double metadata = 60;     // sidecars, .hidden, album.json and album links
  double negative = 10;     // names that do not exist
  double probe = 3600;      // file-manager probes (.hidden, folder.jpg, desktop.ini ...)
  double walk_hint = 1;     // page and album dir attrs without opendir (ops/getattr.cpp)
};

struct Context {
  model::CatalogView* catalog = nullptr;
  prefetch::Prefetcher* prefetcher = nullptr;     // null with --no-prefetch (fs/prefetch/)
  thumbnail::Thumbnailer* thumbnailer = nullptr;  // null with --no-thumbnails (fs/thumbnail/)
  // MOUNT/upload/ (fs/upload/upload_area.hpp); null unless --writable. Everything else
  // answers EROFS to writes (the kernel does so itself on a read-only mount).
  upload::UploadArea* uploads = nullptr;
  bool allow_delete = false;  // --allow-delete: rm in photostream/ deletes on Flickr
  Timeouts timeouts;
  uid_t uid = 0;
  gid_t gid = 0;
  // How long getattr/open may wait for a size probe before failing with EIO.
  std::chrono::milliseconds size_bound{15000};
  // How long opening a picture directory's .hidden may wait for its thumbnails
  // (ops/node_attr.hpp await_thumbnails).
  std::chrono::milliseconds thumbnail_bound{10000};
  // How long lookup/opendir/readdir may wait for a listing the background fill has not
  // fetched yet (a first mount) before answering with what is known.
  std::chrono::milliseconds listing_bound{20000};
  std::atomic<bool> initialized{false};
  // The kernel supports FUSE_NO_OPENDIR_SUPPORT (init.cpp): opendir answers ENOSYS once, and
  // from then on directories are opened and released without a request, with their listings
  // cached (readdir.cpp tells the catalog and prefetcher about a listing instead).
  std::atomic<bool> no_opendir{false};
  // Directories replied to the kernel (lookup, readdirplus): the snapshot diff skips others.
  KernelDirs kernel_dirs;
};

[[nodiscard]] inline Context& context_of(fuse_req_t req) {
  return *static_cast<Context*>(fuse_req_userdata(req));
}

}  // namespace flickrfs::fs
