#pragma once
// SRC on a flickrfs mount: the mount's own cache (CACHE/<nsid>/meta.lmdb and blobs/) serves
// what the mount has already fetched, so the mirror downloads each image at most once per
// machine. Image entries carry their blob key (ContentRef::cache_key, the BlobKey record
// key); a cached blob is copied when its size matches its record and its bytes hash to the
// recorded sha256 (a damaged blob is never copied into a backup); anything else goes to the
// fallback fetcher (HTTP). The MetaStore's exact remote sizes and the blob records also give
// the plan exact image sizes before any download.
//
// The cache belongs to the running mount: it is opened offline, without reconciling (which
// would remove the mount's in-flight .part files) and without downloading into it.
//
// Thread contract: fill_known_sizes on one thread before the run; fetch() is thread-safe.

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/types.hpp"
#include "base/result.hpp"
#include "fs/mirror/entry.hpp"
#include "fs/mirror/fetcher.hpp"

namespace flickrfs::mirror {

class CacheFetcher final : public Fetcher {
 public:
  // Opens the cache of `nsid` under `cache_root`; Errc::not_found when it has none.
  [[nodiscard]] static Result<std::unique_ptr<CacheFetcher>> open(const std::string& cache_root,
                                                                  const std::string& nsid,
                                                                  Fetcher& fallback);
  ~CacheFetcher() override;
  CacheFetcher(const CacheFetcher&) = delete;
  CacheFetcher& operator=(const CacheFetcher&) = delete;

  // The comments the mount stored for `photo` at its current last_update, if any.
  [[nodiscard]] std::optional<std::vector<api::Comment>> comments_of(const api::Photo& photo) const;
  // The exif.json the mount stored for `photo` (mount --exif), if any.
  [[nodiscard]] std::optional<std::string> exif_of(const api::Photo& photo) const;
  // Sets size/size_known of every entry whose blob size the cache knows. Returns how many.
  std::size_t fill_known_sizes(DesiredTree& tree) const;

  [[nodiscard]] Result<void> fetch(const SourceEntry& entry, AtomicFile& out,
                                   const FetchContext& ctx) override;

  [[nodiscard]] std::size_t copied_from_cache() const { return m_copied.load(); }
  [[nodiscard]] std::size_t rejected_blobs() const { return m_rejected.load(); }

 private:
  struct Stores;
  CacheFetcher(std::unique_ptr<Stores> stores, Fetcher& fallback);
  // true: `out` holds the blob's verified bytes; false: not usable (out may need truncate).
  [[nodiscard]] Result<bool> copy_cached(const std::string& cache_key, AtomicFile& out,
                                         const FetchContext& ctx);

  std::unique_ptr<Stores> m_stores;
  Fetcher& m_fallback;
  std::atomic<std::size_t> m_copied{0};
  std::atomic<std::size_t> m_rejected{0};
};

}  // namespace flickrfs::mirror
