// /static/...: image and video bytes with Content-Length, HEAD, single Range (206/416),
// ETag, If-None-Match and Last-Modified; faults on image requests; stats.
#include <optional>

#include "images.hpp"
#include "server.hpp"
#include "sizes.hpp"

namespace flickrfs::emulator {

namespace {

// The photo id inside a static path: /static/<server>/<id>_<secret>... or
// /static/video/<id>/<secret>/<name>.mp4.
std::string photo_id_in(const std::string& path) {
  const std::string video = "/static/video/";
  if (path.rfind(video, 0) == 0) {
    const auto end = path.find('/', video.size());
    return path.substr(video.size(), end == std::string::npos ? 0 : end - video.size());
  }
  const auto slash = path.rfind('/');
  const auto underscore = path.find('_', slash);
  if (slash == std::string::npos || underscore == std::string::npos) return "";
  return path.substr(slash + 1, underscore - slash - 1);
}

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
};

// Parses one "bytes=a-b" / "bytes=a-" / "bytes=-n" against size. Returns nullopt when there is
// no usable single range (absent or multi-range: serve the whole body); *unsatisfiable
// when the range lies beyond the end.
std::optional<ByteRange> parse_range(const std::string& header, std::uint64_t size,
                                     bool* unsatisfiable) {
  *unsatisfiable = false;
  if (header.rfind("bytes=", 0) != 0 || header.find(',') != std::string::npos) return std::nullopt;
  const std::string spec = header.substr(6);
  const auto dash = spec.find('-');
  if (dash == std::string::npos) return std::nullopt;
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  const bool has_a = parse_uint(spec.substr(0, dash), &a);
  const bool has_b = parse_uint(spec.substr(dash + 1), &b);
  ByteRange r;
  if (has_a) {
    if (a >= size) {
      *unsatisfiable = true;
      return std::nullopt;
    }
    r.first = a;
    r.last = has_b ? std::min(b, size - 1) : size - 1;
    if (has_b && b < a) return std::nullopt;
  } else if (has_b) {
    if (b == 0 || size == 0) {
      *unsatisfiable = true;
      return std::nullopt;
    }
    r.first = size - std::min(b, size);
    r.last = size - 1;
  } else {
    return std::nullopt;
  }
  return r;
}

void not_found(httplib::Response& res) {
  res.status = 404;
  res.set_content("<html><body><h1>404 Not Found</h1></body></html>\n", "text/html");
}

void handle_static(ServerState& state, const httplib::Request& req, httplib::Response& res) {
  // httplib would slice the body again for a Range request and mishandles ranges past the
  // end, so ranges are answered here and httplib's parsed copy is dropped, before anything
  // is answered: an injected 5xx/429 with a Range left in place was cut to the range (or
  // answered 416), which no server does. The Request is a non-const object owned by httplib;
  // the handler signature only hands it out as const.
  const std::string range_header = req.get_header_value("Range");
  const_cast<httplib::Request&>(req).ranges.clear();
  const Fault fault = state.faults.next(false);
  if (fault != Fault::None) state.stats.count_fault(fault_name(fault));
  if (answer_http_fault(fault, req, res)) return;
  if (fault == Fault::Stall) sleep_ms(state.options.stall_ms);
  const auto photo = state.world.find_image(photo_id_in(req.path));
  const auto size = photo ? size_for_path(*photo, req.path) : std::nullopt;
  if (!size) return not_found(res);
  // A HEAD needs only the size and the ETag, which the digest cache keeps for every image
  // served: rendering the bytes again (milliseconds for a 300 KB image) took the CPU of the
  // machine the mount under test runs on, which no CDN's HEAD does.
  const bool head = req.method == "HEAD";
  const auto blob = head ? nullptr : state.images.blob(*photo, *size);
  const Digest digest =
      blob ? Digest{blob->bytes.size(), blob->sha256} : state.images.digest(*photo, *size);
  const std::uint64_t total = digest.size;
  const std::string etag = "\"" + digest.sha256.substr(0, 32) + "\"";
  const std::string type = content_type_for_format(size->format);
  res.set_header("ETag", etag);
  res.set_header("Last-Modified", http_date(photo->last_update));
  res.set_header("Accept-Ranges", "bytes");
  res.set_header("Cache-Control", "max-age=315360000");
  if (req.get_header_value("If-None-Match") == etag) {
    res.status = 304;
    state.stats.count_image(photo->id, 0, head, false);
    return;
  }
  bool unsatisfiable = false;
  const auto range = parse_range(range_header, total, &unsatisfiable);
  if (unsatisfiable) {
    res.status = 416;
    res.set_header("Content-Range", "bytes */" + std::to_string(total));
    state.stats.count_image(photo->id, 0, head, true);
    return;
  }
  if (range) {
    res.status = 206;
    res.set_header("Content-Range", "bytes " + std::to_string(range->first) + "-" +
                                        std::to_string(range->last) + "/" + std::to_string(total));
  }
  if (head) {
    state.stats.count_image(photo->id, 0, head, range.has_value(), size->label);
    // Content-Length as the GET's; httplib sends no body for a HEAD, so nothing is provided.
    const std::uint64_t length = range ? range->last - range->first + 1 : total;
    res.set_content_provider(length, type,
                             [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
    return;
  }
  std::string body =
      range ? blob->bytes.substr(range->first, range->last - range->first + 1) : blob->bytes;
  state.stats.count_image(photo->id, body.size(), head, range.has_value(), size->label);
  if (fault == Fault::Truncated) return send_truncated(res, std::move(body), type);
  send_body(state, res, std::move(body), type);
}

}  // namespace

void install_static_routes(httplib::Server& server, ServerState& state) {
  server.Get("/static/.*", [&state](const httplib::Request& req, httplib::Response& res) {
    handle_static(state, req, res);
  });
}

}  // namespace flickrfs::emulator
