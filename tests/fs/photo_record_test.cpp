// The compact records of a PhotoChunk (fs/model/photo_chunk.hpp): a record read back through
// its view gives exactly what the photo had, whatever shape its strings take, and the chunk
// stores each string once.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "fs/model/media_choice.hpp"
#include "fs/model/naming.hpp"
#include "fs/model/tree.hpp"
#include "tests/fs/fake_catalog.hpp"

namespace flickrfs {
namespace {

using model::Tree;

const api::Photo* find_photo(const std::vector<api::Photo>& photos, std::string_view id) {
  for (const auto& photo : photos) {
    if (photo.id == id) return &photo;
  }
  return nullptr;
}

// Every field of every record and file against the photo it came from and its choices.
void check_records(const Tree& tree, const std::vector<api::Photo>& photos) {
  REQUIRE(tree.photo_count() == photos.size());
  for (std::uint32_t i = 0; i < tree.photo_count(); ++i) {
    const model::PhotoRecord record = tree.photo(i);
    const api::Photo* photo = find_photo(photos, record.photo.id);
    REQUIRE(photo != nullptr);
    INFO("photo " << photo->id);
    CHECK(record.photo.secret == photo->secret);
    CHECK(record.photo.date_upload == photo->date_upload);
    CHECK(record.photo.last_update == photo->last_update);
    CHECK(record.photo.count_comments == photo->count_comments);
    CHECK(record.photo.media == photo->media);
    CHECK(record.stem == model::photo_stem(photo->date_taken, photo->title, photo->id));
    CHECK(tree.photo_id(i) == photo->id);
    std::size_t k = 0;
    for (const auto& label : tree.options().sizes) {
      const auto choice = model::choose_named(*photo, label);
      if (!choice) continue;
      if (label != "best" && choice->url == record.files[0].choice.url()) continue;
      REQUIRE(k < record.files.size());
      const model::PhotoFile file = record.files[k++];
      CHECK(file.sizes_label == label);
      CHECK(file.choice.url() == choice->url);
      CHECK(file.choice.label == choice->label);
      CHECK(file.choice.ext == choice->ext);
      CHECK(file.choice.width == choice->width);
      CHECK(file.choice.height == choice->height);
      CHECK(file.choice.source == choice->source);
      CHECK(file.name() == std::string(record.stem) + "." + choice->ext);
      CHECK(file.has_name(file.name()));
      CHECK_FALSE(file.has_name(file.name() + "x"));
    }
    CHECK(k == record.files.size());
  }
}

model::CatalogInput input_of(const std::vector<api::Photo>& photos) {
  model::CatalogInput input;
  input.photos = photos;
  return input;
}

TEST_CASE("a record read back through its chunk gives what the photo had", "[model]") {
  std::vector<api::Photo> photos;
  for (int i = 0; i < 5; ++i)
    photos.push_back(test::make_photo(std::to_string(1000 + i), "photo", 1500000000 + i));
  photos.push_back(test::make_photo("2000", "no original", 1500000100, false));
  photos.push_back(test::make_photo("2001", "a png", 1500000200, true, "png"));
  photos.push_back(test::make_video("3000", {"Site MP4", "HD MP4"}));
  photos.back().count_comments = 12;
  model::TreeOptions options;
  options.sizes = {"best", "large", "thumb"};
  const auto tree = Tree::build(input_of(photos), options);
  check_records(*tree, photos);
}

TEST_CASE("strings a record cannot share are stored whole", "[model]") {
  std::vector<api::Photo> photos;
  // An id the stem spells differently, a secret no URL holds, a URL without a '/'.
  api::Photo odd = test::make_photo("12/34", "odd", 1500000000);
  odd.secret = "nowhere";
  odd.sizes.resize(1);
  odd.sizes[0].source = "file-without-slash.jpg";
  photos.push_back(odd);
  api::Photo bare = test::make_photo("5000", "", 1500000001);
  bare.secret.clear();
  photos.push_back(bare);
  const auto tree = Tree::build(input_of(photos), {});
  check_records(*tree, photos);
}

TEST_CASE("a comment count a record cannot hold is kept as the nearest it can", "[model]") {
  std::vector<api::Photo> photos{test::make_photo("1000", "many", 1500000000),
                                 test::make_photo("1001", "broken", 1500000001)};
  photos[0].count_comments = std::int64_t{5} << 32;
  photos[1].count_comments = -3;
  const auto tree = Tree::build(input_of(photos), {});
  CHECK(tree->photo(0).photo.count_comments == UINT32_MAX);
  CHECK(tree->photo(1).photo.count_comments == 0);
}

// The bytes a chunk's text should hold: the stems, the URLs' file names and the distinct
// words, and a secret only when none of the photo's URLs holds it; never an id. Counts those
// secrets in `secrets`.
std::size_t expected_text(const model::PhotoChunk& chunk, std::size_t& secrets) {
  std::size_t expected = 0;
  secrets = 0;
  for (std::size_t k = 0; k < chunk.size(); ++k) {
    const model::PhotoRecord record = chunk.record(k);
    expected += record.stem.size();
    bool secret_in_url = false;
    for (const model::PhotoFile file : record.files) {
      expected += file.choice.url_file.size();
      secret_in_url =
          secret_in_url || file.choice.url_file.find(record.photo.secret) != std::string_view::npos;
    }
    if (!secret_in_url) {
      expected += record.photo.secret.size();
      ++secrets;
    }
  }
  for (const auto& word : chunk.words)
    expected += word.size;
  return expected;
}

TEST_CASE("a chunk stores a photo's id and secret inside its stem and URLs", "[model]") {
  model::TreeOptions options;
  std::size_t want_secrets = 0;
  SECTION("best only: an original has a secret of its own, the shared one is stored") {
    want_secrets = 40;
  }
  SECTION("with --sizes medium: its URL holds the shared secret") {
    options.sizes = {"best", "medium"};
  }
  const auto tree = Tree::build(test::make_catalog(40), options);
  const model::PhotoChunk* chunk = tree->page_chunk(1);
  REQUIRE(chunk != nullptr);
  std::size_t secrets = 0;
  CHECK(chunk->text.size() == expected_text(*chunk, secrets));
  CHECK(secrets == want_secrets);
  // All 40 photos' files share one URL directory.
  CHECK(chunk->record(0).files[0].choice.url_dir.data() ==
        chunk->record(39).files[0].choice.url_dir.data());
}

}  // namespace
}  // namespace flickrfs
