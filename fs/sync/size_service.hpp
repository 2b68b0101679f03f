#pragma once
// SizeService: the exact byte size of a photo's file. Stored sizes first (MetaStore's
// remote sizes, else the blob store's record of a cached file), else a HEAD/Range probe
// (api::FlickrClient::probe_size) through the SizeResolver, single flight per file and
// stored forever in MetaStore: the bytes behind a URL never change (its secret would). A size
// answered but not stored yet (SizeResolver's write behind) counts as stored.
//
// Thread contract: thread-safe; probes and their writes run on the work queue and own what they
// read, so they may outlive the snapshot they were asked from. Lock order: no lock of its
// own (SizeResolver's mutex is a leaf).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "api/flickr_client.hpp"
#include "cache/blob_store.hpp"
#include "cache/meta_store.hpp"
#include "fs/model/tree.hpp"
#include "fs/sync/connectivity.hpp"
#include "fs/sync/size_resolver.hpp"

namespace flickrfs::fs {

class SizeService {
 public:
  // `client` may be null (offline mount); the others must outlive the service.
  SizeService(api::FlickrClient* client, cache::MetaStore& meta, cache::BlobStore& blobs,
              Connectivity& connectivity, api::WorkQueue& queue, unsigned probe_threads);

  // Where a file's bytes and size are kept: one key per photo, label and content secret.
  [[nodiscard]] static cache::BlobKey blob_key(const model::PhotoRecord& record,
                                               const model::PhotoFile& file);
  // The size if stored (no network).
  [[nodiscard]] std::optional<std::uint64_t> stored_size(const model::PhotoRecord& record,
                                                         const model::PhotoFile& file) const;
  // The exact size, probing if needed and waiting at most `bound`.
  [[nodiscard]] Result<std::uint64_t> image_size(const model::PhotoRecord& record,
                                                 const model::PhotoFile& file,
                                                 std::chrono::milliseconds bound);
  // Walk-ahead: queues probes, behind foreground ones, of the record's files not stored yet.
  void prefetch(const model::PhotoRecord& record);

  [[nodiscard]] std::size_t pending() const { return m_resolver.pending(); }
  [[nodiscard]] std::uint64_t probe_failures() const { return m_probe_failures.load(); }

 private:
  // A probe's target, owned: a probe may outlive the snapshot it was asked from.
  struct SizeProbe {
    cache::BlobKey key;
    std::string url;
    std::string name;
  };
  [[nodiscard]] static SizeProbe size_probe(const model::PhotoRecord& record,
                                            const model::PhotoFile& file);
  // The network's answer and the write that stores it (SizeResolver runs the write).
  [[nodiscard]] Result<SizeResolver::Found> probe(const SizeProbe& target);
  [[nodiscard]] bool online() const;

  api::FlickrClient* m_client;
  cache::MetaStore& m_meta;
  cache::BlobStore& m_blobs;
  Connectivity& m_connectivity;
  std::atomic<std::uint64_t> m_probe_failures{0};  // probes that failed (status)
  SizeResolver m_resolver;  // last: its tasks run probes that use the members above
};

}  // namespace flickrfs::fs
