// FlickrClient write methods: photosets.create, photosets.addPhoto, photos.delete (see
// flickr_client.hpp for why each is or is not retried).
#include "api/flickr_client.hpp"
#include "api/flickr_client_impl.hpp"
#include "api/parse/envelope.hpp"
#include "api/parse/photosets.hpp"

namespace flickrfs::api {

namespace {

// A write method's reply needs nothing but stat:ok.
Result<bool> stat_ok(std::string_view body, std::string_view method) {
  FLICKRFS_CHECK(parse::check_envelope(body, method));
  return true;
}

// The code a method answers when a retried call finds its own first attempt's work done.
Result<void> done_unless(Result<bool> result, int already_done_code) {
  if (result.ok()) return success();
  const Error& error = result.error();
  if (error.has_flickr_code && error.flickr_code == already_done_code) return success();
  return std::move(result).error();
}

}  // namespace

Result<std::string> FlickrClient::create_photoset(const std::string& title,
                                                  const std::string& primary_photo_id) {
  constexpr std::string_view kMethod = "flickr.photosets.create";
  const oauth::Params params = {{"title", title}, {"primary_photo_id", primary_photo_id}};
  const std::function<Result<std::string>()> attempt = [&]() -> Result<std::string> {
    FLICKRFS_TRY(const std::string body, api_attempt(kMethod, params, true));
    return parse::created_photoset(body);
  };
  return with_retries<std::string>(kMethod, Kind::api, attempt, nullptr, 1);
}

Result<void> FlickrClient::add_to_photoset(const std::string& photoset_id,
                                           const std::string& photo_id) {
  constexpr std::string_view kMethod = "flickr.photosets.addPhoto";
  auto result = call<bool>(kMethod, {{"photoset_id", photoset_id}, {"photo_id", photo_id}}, true,
                           [&](std::string_view body) { return stat_ok(body, kMethod); });
  return done_unless(std::move(result), 3);
}

Result<void> FlickrClient::delete_photo(const std::string& photo_id) {
  constexpr std::string_view kMethod = "flickr.photos.delete";
  auto result = call<bool>(kMethod, {{"photo_id", photo_id}}, true,
                           [&](std::string_view body) { return stat_ok(body, kMethod); });
  return done_unless(std::move(result), 1);
}

}  // namespace flickrfs::api
