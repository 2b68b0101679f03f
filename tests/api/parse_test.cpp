// api/parse: every quirk of flickr-api.md on hand-written bodies (tests/api/fixtures/):
// string-or-number scalars, _content wrappers, missing containers, stat:fail with HTTP 200,
// url_* suffix traps, videos, photos without originals, unicode and escaped slashes.
#include <catch2/catch.hpp>

#include "api/parse/envelope.hpp"
#include "api/parse/people.hpp"
#include "api/parse/photo_detail.hpp"
#include "api/parse/photos.hpp"
#include "api/parse/photosets.hpp"
#include "tests/api/canned_server.hpp"

using namespace flickrfs;
using namespace flickrfs::api;
using flickrfs::test::fixture;

TEST_CASE("photo page: mixed scalar types, every extra, suffix traps", "[parse]") {
  auto page = parse::photo_page(fixture("people_getPhotos_quirks.json"), "flickr.people.getPhotos");
  REQUIRE(page.ok());
  CHECK(page->page == 1);
  CHECK(page->pages == 2);
  CHECK(page->per_page == 500);
  CHECK(page->total == 3);
  REQUIRE(page->photos.size() == 3);

  const Photo& first = page->photos[0];
  CHECK(first.id == "54216619200");
  CHECK(first.owner == "12345678@N00");
  CHECK(first.title == "Sunset over the bay");
  CHECK(first.description == "Line one\nwith <b>html</b>");
  CHECK(first.license == "4");
  CHECK(first.is_public);
  CHECK_FALSE(first.is_family);
  CHECK(first.date_upload == 1563100000);
  CHECK(first.last_update == 1563200000);
  CHECK(first.date_taken == "2019-07-14 20:15:00");
  CHECK_FALSE(first.date_taken_unknown);
  CHECK(first.views == 12);
  CHECK(first.count_comments == 2);
  CHECK(first.count_faves == 1);
  CHECK(first.original_width == 4032);
  CHECK(first.original_height == 3024);
  CHECK(first.original_secret == "0a1b2c3d4e");
  CHECK(first.original_format == "jpg");
  CHECK(first.path_alias.empty());  // "pathalias": null
  CHECK(first.tags == std::vector<std::string>{"sunset", "bay", "sea"});
  CHECK(first.machine_tags == std::vector<std::string>{"geo:lat=37", "camera:make=canon"});
  REQUIRE(first.geo.has_value());
  CHECK(first.geo->latitude == Approx(37.80775));
  CHECK(first.geo->longitude == Approx(-122.41));
  CHECK(first.geo->accuracy == 16);
  CHECK(first.geo->woeid == "2487956");

  REQUIRE(first.sizes.size() == 6);
  const auto& sizes = first.sizes;
  CHECK(sizes[0].label == "Square");
  CHECK(sizes[0].suffix == "s");
  CHECK(sizes[0].width == 75);
  CHECK(sizes[1].label == "Small");  // url_s -> _m
  CHECK(sizes[1].suffix == "m");
  CHECK(sizes[1].height == 180);
  CHECK(sizes[2].label == "Medium");  // url_m -> no suffix
  CHECK(sizes[2].suffix.empty());
  CHECK(sizes[2].source == "https://live.staticflickr.com/65535/54216619200_a7fcf8c2b4.jpg");
  CHECK(sizes[3].label == "Large");  // url_l -> _b
  CHECK(sizes[3].suffix == "b");
  CHECK(sizes[4].suffix == "k");
  CHECK(sizes[5].label == "Original");
  CHECK(sizes[5].width == 4032);

  const Photo& second = page->photos[1];
  CHECK(second.id == "54216619201");  // a number in JSON, exact digits kept
  CHECK(second.title == "Janko Marohni\xc4\x87 \xf0\x9f\x93\xb7 \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d");
  CHECK(second.media == Media::video);
  CHECK_FALSE(second.is_public);
  CHECK(second.is_friend);
  CHECK(second.date_upload == 2013);
  CHECK(second.date_taken_granularity == 6);
  CHECK(second.date_taken_unknown);
  CHECK_FALSE(second.geo.has_value());  // 0,0 means no location
  CHECK(second.original_secret.empty());
  CHECK(second.path_alias == "demo-alias");
  CHECK(second.tags.empty());
  REQUIRE(second.sizes.size() == 2);
  CHECK(second.sizes[0].label == "Thumbnail");
  CHECK(second.sizes[1].width == 640);

  const Photo& third = page->photos[2];
  CHECK(third.title.empty());
  CHECK(third.description.empty());
  REQUIRE(third.sizes.size() == 1);  // url_c "" is skipped
  CHECK(third.sizes[0].label == "Large Square");
}

