#pragma once
// SRC as a plain directory: the desired tree is SRC's contents (like `rsync -a SRC/ DEST/`:
// regular files, symlinks verbatim, directories, permission bits, mtimes), and bytes are
// copied from the files themselves.
//
// Thread contract: scan_local_tree runs on one thread; LocalFetcher::fetch is thread-safe.

#include <string>

#include "base/result.hpp"
#include "fs/mirror/entry.hpp"
#include "fs/mirror/fetcher.hpp"

namespace flickrfs::mirror {

// Walks `root` without following symlinks. Sockets, FIFOs and devices are skipped with a
// warning on stderr; an unreadable directory marks the tree incomplete (so --delete refuses)
// but does not stop the scan. Fails only when `root` itself is not a readable directory.
[[nodiscard]] Result<DesiredTree> scan_local_tree(const std::string& root);

class LocalFetcher final : public Fetcher {
 public:
  [[nodiscard]] Result<void> fetch(const SourceEntry& entry, AtomicFile& out,
                                   const FetchContext& ctx) override;
};

}  // namespace flickrfs::mirror
