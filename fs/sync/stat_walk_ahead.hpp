#pragma once
// StatWalkAhead: which photos of a page to probe ahead of a program that stats the page's
// files one after another (`ls -l page/*`, rsync's file list, du, find -printf %s), so their
// byte sizes (HEAD/Range probes, and the comments info.json needs) are resolved in parallel
// bursts instead of one round trip per file. A page lists two files a photo (image and
// sidecar; three with --exif), and each has its own rank in every order, so a walk that
// stats them all is a walk.
//
// Programs stat in different orders (model::WalkOrder: rsync and shell globs by name, find
// in listing order). A stat queues a few photos after it in each order; once two stats in a
// row land next to each other in one order, the program walks that order: the window there
// grows to kWalkingWindow and the other orders get nothing more. A window rather than the whole
// page, so one `stat` does not cost 500 requests. Each photo is handed out once per snapshot.
//
// Thread contract: thread-safe; calls are serialized on m_mutex. Lock order: m_mutex is a
// leaf.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "fs/model/tree.hpp"
#include "fs/model/walk_orders.hpp"

namespace flickrfs::fs {

class StatWalkAhead {
 public:
  // In entries: two a photo (image, sidecar), so 8 and 64 photos.
  static constexpr std::size_t kNearbyWindow = 16;    // each order, on any stat
  static constexpr std::size_t kWalkingWindow = 128;  // the order the stats follow
  // Pages whose walk state is kept, the most recently stat-ed ones. A first `ls -lR` of
  // 100,000 photos stats all 200 pages, and kept they cost the daemon 3 MB it never reads
  // again. A page dropped and stat-ed again starts afresh: its photos are handed out once
  // more, and the catalog skips those whose sizes it has stored by then.
  static constexpr std::size_t kPagesKept = 8;

  // The photos (indices into `tree`) to probe now that a file of `photo` was stat-ed (`part`
  // 0: its image or an extra size, 1: its sidecar, 2: its exif.json), `photo` itself
  // included the first time. A new snapshot starts afresh.
  [[nodiscard]] std::vector<std::uint32_t> on_stat(const std::shared_ptr<const model::Tree>& tree,
                                                   std::uint32_t photo, std::uint8_t part = 0);
  // The number of pages whose state is kept (at most kPagesKept).
  [[nodiscard]] std::size_t pages_kept() const {
    std::lock_guard lock(m_mutex);
    return m_pages.size();
  }

 private:
  struct PageWalk {
    model::WalkOrders orders;
    std::vector<bool> handed_out;  // by photo index - page begin
    std::array<std::optional<std::uint32_t>, model::kWalkOrders> last_rank;
    std::array<bool, model::kWalkOrders> walking{};
    std::uint64_t last_use = 0;  // m_stats when the page was last stat-ed
  };
  mutable std::mutex m_mutex;  // guards everything below
  // The snapshot m_pages belongs to; weak, so a replaced snapshot (hundreds of MB at 100,000
  // photos) is freed at once rather than at the next stat.
  std::weak_ptr<const model::Tree> m_tree;
  std::map<std::uint32_t, PageWalk> m_pages;
  std::uint64_t m_stats = 0;  // on_stat calls, the clock of PageWalk::last_use
};

}  // namespace flickrfs::fs