TEST_CASE("photo page: missing photo array is an empty page", "[parse]") {
  auto page = parse::photo_page(fixture("photos_empty_no_array.json"), "flickr.people.getPhotos");
  REQUIRE(page.ok());
  CHECK(page->photos.empty());
  CHECK(page->total == 0);
  CHECK(page->pages == 0);
  auto no_list = parse::photo_page(R"({"stat":"ok"})", "flickr.people.getPhotos");
  REQUIRE_FALSE(no_list.ok());
  CHECK(no_list.error().code == Errc::bad_response);
}

TEST_CASE("favorites page: other owners, date_faved as string or number", "[parse]") {
  // favorites.getList's shape (flickr-api.md section 5): a standard list whose items add
  // date_faved; scalar types vary between recordings (section 1).
  auto page = parse::photo_page(
      R"({"photos":{"page":1,"pages":"1","perpage":100,"total":"2","photo":[
          {"id":"5","owner":"27182818@N03","secret":"a","server":"1","farm":1,"title":"x",
           "ispublic":1,"isfriend":0,"isfamily":0,"ownername":"golden\u00e9","pathalias":null,
           "dateupload":"1300000000","date_faved":"1746000000"},
          {"id":"6","owner":"31415926@N07","secret":"b","server":"1","farm":1,"title":"y",
           "ispublic":1,"isfriend":0,"isfamily":0,"date_faved":1745000000}]},"stat":"ok"})",
      "flickr.favorites.getList");
  REQUIRE(page.ok());
  REQUIRE(page->photos.size() == 2);
  CHECK(page->total == 2);
  CHECK(page->photos[0].owner == "27182818@N03");
  CHECK(page->photos[0].owner_name == "golden\xC3\xA9");
  CHECK(page->photos[0].path_alias.empty());
  CHECK(page->photos[0].date_faved == 1746000000);
  CHECK(page->photos[1].date_faved == 1745000000);
  CHECK(page->photos[1].owner == "31415926@N07");
  // Code 1 is "user not found" here (not "required arguments missing").
  auto fail = parse::photo_page(R"({"stat":"fail","code":1,"message":"User not found"})",
                                "flickr.favorites.getList");
  REQUIRE_FALSE(fail.ok());
  CHECK(fail.error().code == Errc::not_found);
}

TEST_CASE("photoset page: owner from the set, isprimary ignored", "[parse]") {
  auto page = parse::photo_page(fixture("photosets_getPhotos.json"), "flickr.photosets.getPhotos");
  REQUIRE(page.ok());
  REQUIRE(page->photos.size() == 2);
  CHECK(page->total == 2);
  CHECK(page->per_page == 500);
  CHECK(page->photos[0].owner == "12345678@N00");
  CHECK(page->photos[1].owner_name == "demo");
}

TEST_CASE("getSizes: photo ladder with mixed types and suffix from the URL", "[parse]") {
  auto sizes = parse::photo_sizes(fixture("getSizes_photo.json"));
  REQUIRE(sizes.ok());
  REQUIRE(sizes->size() == 6);
  CHECK((*sizes)[0].suffix == "s");
  CHECK((*sizes)[1].suffix == "m");
  CHECK((*sizes)[1].width == 240);
  CHECK((*sizes)[2].suffix.empty());
  CHECK((*sizes)[3].suffix == "b");
  CHECK((*sizes)[4].suffix == "3k");
  CHECK((*sizes)[5].label == "Original");
  CHECK((*sizes)[5].suffix == "o");
  CHECK((*sizes)[5].source.ends_with("_o.png"));
  CHECK((*sizes)[5].height == 3024);
}

TEST_CASE("getSizes: video rows with empty or null dimensions come after the photos", "[parse]") {
  auto sizes = parse::photo_sizes(fixture("getSizes_video.json"));
  REQUIRE(sizes.ok());
  REQUIRE(sizes->size() == 4);
  CHECK((*sizes)[0].label == "Square");
  CHECK((*sizes)[1].label == "Original");
  CHECK((*sizes)[2].label == "Video Player");
  CHECK((*sizes)[2].media == Media::video);
  CHECK((*sizes)[2].width == 0);
  CHECK((*sizes)[3].label == "360p");
  CHECK((*sizes)[3].width == 0);
  CHECK((*sizes)[3].height == 360);
  CHECK((*sizes)[3].suffix.empty());
}

