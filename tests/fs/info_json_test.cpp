// fs/model/info_json.cpp: deterministic info.json, parsed back with simdjson.
#include <simdjson.h>
#include <catch2/catch.hpp>

#include "fs/model/info_json.hpp"
#include "fs/model/media_choice.hpp"
#include "tests/fs/fake_catalog.hpp"

using namespace flickrfs;
using namespace flickrfs::model;

namespace {

std::string render(const api::Photo& photo, std::vector<api::PhotosetRef> sets,
                   std::vector<api::Comment> comments, std::optional<std::uint64_t> bytes) {
  const auto image = choose_best(photo);
  return render_info_json({photo, sets, comments, image, bytes});
}

}  // namespace

TEST_CASE("info.json carries the fields of DESIGN section 3", "[model]") {
  auto photo = test::make_photo("48291234567", "Sunset \"over\" the bay\n", 1563127800);
  photo.description = "<b>hi</b>";
  photo.tags = {"sea", "sunset"};
  photo.machine_tags = {"geo:lat=1"};
  photo.geo = api::Geo{37.5, -122.25, 16, "abc", "123"};
  photo.views = 7;
  photo.count_comments = 1;
  api::Comment comment{"c1", "999@N01", "bob", 1563127900, "", "nice \x01 shot"};
  const std::string text = render(photo, {{"721", "Summer"}}, {comment}, 123456);

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(text).get(doc) == simdjson::SUCCESS);
  CHECK(std::string_view(doc["id"]) == "48291234567");
  CHECK(std::string_view(doc["title"]) == "Sunset \"over\" the bay\n");
  CHECK(std::string_view(doc["tags"].at(1)) == "sunset");
  CHECK(std::string_view(doc["machine_tags"].at(0)) == "geo:lat=1");
  CHECK(std::string_view(doc["dates"]["taken"]) == "2019-07-14 18:03:00");
  CHECK(std::string_view(doc["dates"]["posted"]) == "2019-07-14T18:10:00Z");
  CHECK(std::string_view(doc["dates"]["last_update"]) == "2019-07-14T18:11:40Z");
  CHECK(bool(doc["dates"]["taken_unknown"]) == false);
  CHECK(std::string_view(doc["owner"]["nsid"]) == "12345678@N00");
  CHECK(std::string_view(doc["license"]) == "4");
  CHECK(double(doc["geo"]["latitude"]) == Approx(37.5));
  CHECK(std::string_view(doc["image"]["label"]) == "Original");
  CHECK(int64_t(doc["image"]["bytes"]) == 123456);
  CHECK(int64_t(doc["image"]["width"]) == 4000);
  CHECK(std::string_view(doc["image"]["source"]) == "original");
  CHECK(std::string_view(doc["sets"].at(0)["title"]) == "Summer");
  CHECK(int64_t(doc["views"]) == 7);
  CHECK(std::string_view(doc["photopage"]) ==
        "https://www.flickr.com/photos/12345678@N00/48291234567/");
  CHECK(std::string_view(doc["short_url"]).starts_with("https://flic.kr/p/"));
  CHECK(std::string_view(doc["comments"].at(0)["text"]) == "nice \x01 shot");
  CHECK(std::string_view(doc["comments"].at(0)["date"]) == "2019-07-14T18:11:40Z");
}

TEST_CASE("info.json is deterministic and pretty", "[model]") {
  const auto photo = test::make_photo("1", "a", 1);
  const std::string once = render(photo, {}, {}, 10);
  CHECK(once == render(photo, {}, {}, 10));
  CHECK(once.starts_with("{\n  \"id\": \"1\",\n"));
  CHECK(once.ends_with("}\n"));
  CHECK(once.find("\"geo\": null") != std::string::npos);
  CHECK(once.find("\"sets\": []") != std::string::npos);
}

TEST_CASE("info.json stays valid UTF-8 for invalid input and unknown sizes", "[model]") {
  auto photo = test::make_photo("1", "bad \xff\xfe bytes \xe2\x82", 1);
  photo.geo = api::Geo{};
  const std::string text = render(photo, {}, {}, std::nullopt);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(text).get(doc) == simdjson::SUCCESS);
  CHECK(doc["image"]["bytes"].is_null());
  CHECK(std::string_view(doc["title"]).find("\xEF\xBF\xBD") != std::string_view::npos);
}

TEST_CASE("short URLs use Flickr's base58 alphabet", "[model]") {
  CHECK(short_url("0") == "https://flic.kr/p/1");
  CHECK(short_url("57") == "https://flic.kr/p/Z");
  CHECK(short_url("58") == "https://flic.kr/p/21");
  CHECK(short_url("3364") == "https://flic.kr/p/211");  // 58 * 58
  CHECK(short_url("abc").empty());
}
