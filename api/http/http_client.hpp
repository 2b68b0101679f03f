#pragma once
// HttpClient: every byte flickrfs sends or receives over HTTP goes through here (libcurl).
//
// - Connection reuse: a pool of curl easy handles (curl_easy_reset keeps their live
//   connections) plus one curl share handle for DNS, TLS sessions and the connection cache,
//   so any thread reuses any open connection to api.flickr.com / live.staticflickr.com.
// - HTTP/2 when the server offers it over TLS (CURL_HTTP_VERSION_2TLS), HTTP/1.1 otherwise.
// - Bounded time: a connect timeout, a low-speed limit (abort when fewer than
//   low_speed_bytes/s arrive for low_speed_time) and, for request(), an overall cap. No call
//   blocks forever; download() is bounded by the low-speed limit and its cancel flag.
// - TLS verification is always on (peer and host); `ca_file` adds a CA bundle to the system
//   store (curl's CAINFO; Debian's curl also keeps CAPATH /etc/ssl/certs).
// - Proxies: curl's own handling of http_proxy / https_proxy / no_proxy (we set nothing).
//
// HTTP status codes are data here: request() returns any status as a Response; the caller
// (FlickrClient) decides what a 429 or 500 means. Transport failures (refused, reset, timeout,
// TLS) are Errc::network. No secret is ever logged by this layer (it logs nothing).
//
// Thread contract: thread-safe; any number of threads may call request()/download()/
// probe_size() at once (each call borrows its own easy handle from the pool).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace flickrfs::api::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// One part of a multipart/form-data POST: a text field, or a file streamed from disk.
struct FormPart {
  std::string name;
  std::string value;      // the field's value (text parts)
  std::string file_path;  // non-empty: a file part, read from this path while sending
  std::string filename;   // the file part's filename= (the base name of file_path if empty)
};

// Called with the bytes of the request body sent so far and its total size.
using UploadProgress = std::function<void(std::uint64_t sent, std::uint64_t total)>;

// A multipart/form-data POST body (request() sends it instead of Request::body).
struct FormPost {
  std::vector<FormPart> parts;
  UploadProgress progress;  // may be null
};

struct Request {
  std::string method = "GET";  // GET, POST, HEAD
  std::string url;
  Headers headers;   // extra request headers, e.g. {"Authorization", "OAuth ..."}
  std::string body;  // sent for POST (application/x-www-form-urlencoded unless a header says)
  // 0 = HttpOptions::request_timeout. The whole exchange, connect to last byte.
  std::chrono::milliseconds timeout{0};
};

struct Response {
  long status = 0;
  Headers headers;  // names lower-cased, in arrival order (of the final response only)
  std::string body;

  // The first header called `name` (case-insensitive), or "" when absent.
  [[nodiscard]] std::string_view header(std::string_view name) const;
};

// What a download learned from the response headers.
struct DownloadInfo {
  long status = 0;                          // 200 or 206
  std::uint64_t bytes_written = 0;          // bytes handed to the sink (from `offset` on,
                                            // or from 0 when restarted)
  bool restarted = false;                   // a 416 made it rewind and start from byte 0
  std::optional<std::uint64_t> total_size;  // whole resource size: Content-Range total, or
                                            // offset + Content-Length; nullopt if unknown
  std::string etag;
  std::string last_modified;
  std::string content_type;
};

// The exact byte size of a remote file, as probe_size() found it.
struct RemoteSize {
  std::uint64_t bytes = 0;
  std::string etag;
  std::string last_modified;
  std::string content_type;
};

struct HttpOptions {
  std::string ca_file;  // extra CA bundle (PEM); empty = system store only
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{60'000};  // overall cap for request()/probe_size()
  long low_speed_bytes = 1024;                        // abort below this many bytes/s ...
  std::chrono::seconds low_speed_time{30};            // ... sustained for this long
  std::size_t max_response_bytes = 64u << 20;         // request() bodies larger fail
  std::size_t max_idle_handles = 16;                  // pooled easy handles kept open
  std::string user_agent = "flickrfs/0.1 (+libcurl)";
};

using ChunkSink = std::function<Result<void>(std::string_view chunk)>;
// Drops every byte a sink was given so far: the body follows again from byte 0.
using Rewind = std::function<Result<void>()>;

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // One buffered exchange. Any HTTP status is a Response; errors are transport failures
  // (Errc::network), a body over max_response_bytes (Errc::bad_response) or a bad URL
  // (Errc::invalid_argument).
  // With `form`, a POST sends it as multipart/form-data, file parts streamed from disk.
  [[nodiscard]] Result<Response> request(const Request& request,
                                         const FormPost* form = nullptr) const;

  // Streams `url` from byte `offset` (Range: bytes=offset-) into `sink`, chunk by chunk.
  // A server that ignores the Range (200 instead of 206) is handled: the first `offset`
  // bytes are skipped, so the sink always sees the bytes from `offset` on. A server that
  // refuses the resume (416 to Range: bytes=offset-, as a CDN does when the object changed
  // or shrank) gets the whole file again, without Range: with `rewind` set, it is called
  // first and the sink then sees the bytes from 0 (DownloadInfo::restarted); without it the
  // first `offset` bytes are skipped as for a 200. Other non-2xx answers are errors without
  // calling the sink: 404/410 not_found, 401/403 permission, 416 at offset 0 bad_response,
  // 429 rate_limited, 5xx unavailable. A sink error stops the transfer and is returned as is;
  // `cancel` (may be null) set to true stops it with Errc::interrupted. A body cut short
  // (fewer bytes than announced) is Errc::network.
  [[nodiscard]] Result<DownloadInfo> download(const std::string& url, std::uint64_t offset,
                                              const ChunkSink& sink,
                                              const std::atomic<bool>* cancel = nullptr,
                                              const Rewind& rewind = {}) const;

  // The exact size of `url`: HEAD and Content-Length; when HEAD gives none (or is refused),
  // GET with Range: bytes=0-0 and the total of Content-Range (or the Content-Length of a
  // 200 answer, whose body is then not read). Error statuses map as in download().
  [[nodiscard]] Result<RemoteSize> probe_size(const std::string& url) const;

  [[nodiscard]] const HttpOptions& options() const { return m_options; }

 private:
  [[nodiscard]] Result<DownloadInfo> transfer(const std::string& url, std::uint64_t offset,
                                              const ChunkSink& sink,
                                              const std::atomic<bool>* cancel,
                                              bool* resume_refused) const;

  struct Pool;
  HttpOptions m_options;
  std::unique_ptr<Pool> m_pool;
};

// Error kind for a non-2xx HTTP status of a file request (as download() maps it).
// `retry_after` is the reply's Retry-After header ("" when absent).
[[nodiscard]] Error error_for_status(long status, std::string_view what,
                                     std::string_view retry_after = {});

}  // namespace flickrfs::api::http