TEST_CASE("getInfo: _content wrappers, dates, tags, location, usage", "[parse]") {
  auto photo = parse::photo_info(fixture("getInfo_full.json"));
  REQUIRE(photo.ok());
  CHECK(photo->id == "54216619200");
  CHECK(photo->title ==
        "Sunset \xc3\xbc"
        "ber der Bucht");
  CHECK(photo->description == "A <i>warm</i> evening");
  CHECK(photo->owner == "12345678@N00");
  CHECK(photo->owner_name == "demo");
  CHECK(photo->path_alias == "demo-alias");
  CHECK(photo->rotation == 90);
  CHECK(photo->views == 1234);
  CHECK(photo->date_upload == 1563100000);  // dates.posted, read after dateuploaded
  CHECK(photo->date_taken_granularity == 4);
  CHECK(photo->date_taken_unknown);
  CHECK(photo->last_update == 1563200000);
  CHECK_FALSE(photo->is_public);
  CHECK(photo->is_friend);
  CHECK_FALSE(photo->can_download);
  CHECK(photo->original_secret.empty());
  CHECK(photo->count_comments == 3);
  CHECK(photo->tags == std::vector<std::string>{"sunset"});
  CHECK(photo->machine_tags == std::vector<std::string>{"geo:lat=37"});
  REQUIRE(photo->geo.has_value());
  CHECK(photo->geo->latitude == Approx(37.80775));
  CHECK(photo->geo->place_id == "abc");
}

TEST_CASE("getInfo: video with originalformat and ready state", "[parse]") {
  auto photo = parse::photo_info(fixture("getInfo_video.json"));
  REQUIRE(photo.ok());
  CHECK(photo->media == Media::video);
  CHECK(photo->media_status == "ready");
  CHECK(photo->original_format == "mov");
  CHECK(photo->can_download);
  CHECK(photo->count_comments == 0);
  CHECK(photo->tags.empty());
  CHECK_FALSE(photo->geo.has_value());
}

TEST_CASE("comments, exif, and their empty forms", "[parse]") {
  auto comments = parse::photo_comments(fixture("comments.json"));
  REQUIRE(comments.ok());
  REQUIRE(comments->size() == 2);
  CHECK((*comments)[0].authorname == "Zo\xc3\xab");
  CHECK((*comments)[0].date_create == 1563300000);
  CHECK((*comments)[0].text == "Lovely <a href=\"x\">light</a>");
  CHECK((*comments)[1].date_create == 1563300100);
  auto none = parse::photo_comments(fixture("comments_none.json"));
  REQUIRE(none.ok());
  CHECK(none->empty());

  auto exif = parse::photo_exif(fixture("exif.json"));
  REQUIRE(exif.ok());
  CHECK(exif->photo_id == "54216619200");
  CHECK(exif->camera == "Canon EOS 5D");
  REQUIRE(exif->tags.size() == 2);
  CHECK(exif->tags[0].tagspace == "IFD0");
  CHECK(exif->tags[0].raw == "Canon");
  CHECK(exif->tags[0].clean.empty());
  CHECK(exif->tags[1].label == "Exposure");
  CHECK(exif->tags[1].clean == "0.004 sec (1/250)");
  CHECK_FALSE(parse::photo_exif(R"({"stat":"ok"})").ok());
}

TEST_CASE("photosets.getList and collections.getTree", "[parse]") {
  auto sets = parse::photoset_list(fixture("photosets_getList.json"));
  REQUIRE(sets.ok());
  REQUIRE(sets->photosets.size() == 3);
  CHECK(sets->pages == 1);
  CHECK(sets->photosets[0].title == "Summer 2019");
  CHECK(sets->photosets[0].photos == 2);
  CHECK(sets->photosets[0].date_update == 1563200000);
  CHECK(sets->photosets[1].title == "Summer 2019");  // duplicate titles are kept
  CHECK(sets->photosets[1].photos == 0);
  CHECK(sets->photosets[2].title == "\xc3\x89t\xc3\xa9 / 2020");
  CHECK(sets->photosets[2].videos == 1);

  auto tree = parse::collection_tree(fixture("collections_getTree.json"));
  REQUIRE(tree.ok());
  REQUIRE(tree->size() == 1);
  CHECK((*tree)[0].title == "Travel");
  REQUIRE((*tree)[0].children.size() == 1);
  CHECK((*tree)[0].children[0].sets.at(0).id == "72157709876543210");
  CHECK((*tree)[0].sets.at(0).title == "\xc3\x89t\xc3\xa9");
  auto empty = parse::collection_tree(R"({"collections":{},"stat":"ok"})");
  REQUIRE(empty.ok());
  CHECK(empty->empty());
}

