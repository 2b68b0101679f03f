// fs/model/media_choice.cpp: which bytes a photo directory serves.
#include <catch2/catch.hpp>

#include "fs/model/media_choice.hpp"
#include "tests/fs/fake_catalog.hpp"

using namespace flickrfs;
using namespace flickrfs::model;

TEST_CASE("the original is chosen when the caller may see it", "[model]") {
  const auto photo = test::make_photo("1", "t", 1, true, "png");
  const auto best = choose_best(photo);
  REQUIRE(best);
  CHECK(best->label == "Original");
  CHECK(best->ext == "png");
  CHECK(best->source == ChoiceSource::original);
  CHECK(best->width == 4000);
}

TEST_CASE("without an original the largest size is chosen", "[model]") {
  auto photo = test::make_photo("1", "t", 1, false);
  // Order must not matter: put the largest first.
  std::swap(photo.sizes.front(), photo.sizes.back());
  const auto best = choose_best(photo);
  REQUIRE(best);
  CHECK(best->label == "Large");
  CHECK(best->ext == "jpg");
  CHECK(best->source == ChoiceSource::largest_size);
}

TEST_CASE("a photo without any size has no file", "[model]") {
  auto photo = test::make_photo("1", "t", 1, false);
  photo.sizes.clear();
  CHECK_FALSE(choose_best(photo));
}

TEST_CASE("videos use the best stream, else the poster", "[model]") {
  const auto video = test::make_video("9", {"Video Player", "Mobile MP4", "Site MP4", "360p"});
  const auto best = choose_best(video);
  REQUIRE(best);
  CHECK(best->label == "Site MP4");
  CHECK(best->ext == "mp4");
  CHECK(best->source == ChoiceSource::video_stream);

  const auto player_only = test::make_video("9", {"Video Player"});
  const auto poster = choose_best(player_only);
  REQUIRE(poster);
  CHECK(poster->source == ChoiceSource::poster);
  CHECK(poster->ext == "jpg");
}

TEST_CASE("named sizes map --sizes labels to Flickr labels", "[model]") {
  const auto photo = test::make_photo("1", "t", 1);
  const auto large = choose_named(photo, "large");
  REQUIRE(large);
  CHECK(large->label == "Large");
  CHECK(large->source == ChoiceSource::named_size);
  CHECK(choose_named(photo, "thumb")->label == "Thumbnail");
  CHECK_FALSE(choose_named(photo, "large2048"));
}

TEST_CASE("url_* rows without a label are matched by suffix", "[model]") {
  auto photo = test::make_photo("1", "t", 1);
  for (auto& size : photo.sizes)
    size.label.clear();
  CHECK(choose_named(photo, "large")->url.ends_with("_b.jpg"));
}

TEST_CASE("the --sizes list is validated", "[model]") {
  const auto ok = parse_sizes_list("large,best,thumb,large");
  REQUIRE(ok);
  CHECK(*ok == std::vector<std::string>{"best", "large", "thumb"});
  const auto bad = parse_sizes_list("best,huge");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("huge") != std::string::npos);
}
