// See client_downloader.hpp.
#include "fs/sync/client_downloader.hpp"

namespace flickrfs::fs {

Result<cache::DownloadMeta> ClientDownloader::download(
    const std::string& url, std::uint64_t offset,
    const std::function<Result<void>(std::string_view chunk)>& sink,
    const std::atomic<bool>* cancel, const std::function<Result<void>()>& rewind) {
  if (m_connectivity.offline()) return make_error(Errc::offline, "offline: " + url);
  auto info = m_client.download(url, offset, sink, cancel, rewind);
  if (!info.ok()) {
    m_connectivity.report(info.error());
    return std::move(info).error();
  }
  cache::DownloadMeta meta;
  meta.total_size = info->total_size;
  meta.etag = info->etag;
  meta.last_modified = info->last_modified;
  return meta;
}

}  // namespace flickrfs::fs
