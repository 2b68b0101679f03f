// See http_fetcher.hpp.
#include "fs/mirror/http_fetcher.hpp"

namespace flickrfs::mirror {

Result<void> HttpFetcher::fetch(const SourceEntry& entry, AtomicFile& out,
                                const FetchContext& ctx) {
  const auto sink = [&](std::string_view chunk) -> Result<void> {
    FLICKRFS_CHECK(out.write(chunk.data(), chunk.size()));
    ctx.count(chunk.size());
    return success();
  };
  // A resume refused with 416 starts the file again from byte 0.
  const auto rewind = [&]() -> Result<void> { return out.truncate(); };
  FLICKRFS_TRY(const auto info,
               m_client.download(entry.content.location, 0, sink, ctx.cancel, rewind));
  if (info.total_size && *info.total_size != out.bytes_written()) {
    return make_error(Errc::bad_response,
                      "download of " + entry.path + " gave " + std::to_string(out.bytes_written()) +
                          " bytes, the server announced " + std::to_string(*info.total_size));
  }
  return success();
}

}  // namespace flickrfs::mirror
