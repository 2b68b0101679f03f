// See http_client.hpp. Buffered requests; download() and probe_size() are in download.cpp.
#include "api/http/http_client.hpp"

#include <algorithm>

#include "api/http/curl.hpp"
#include "api/oauth.hpp"
#include "api/retry.hpp"

namespace flickrfs::api::http {

namespace {

struct BodyBuffer {
  std::string* body;
  std::size_t limit;
  bool too_large = false;

  static size_t write(char* data, size_t size, size_t count, void* self) {
    auto& buffer = *static_cast<BodyBuffer*>(self);
    const std::size_t bytes = size * count;
    if (buffer.body->size() + bytes > buffer.limit) {
      buffer.too_large = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    buffer.body->append(data, bytes);
    return bytes;
  }
};

}  // namespace

std::string_view Response::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

HttpClient::HttpClient(HttpOptions options)
    : m_options(std::move(options)),
      m_pool(std::make_unique<Pool>(std::max<std::size_t>(1, m_options.max_idle_handles))) {}

HttpClient::~HttpClient() = default;

namespace {

struct MimeFree {
  void operator()(curl_mime* mime) const { curl_mime_free(mime); }
};
using MimeGuard = std::unique_ptr<curl_mime, MimeFree>;

// The multipart body: text fields as given, file parts streamed by libcurl from disk.
Result<MimeGuard> build_mime(CURL* handle, const std::vector<FormPart>& parts) {
  MimeGuard mime(curl_mime_init(handle));
  if (!mime) return make_error(Errc::internal, "curl_mime_init failed");
  for (const FormPart& part : parts) {
    curl_mimepart* field = curl_mime_addpart(mime.get());
    if (field == nullptr) return make_error(Errc::internal, "curl_mime_addpart failed");
    curl_mime_name(field, part.name.c_str());
    if (part.file_path.empty()) {
      curl_mime_data(field, part.value.data(), part.value.size());
      continue;
    }
    if (curl_mime_filedata(field, part.file_path.c_str()) != CURLE_OK) {
      return make_error(Errc::io, part.file_path + ": cannot be read for upload");
    }
    if (!part.filename.empty()) curl_mime_filename(field, part.filename.c_str());
  }
  return mime;
}

int upload_progress_callback(void* data, curl_off_t, curl_off_t, curl_off_t ultotal,
                             curl_off_t ulnow) {
  const auto& progress = *static_cast<const UploadProgress*>(data);
  progress(static_cast<std::uint64_t>(ulnow), static_cast<std::uint64_t>(ultotal));
  return 0;
}

}  // namespace

Result<Response> HttpClient::request(const Request& request, const FormPost* form) const {
  Lease lease(m_pool->handles);
  CURL* handle = lease.get();
  if (handle == nullptr) return make_error(Errc::internal, "curl_easy_init failed");
  char error_buffer[CURL_ERROR_SIZE];
  HeaderCapture capture;
  apply_common_options(handle, m_options, request.url, error_buffer, capture);

  const auto timeout = request.timeout.count() > 0 ? request.timeout : m_options.request_timeout;
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "");  // gzip/deflate/br for API bodies

  MimeGuard mime{nullptr};
  if (request.method == "POST" && form != nullptr) {
    FLICKRFS_TRY(mime, build_mime(handle, form->parts));
    curl_easy_setopt(handle, CURLOPT_MIMEPOST, mime.get());
  } else if (request.method == "POST") {
    curl_easy_setopt(handle, CURLOPT_POST, 1L);
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.c_str());
  } else if (request.method == "HEAD") {
    curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET") {
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  curl_slist* raw_list = curl_slist_append(nullptr, "Expect:");  // no 100-continue round trip
  Slist header_list(raw_list);
  for (const auto& [name, value] : request.headers) {
    const std::string line = name + ": " + value;
    raw_list = curl_slist_append(header_list.get(), line.c_str());
    if (raw_list == nullptr) return make_error(Errc::internal, "out of memory for headers");
  }
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, header_list.get());

  if (form != nullptr && form->progress) {
    curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, &upload_progress_callback);
    curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &form->progress);
  }

  Response response;
  BodyBuffer buffer{&response.body, m_options.max_response_bytes};
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &BodyBuffer::write);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &buffer);

  const CURLcode code = curl_easy_perform(handle);
  if (buffer.too_large) {
    return make_error(Errc::bad_response, url_without_query(request.url) + ": reply larger than " +
                                              std::to_string(m_options.max_response_bytes) +
                                              " bytes");
  }
  if (code != CURLE_OK) return curl_error(code, error_buffer, request.url);
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
  response.headers = std::move(capture.headers);
  return response;
}

namespace {

Error error_for_status_only(long status, std::string_view what) {
  const std::string message = std::string(what) + ": HTTP " + std::to_string(status);
  if (status == 404 || status == 410) return make_error(Errc::not_found, message);
  if (status == 401 || status == 403) return make_error(Errc::permission, message);
  if (status == 416)
    return make_error(Errc::invalid_argument, message + " (range not satisfiable)");
  if (status == 429) return make_error(Errc::rate_limited, message + " (too many requests)");
  if (status >= 500) return make_error(Errc::unavailable, message);
  if (status >= 400) return make_error(Errc::invalid_argument, message);  // not worth a retry
  return make_error(Errc::bad_response, message);
}

}  // namespace

Error error_for_status(long status, std::string_view what, std::string_view retry_after) {
  Error error = error_for_status_only(status, what);
  if (const auto delay = parse_retry_after(retry_after, oauth::unix_now())) {
    error.retry_after_ms = delay->count();
  }
  return error;
}

}  // namespace flickrfs::api::http
