#pragma once
// The one thing a mirror source must provide besides its desired tree: a way to pour a file's
// bytes into an AtomicFile. Local copies (plain directories) and HTTP downloads (Flickr)
// implement it; the executor calls fetch() from its worker threads.
//
// Thread contract: fetch() is called concurrently from up to --jobs threads.

#include <atomic>
#include <cstdint>

#include "base/result.hpp"
#include "fs/mirror/atomic_file.hpp"
#include "fs/mirror/entry.hpp"

namespace flickrfs::mirror {

struct FetchContext {
  const std::atomic<bool>* cancel = nullptr;          // set on SIGINT or a fatal error
  std::atomic<std::uint64_t>* bytes_moved = nullptr;  // live byte counter for the progress bar

  [[nodiscard]] bool cancelled() const { return cancel != nullptr && cancel->load(); }
  void count(std::uint64_t bytes) const {
    if (bytes_moved != nullptr) bytes_moved->fetch_add(bytes, std::memory_order_relaxed);
  }
};

class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // Writes the complete content of `entry` into `out` (empty on entry), retrying transient
  // failures itself. On success out.bytes_written() is the exact size. Errc::interrupted
  // when ctx.cancel was raised.
  [[nodiscard]] virtual Result<void> fetch(const SourceEntry& entry, AtomicFile& out,
                                           const FetchContext& ctx) = 0;
};

}  // namespace flickrfs::mirror
