// See cache_fetcher.hpp.
#include "fs/mirror/cache_fetcher.hpp"

#include <sys/stat.h>

#include <vector>

#include "cache/blob_store.hpp"
#include "cache/file_util.hpp"
#include "cache/meta_store.hpp"

namespace flickrfs::mirror {

struct CacheFetcher::Stores {
  std::unique_ptr<cache::MetaStore> meta;
  std::unique_ptr<cache::BlobStore> blobs;  // declared after meta: destroyed first
};

CacheFetcher::CacheFetcher(std::unique_ptr<Stores> stores, Fetcher& fallback)
    : m_stores(std::move(stores)), m_fallback(fallback) {}

CacheFetcher::~CacheFetcher() = default;

Result<std::unique_ptr<CacheFetcher>> CacheFetcher::open(const std::string& cache_root,
                                                         const std::string& nsid,
                                                         Fetcher& fallback) {
  const std::string user = cache::user_dir(cache_root, nsid);
  struct stat st {};
  if (nsid.empty() || ::stat((user + "/meta.lmdb").c_str(), &st) != 0) {
    return make_error(Errc::not_found, "no cache for " + nsid + " in " + cache_root);
  }
  FLICKRFS_TRY(auto env, cache::open_user_env(cache_root, nsid));
  auto stores = std::make_unique<Stores>();
  FLICKRFS_TRY(stores->meta, cache::MetaStore::open(env));
  cache::BlobStore::Options options;
  options.offline = true;             // never download into the mount's cache
  options.reconcile_at_open = false;  // the mount's in-flight .part files are alive
  options.download_jobs = 1;
  FLICKRFS_TRY(stores->blobs,
               cache::BlobStore::open(*stores->meta, nullptr, cache::blobs_dir(user), options));
  return std::unique_ptr<CacheFetcher>(new CacheFetcher(std::move(stores), fallback));
}

std::optional<std::vector<api::Comment>> CacheFetcher::comments_of(const api::Photo& photo) const {
  auto stored = m_stores->meta->comments_as_of(photo.id, photo.last_update);
  if (!stored.ok() || !stored->has_value()) return std::nullopt;
  // A count that disagrees with the listing's means the stored list is not the current one.
  if (static_cast<std::int64_t>((*stored)->size()) != photo.count_comments) return std::nullopt;
  return std::move(*stored);
}

std::optional<std::string> CacheFetcher::exif_of(const api::Photo& photo) const {
  auto stored = m_stores->meta->exif_json(photo.id);
  if (!stored.ok() || !stored->has_value()) return std::nullopt;
  return std::move(*stored);
}

std::size_t CacheFetcher::fill_known_sizes(DesiredTree& tree) const {
  std::size_t known = 0;
  for (auto& entry : tree.entries) {
    if (entry.content.cache_key.empty() || entry.size_known) continue;
    const auto key = cache::BlobKey::from_record_key(entry.content.cache_key);
    if (!key) continue;
    std::optional<std::uint64_t> size;
    const auto remote = m_stores->meta->remote_size(key->photo_id, key->label, key->secret);
    if (remote.ok() && remote->has_value()) size = (*remote)->bytes;
    const auto blob = m_stores->blobs->record(*key);
    if (!size && blob.ok() && blob->has_value()) size = (*blob)->size;
    if (!size) continue;
    entry.size = *size;
    entry.size_known = true;
    ++known;
  }
  return known;
}

Result<bool> CacheFetcher::copy_cached(const std::string& cache_key, AtomicFile& out,
                                       const FetchContext& ctx) {
  const auto key = cache::BlobKey::from_record_key(cache_key);
  if (!key) return false;
  FLICKRFS_TRY(auto reader, m_stores->blobs->open_cached(*key));
  if (!reader) return false;
  FLICKRFS_TRY(const auto record, m_stores->blobs->record(*key));
  FLICKRFS_TRY(const std::uint64_t size, reader->size());
  if (!record || record->size != size) return false;
  cache::Sha256 hash;
  std::vector<char> buffer(std::size_t{1} << 18);
  std::uint64_t offset = 0;
  while (offset < size) {
    if (ctx.cancelled()) return make_error(Errc::interrupted, "interrupted");
    FLICKRFS_TRY(const std::size_t n, reader->read(offset, buffer));
    if (n == 0) break;
    hash.update({buffer.data(), n});
    FLICKRFS_CHECK(out.write(buffer.data(), n));
    ctx.count(n);
    offset += n;
  }
  return offset == size && hash.finish() == record->sha256;
}

Result<void> CacheFetcher::fetch(const SourceEntry& entry, AtomicFile& out,
                                 const FetchContext& ctx) {
  if (!entry.content.cache_key.empty()) {
    auto copied = copy_cached(entry.content.cache_key, out, ctx);
    if (copied.ok() && *copied) {
      ++m_copied;
      return success();
    }
    if (!copied.ok() &&
        (copied.error().code == Errc::interrupted || copied.error().code == Errc::no_space)) {
      return std::move(copied).error();
    }
    if (out.bytes_written() > 0) ++m_rejected;  // short, or another sha256: download it
    FLICKRFS_CHECK(out.truncate());
  }
  return m_fallback.fetch(entry, out, ctx);
}

}  // namespace flickrfs::mirror
