// See http_client.hpp: streaming downloads and exact remote sizes.
#include <charconv>

#include "api/http/curl.hpp"
#include "api/http/http_client.hpp"

namespace flickrfs::api::http {

namespace {

bool is_success(long status) {
  return status >= 200 && status < 300;
}

std::optional<std::uint64_t> content_length(CURL* handle) {
  curl_off_t length = -1;
  curl_easy_getinfo(handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
  if (length < 0) return std::nullopt;
  return static_cast<std::uint64_t>(length);
}

// Per-transfer state of download(): checks the status once, skips bytes a server sent from
// 0 when we asked for a range, and forwards the rest to the sink.
struct DownloadState {
  const ChunkSink& sink;
  const std::atomic<bool>* cancel;
  const HeaderCapture& capture;
  const std::string& url;
  std::uint64_t offset;
  std::uint64_t skip = 0;
  bool started = false;
  std::optional<Error> error;
  std::uint64_t written = 0;
  bool resume_refused = false;  // 416 to our Range: the caller starts again from byte 0

  bool start() {
    started = true;
    const long status = capture.status;
    if (status == 416 && offset > 0) {
      resume_refused = true;
      return false;
    }
    if (!is_success(status)) {
      error = error_for_status(status, url_without_query(url), capture.find("retry-after"));
      return false;
    }
    if (status != 206) {
      skip = offset;  // the server ignored Range: drop the bytes before `offset`
      return true;
    }
    std::uint64_t start_byte = 0;
    std::optional<std::uint64_t> total;
    if (!parse_content_range(capture.find("content-range"), start_byte, total) ||
        start_byte != offset) {
      error = make_error(Errc::bad_response,
                         url_without_query(url) + ": 206 reply for a different range");
      return false;
    }
    return true;
  }

  static size_t write(char* data, size_t size, size_t count, void* self) {
    auto& state = *static_cast<DownloadState*>(self);
    std::string_view chunk(data, size * count);
    if (!state.started && !state.start()) return 0;
    const auto dropped = std::min<std::uint64_t>(state.skip, chunk.size());
    chunk.remove_prefix(static_cast<std::size_t>(dropped));
    state.skip -= dropped;
    if (chunk.empty()) return size * count;
    auto accepted = state.sink(chunk);
    if (!accepted.ok()) {
      state.error = std::move(accepted).error();
      return 0;
    }
    state.written += chunk.size();
    return size * count;
  }

  static int progress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto& state = *static_cast<DownloadState*>(self);
    return state.cancel != nullptr && state.cancel->load() ? 1 : 0;
  }
};

DownloadInfo describe(CURL* handle, const HeaderCapture& capture, std::uint64_t written) {
  DownloadInfo info;
  info.status = capture.status;
  info.bytes_written = written;
  info.etag = std::string(capture.find("etag"));
  info.last_modified = std::string(capture.find("last-modified"));
  info.content_type = std::string(capture.find("content-type"));
  if (capture.status == 206) {
    std::uint64_t start = 0;
    std::optional<std::uint64_t> total;
    if (parse_content_range(capture.find("content-range"), start, total)) info.total_size = total;
  } else if (auto length = content_length(handle)) {
    info.total_size = *length;
  }
  return info;
}

}  // namespace

// One GET from `offset`. Sets *resume_refused (and returns an error) on a 416 to the Range.
Result<DownloadInfo> HttpClient::transfer(const std::string& url, std::uint64_t offset,
                                          const ChunkSink& sink, const std::atomic<bool>* cancel,
                                          bool* resume_refused) const {
  Lease lease(m_pool->handles);
  CURL* handle = lease.get();
  if (handle == nullptr) return make_error(Errc::internal, "curl_easy_init failed");
  char error_buffer[CURL_ERROR_SIZE];
  HeaderCapture capture;
  apply_common_options(handle, m_options, url, error_buffer, capture);
  const std::string range = std::to_string(offset) + "-";
  if (offset > 0) curl_easy_setopt(handle, CURLOPT_RANGE, range.c_str());

  DownloadState state{sink, cancel, capture, url, offset, 0, false, std::nullopt, 0, false};
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &DownloadState::write);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, &DownloadState::progress);
  curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &state);

  const CURLcode code = curl_easy_perform(handle);
  if (!state.started && code == CURLE_OK) (void)state.start();  // empty body
  if (state.resume_refused) {
    *resume_refused = true;
    return make_error(
        Errc::bad_response,
        url_without_query(url) + ": HTTP 416 to a resume at byte " + std::to_string(offset));
  }
  if (state.error) return std::move(*state.error);
  if (code == CURLE_ABORTED_BY_CALLBACK) {
    return make_error(Errc::interrupted, url_without_query(url) + ": download cancelled");
  }
  if (code != CURLE_OK) return curl_error(code, error_buffer, url);
  if (state.skip > 0) {
    return make_error(Errc::bad_response, url_without_query(url) + ": offset " +
                                              std::to_string(offset) +
                                              " is beyond the end of the file");
  }
  return describe(handle, capture, state.written);
}

