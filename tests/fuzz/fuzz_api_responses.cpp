// Fuzz target: every Flickr JSON response parser of api/parse/ and the Content-Range header
// parser of api/http on the same input. A crash, a sanitizer report or an exception escaping a
// parser fails it; any Result is fine.
#include <cstdint>
#include <optional>
#include <string_view>

#include "api/http/curl.hpp"
#include "api/parse/envelope.hpp"
#include "api/parse/people.hpp"
#include "api/parse/photo_detail.hpp"
#include "api/parse/photos.hpp"
#include "api/parse/photosets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flickrfs::api::parse;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)check_envelope(body, "flickr.test.echo");
  (void)photo_page(body, "flickr.people.getPhotos");
  (void)photo_sizes(body);
  (void)photo_info(body);
  (void)photo_comments(body);
  (void)photo_exif(body);
  (void)photoset_list(body);
  (void)collection_tree(body);
  (void)person_info(body);
  (void)user_ref(body, "flickr.test.login");
  (void)token_info(body);
  std::uint64_t start = 0;
  std::optional<std::uint64_t> total;
  (void)flickrfs::api::http::parse_content_range(body, start, total);
  return 0;
}
