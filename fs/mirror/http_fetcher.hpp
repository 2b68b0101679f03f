#pragma once
// Downloads a file's bytes over the process's one FlickrClient: its HttpClient reuses
// connections across all jobs, the image rate bucket paces requests, and retries resume at
// the byte where an attempt broke off, so each byte reaches the AtomicFile exactly once.
//
// Thread contract: fetch() is thread-safe (FlickrClient is).

#include "api/flickr_client.hpp"
#include "fs/mirror/fetcher.hpp"

namespace flickrfs::mirror {

class HttpFetcher final : public Fetcher {
 public:
  explicit HttpFetcher(api::FlickrClient& client) : m_client(client) {}

  [[nodiscard]] Result<void> fetch(const SourceEntry& entry, AtomicFile& out,
                                   const FetchContext& ctx) override;

 private:
  api::FlickrClient& m_client;
};

}  // namespace flickrfs::mirror