Result<DownloadInfo> HttpClient::download(const std::string& url, std::uint64_t offset,
                                          const ChunkSink& sink, const std::atomic<bool>* cancel,
                                          const Rewind& rewind) const {
  bool resume_refused = false;
  auto result = transfer(url, offset, sink, cancel, &resume_refused);
  if (!resume_refused) return result;
  // The server will not resume here: fetch the whole file again, never with a Range (a
  // second ranged try would get the same 416).
  if (rewind) {
    FLICKRFS_CHECK(rewind());
    FLICKRFS_TRY(DownloadInfo info, transfer(url, 0, sink, cancel, &resume_refused));
    info.restarted = true;
    return info;
  }
  std::uint64_t skip = offset;
  const ChunkSink skipping = [&](std::string_view chunk) -> Result<void> {
    const auto dropped = std::min<std::uint64_t>(skip, chunk.size());
    chunk.remove_prefix(static_cast<std::size_t>(dropped));
    skip -= dropped;
    return chunk.empty() ? success() : sink(chunk);
  };
  FLICKRFS_TRY(DownloadInfo info, transfer(url, 0, skipping, cancel, &resume_refused));
  if (skip > 0) {
    return make_error(Errc::bad_response, url_without_query(url) + ": shorter than the " +
                                              std::to_string(offset) + " bytes already received");
  }
  info.bytes_written -= offset;
  return info;
}

namespace {

struct Probe {
  long status = 0;
  HeaderCapture capture;
  std::optional<std::uint64_t> length;
};

// Stops a ranged GET after the headers: we only want the size, never the body.
size_t stop_after_headers(char*, size_t, size_t, void* stopped) {
  *static_cast<bool*>(stopped) = true;
  return 0;
}

}  // namespace

Result<RemoteSize> HttpClient::probe_size(const std::string& url) const {
  const auto probe = [&](bool head) -> Result<Probe> {
    Lease lease(m_pool->handles);
    CURL* handle = lease.get();
    if (handle == nullptr) return make_error(Errc::internal, "curl_easy_init failed");
    char error_buffer[CURL_ERROR_SIZE];
    Probe result;
    apply_common_options(handle, m_options, url, error_buffer, result.capture);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(m_options.request_timeout.count()));
    bool stopped = false;
    if (head) {
      curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
    } else {
      curl_easy_setopt(handle, CURLOPT_RANGE, "0-0");
      curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &stop_after_headers);
      curl_easy_setopt(handle, CURLOPT_WRITEDATA, &stopped);
    }
    const CURLcode code = curl_easy_perform(handle);
    if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && stopped)) {
      return curl_error(code, error_buffer, url);
    }
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &result.status);
    result.length = content_length(handle);
    return result;
  };
  const auto found = [](const Probe& answer, std::uint64_t bytes) {
    return RemoteSize{bytes, std::string(answer.capture.find("etag")),
                      std::string(answer.capture.find("last-modified")),
                      std::string(answer.capture.find("content-type"))};
  };

  FLICKRFS_TRY(const Probe head, probe(true));
  if (is_success(head.status) && head.length) return found(head, *head.length);
  const bool head_refused = head.status == 403 || head.status == 405 || head.status == 501;
  if (!is_success(head.status) && !head_refused) {
    return error_for_status(head.status, url_without_query(url), head.capture.find("retry-after"));
  }

  FLICKRFS_TRY(const Probe ranged, probe(false));
  if (ranged.status == 206) {
    std::uint64_t start = 0;
    std::optional<std::uint64_t> total;
    if (parse_content_range(ranged.capture.find("content-range"), start, total) && total) {
      return found(ranged, *total);
    }
    return make_error(Errc::bad_response, url_without_query(url) + ": no total size in the reply");
  }
  if (ranged.status == 200 && ranged.length) return found(ranged, *ranged.length);
  if (!is_success(ranged.status)) {
    return error_for_status(ranged.status, url_without_query(url),
                            ranged.capture.find("retry-after"));
  }
  return make_error(Errc::bad_response, url_without_query(url) + ": server gives no size");
}

}  // namespace flickrfs::api::http
