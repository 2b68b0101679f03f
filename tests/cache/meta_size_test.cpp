// The 2 KB per photo budget (issue 6), measured on a realistic 100,000-photo account:
// list-call photos with 12 url_* sizes, titles, descriptions and tags, the photostream order,
// 20 overlapping albums and one exact remote size per photo. Prints the measured number.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <iostream>

#include "cache/cache_dir.hpp"
#include "tests/cache/cache_fixture.hpp"

using namespace flickrfs;

namespace {

api::Photo realistic_photo(int index) {
  std::string id = std::to_string(48000000000LL + index * 7919LL);
  std::string secret = "4f" + std::to_string(10000000 + index * 13).substr(0, 8);
  api::Photo p;
  p.id = id;
  p.owner = "12345678@N00";
  p.owner_name = "demo";
  p.secret = secret;
  p.server = std::to_string(65535 - index % 40);
  p.original_secret = "9a" + secret.substr(2);
  p.original_format = "jpg";
  p.title = "IMG_" + std::to_string(index) + " at the harbour, evening light";
  p.description =
      "Walked along the pier after dinner; the fog came in around eight and the "
      "lighthouse started. Photo " +
      std::to_string(index) + ".";
  p.license = "4";
  p.media_status = "ready";
  p.date_taken = "2019-07-14 19:02:11";
  p.date_upload = 1300000000 + index * 3000;
  p.last_update = p.date_upload + 86400;
  p.tags = {"harbour", "evening", "fog", "lighthouse", "tag" + std::to_string(index % 97)};
  p.views = index % 1000;
  p.original_width = 6000;
  p.original_height = 4000;
  const char* suffixes[] = {"sq", "q", "t", "s", "n", "m", "z", "c", "l", "h", "k", "o"};
  int width = 75;
  for (const char* suffix : suffixes) {
    const std::string& sec = std::string(suffix) == "o" ? p.original_secret : p.secret;
    p.sizes.push_back(api::Size{
        suffix, suffix, width, width * 2 / 3,
        "https://live.staticflickr.com/" + p.server + "/" + id + "_" + sec + "_" + suffix + ".jpg",
        api::Media::photo});
    width = width * 3 / 2;
  }
  return p;
}

}  // namespace

TEST_CASE("metadata of 100,000 photos takes at most 2 KB per photo", "[cache][slow]") {
  constexpr int kPhotos = 100000;
  test::CacheFixture f;
  cache::lmdb::Env::Options no_fsync;  // the size does not depend on fsync; the runtime does
  no_fsync.sync_commits = false;
  REQUIRE(cache::ensure_private_dir(f.user_dir()).ok());
  f.env = cache::lmdb::Env::open(f.user_dir() + "/meta.lmdb", no_fsync).value();
  f.meta = std::move(cache::MetaStore::open(f.env).value());
  std::vector<std::string> stream;
  for (int first = 0; first < kPhotos; first += 500) {  // one upsert per API page
    std::vector<api::Photo> page;
    for (int i = first; i < first + 500; ++i) {
      page.push_back(realistic_photo(i));
      stream.push_back(page.back().id);
    }
    REQUIRE(f.meta->upsert_photos(page, cache::PhotoSource::list));
    std::vector<cache::RemoteSizeEntry> sizes;
    for (const auto& photo : page) {
      sizes.push_back({photo.id,
                       "Original",
                       photo.original_secret,
                       {std::uint64_t(3000000 + first), "\"5d41402abc4b2a76b9719d911017c592\""}});
    }
    REQUIRE(f.meta->put_remote_sizes(sizes));
  }
  REQUIRE(f.meta->replace_photostream(stream, 1));
  std::vector<api::Photoset> albums;
  for (int a = 0; a < 20; ++a) {
    albums.push_back(api::Photoset{std::to_string(72157700000000000LL + a),
                                   "Album " + std::to_string(a), "", stream[a], 0, 0, 0, 0});
    std::vector<std::string> members(stream.begin() + a * 4000, stream.begin() + a * 4000 + 8000);
    REQUIRE(f.meta->replace_album_photos(albums.back().id, members, 1));
  }
  REQUIRE(f.meta->replace_albums(albums, 1));
  auto counts = f.meta->counts().value();
  REQUIRE(counts.photos == kPhotos);
  double per_photo = static_cast<double>(counts.file_bytes) / kPhotos;
  std::cout << "meta.lmdb: " << counts.file_bytes << " bytes for " << kPhotos
            << " photos = " << per_photo << " bytes/photo (budget 2048)\n";
  CHECK(per_photo <= 2048.0);
  CHECK(per_photo > 300.0);  // sanity: the measurement sees the real records
}
