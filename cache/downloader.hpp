#pragma once
// The one thing the blob store needs from the network: stream the bytes of a URL from an
// offset into a sink. cache/ depends on this interface only, never on the HTTP client; the
// filesystem layer adapts api/http's HttpClient::download (same shape) to it, and tests use
// in-process fakes.
//
// Thread contract: implementations must allow concurrent download() calls from several
// threads (the blob store runs up to Options::download_jobs of them at once).

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace flickrfs::cache {

struct DownloadMeta {
  // Size of the whole object (not of the requested range) when the server said it
  // (Content-Length of a 200, or the total of Content-Range of a 206); nullopt if unknown.
  std::optional<std::uint64_t> total_size;
  std::string etag;           // verbatim, quotes included; empty if none
  std::string last_modified;  // verbatim HTTP date; empty if none
};

struct Downloader {
  virtual ~Downloader() = default;

  // GETs `url` starting at byte `offset` (Range: bytes=offset- when offset > 0) and calls
  // `sink` with each chunk of the body, in order. A sink error stops the transfer and is
  // returned as is. `cancel`, when non-null and set, stops the transfer with
  // Errc::interrupted. A server that ignores the Range header must make this fail rather than
  // deliver bytes from 0 (the sink would write them at `offset`). A server that refuses to
  // resume (416) may make it start over: `rewind` is called, then `sink` gets the bytes from
  // byte 0. Errors: network, unavailable, rate_limited, not_found, offline, bad_response
  // (truncated body).
  [[nodiscard]] virtual Result<DownloadMeta> download(
      const std::string& url, std::uint64_t offset,
      const std::function<Result<void>(std::string_view chunk)>& sink,
      const std::atomic<bool>* cancel, const std::function<Result<void>()>& rewind) = 0;
};

}  // namespace flickrfs::cache