TEST_CASE("people.getInfo, findByUsername, test.login (also as JSONP), checkToken", "[parse]") {
  auto person = parse::person_info(fixture("people_getInfo.json"));
  REQUIRE(person.ok());
  CHECK(person->nsid == "12345678@N00");
  CHECK(person->username == "demo");
  CHECK(person->realname == "Demo User");
  CHECK(person->is_pro);
  CHECK(person->photo_count == 2000);
  CHECK(person->path_alias.empty());

  auto found =
      parse::user_ref(fixture("people_findByUsername.json"), "flickr.people.findByUsername");
  REQUIRE(found.ok());
  CHECK(found->nsid == "12345678@N00");
  auto login = parse::user_ref(fixture("test_login.json"), "flickr.test.login");
  REQUIRE(login.ok());
  CHECK(login->username == "demo");
  auto jsonp = parse::user_ref(fixture("test_login_jsonp.txt"), "flickr.test.login");
  REQUIRE(jsonp.ok());
  CHECK(jsonp->nsid == "12345678@N00");

  auto token = parse::token_info(fixture("checkToken.json"));
  REQUIRE(token.ok());
  CHECK(token->perms == "read");
  CHECK(token->user.nsid == "12345678@N00");
  CHECK(token->user.realname == "Demo User");
}

TEST_CASE("stat:fail maps per method and keeps the Flickr code", "[parse]") {
  auto not_found = parse::photo_info(fixture("fail_code1.json"));
  REQUIRE_FALSE(not_found.ok());
  CHECK(not_found.error().code == Errc::not_found);
  CHECK(not_found.error().has_flickr_code);
  CHECK(not_found.error().flickr_code == 1);
  CHECK(not_found.error().message.find("Photo \"1\" not found") != std::string::npos);

  const auto code_of = [](std::string_view method, int code) {
    return parse::flickr_error(method, code, "x").code;
  };
  CHECK(code_of("flickr.people.getPhotos", 1) == Errc::invalid_argument);
  CHECK(code_of("flickr.photos.getSizes", 2) == Errc::permission);
  CHECK(code_of("flickr.photos.getExif", 2) == Errc::permission);
  CHECK(code_of("flickr.people.getPhotos", 2) == Errc::not_found);
  CHECK(code_of("flickr.photosets.getPhotos", 1) == Errc::not_found);
  CHECK(code_of("flickr.people.getInfo", 5) == Errc::not_found);
  for (int code : {96, 97, 98, 99})
    CHECK(code_of("flickr.test.login", code) == Errc::auth);
  CHECK(code_of("flickr.test.login", 100) == Errc::config);
  for (int code : {0, 105, 106, 201})
    CHECK(code_of("flickr.test.login", code) == Errc::unavailable);
  CHECK(code_of("flickr.test.login", 112) == Errc::invalid_argument);
  CHECK(parse::flickr_error("m", 7, "Sorry, the Flickr API service is not currently available.")
            .code == Errc::unavailable);

  auto unknown_method = parse::check_envelope(fixture("fail_code112.txt"), "flickr.nonExisting");
  REQUIRE_FALSE(unknown_method.ok());
  CHECK(unknown_method.error().code == Errc::invalid_argument);
  CHECK(unknown_method.error().flickr_code == 112);

  auto trailing = parse::check_envelope(fixture("fail_201_trailing_comma.txt"), "m");
  REQUIRE_FALSE(trailing.ok());
  CHECK(trailing.error().code == Errc::unavailable);
  CHECK(trailing.error().flickr_code == 201);

  auto zero = parse::check_envelope(fixture("fail_code0_message.json"), "m");
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error().code == Errc::unavailable);
  CHECK(zero.error().has_flickr_code);
  CHECK(zero.error().flickr_code == 0);
}

TEST_CASE("HTML, truncated and invalid bodies are bad_response, never a crash", "[parse]") {
  const std::string full = fixture("people_getPhotos_quirks.json");
  for (const std::string& body :
       {fixture("http_429.html"), full.substr(0, full.size() / 2), std::string("{\"stat\":"),
        std::string("{\"photos\":[1,2,}, \"stat\":\"ok\"}"), std::string(), std::string("null"),
        std::string("{\"stat\":\"ok\"")}) {
    auto page = parse::photo_page(body, "flickr.people.getPhotos");
    REQUIRE_FALSE(page.ok());
    CHECK(page.error().code == Errc::bad_response);
  }
}

TEST_CASE("size label and suffix tables agree", "[parse]") {
  CHECK(parse::label_for_suffix("b") == "Large");
  CHECK(parse::suffix_for_label("Large") == "b");
  CHECK(parse::suffix_for_label("Small") == "m");
  CHECK(parse::suffix_for_label("Medium").empty());
  CHECK(parse::label_for_suffix("zz").empty());
  for (const auto& extra : parse::size_extras()) {
    CHECK(parse::suffix_for_label(extra.label) == extra.file_suffix);
  }
}
