// Tests for cache/record_codec.hpp: round trips and hostile input.
#include "cache/record_codec.hpp"

#include <catch2/catch.hpp>

#include "tests/cache/cache_fixture.hpp"

using namespace flickrfs;

TEST_CASE("a photo record round-trips every field", "[cache]") {
  cache::PhotoRecord record{test::sample_photo("48291234567"), true, 1500000100, true};
  record.photo.geo = api::Geo{37.77, -122.42, 16, "place", "2487956"};
  record.photo.rotation = 90;
  record.photo.can_download = false;
  record.photo.is_friend = true;
  record.photo.media = api::Media::video;
  record.photo.date_taken_unknown = true;
  record.photo.date_taken_granularity = 6;
  record.photo.views = -1;  // never negative on Flickr, but the codec must not care
  auto decoded = cache::decode_photo(cache::encode_photo(record));
  REQUIRE(decoded.ok());
  const api::Photo& a = record.photo;
  const api::Photo& b = decoded->photo;
  CHECK(b.id == a.id);
  CHECK(b.title == a.title);
  CHECK(b.description == a.description);
  CHECK(b.tags == a.tags);
  CHECK(b.machine_tags == a.machine_tags);
  REQUIRE(b.geo.has_value());
  CHECK(b.geo->latitude == a.geo->latitude);
  CHECK(b.geo->woeid == "2487956");
  CHECK(b.rotation == 90);
  CHECK_FALSE(b.can_download);
  CHECK(b.is_friend);
  CHECK(b.media == api::Media::video);
  CHECK(b.date_taken_unknown);
  CHECK(b.date_taken_granularity == 6);
  CHECK(b.views == -1);
  REQUIRE(b.sizes.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(b.sizes[i].source == a.sizes[i].source);
    CHECK(b.sizes[i].label == a.sizes[i].label);
    CHECK(b.sizes[i].width == a.sizes[i].width);
  }
  CHECK(decoded->has_detail);
  CHECK(decoded->has_full_sizes);
  CHECK(decoded->detail_last_update == 1500000100);
}

TEST_CASE("every truncation of a record is rejected as corrupt", "[cache]") {
  cache::PhotoRecord record{test::sample_photo("1"), false, 0, false};
  std::string bytes = cache::encode_photo(record);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    auto decoded = cache::decode_photo(std::string_view(bytes).substr(0, n));
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error().code == Errc::corrupt);
  }
  CHECK_FALSE(cache::decode_photo(bytes + "x").ok());  // trailing bytes too
  bytes[0] = 99;                                       // an unknown format
  CHECK_FALSE(cache::decode_photo(bytes).ok());
}

TEST_CASE("id lists keep numeric and other ids exactly", "[cache]") {
  std::vector<std::string> ids = {"48291234567",
                                  "0",
                                  "007",
                                  "72157709876543210",
                                  "12345678@N00",
                                  "",
                                  "999999999999999999999999"};
  auto decoded = cache::decode_ids(cache::encode_ids(ids));
  REQUIRE(decoded.ok());
  CHECK(*decoded == ids);
}

TEST_CASE("a huge element count in a hostile record does not allocate", "[cache]") {
  cache::RecordWriter out;
  out.u8(1);
  out.varint(std::uint64_t{1} << 60);
  CHECK_FALSE(cache::decode_ids(out.take()).ok());
}
