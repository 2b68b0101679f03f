#pragma once
// The blob store's Downloader (cache/downloader.hpp) over the Flickr client: image requests
// go through the client's image rate bucket and retry policy (which resumes with Range
// after a cut), and a transport failure tells the Connectivity tracker we may be offline.
//
// Thread contract: thread-safe (the client is); concurrent download() calls are fine.

#include "api/flickr_client.hpp"
#include "cache/downloader.hpp"
#include "fs/sync/connectivity.hpp"

namespace flickrfs::fs {

class ClientDownloader final : public cache::Downloader {
 public:
  ClientDownloader(api::FlickrClient& client, Connectivity& connectivity)
      : m_client(client), m_connectivity(connectivity) {}

  [[nodiscard]] Result<cache::DownloadMeta> download(
      const std::string& url, std::uint64_t offset,
      const std::function<Result<void>(std::string_view chunk)>& sink,
      const std::atomic<bool>* cancel, const std::function<Result<void>()>& rewind) override;

 private:
  api::FlickrClient& m_client;
  Connectivity& m_connectivity;
};

}  // namespace flickrfs::fs
