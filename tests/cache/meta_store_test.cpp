// Tests for cache/meta_store.hpp and cache/schema.hpp.
#include "cache/meta_store.hpp"

#include <lmdb.h>

#include <catch2/catch.hpp>

#include "tests/cache/cache_fixture.hpp"

using namespace flickrfs;
using cache::PhotoSource;

namespace {

std::vector<std::string> numbered_ids(int count, int first = 1000) {
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i)
    ids.push_back(std::to_string(first + i));
  return ids;
}

api::Photoset album(const std::string& id, const std::string& title) {
  api::Photoset set;
  set.id = id;
  set.title = title;
  return set;
}

}  // namespace

TEST_CASE("photos survive a reopen with every field", "[cache]") {
  test::CacheFixture f;
  f.open_meta();
  CHECK(f.meta->open_action() == cache::SchemaOpen::Action::created);
  auto photo = test::sample_photo("48291234567");
  REQUIRE(f.meta->upsert_photos({&photo, 1}, PhotoSource::list));
  f.close();
  f.open_meta();
  CHECK(f.meta->open_action() == cache::SchemaOpen::Action::current);
  auto stored = f.meta->photo("48291234567");
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  CHECK((*stored)->photo.title == photo.title);
  CHECK((*stored)->photo.sizes.size() == 3);
  CHECK_FALSE((*stored)->has_detail);
  CHECK_FALSE(f.meta->photo("1")->has_value());
}

TEST_CASE("a list upsert keeps detail fields and a getSizes ladder", "[cache]") {
  test::CacheFixture f;
  f.open_meta();
  auto info = test::sample_photo("7");
  info.rotation = 270;
  info.can_download = false;
  REQUIRE(f.meta->upsert_photos({&info, 1}, PhotoSource::info));
  std::vector<api::Size> ladder(info.sizes);
  ladder.push_back(api::Size{"Large 2048", "k", 2048, 1536, "https://x/7_k.jpg", {}});
  REQUIRE(f.meta->put_sizes("7", info.secret, ladder));

  auto listed = test::sample_photo("7");  // a later list call: no detail, url_* extras only
  listed.title = "Retitled";
  listed.sizes.resize(1);
  REQUIRE(f.meta->upsert_photos({&listed, 1}, PhotoSource::list));
  auto stored = f.meta->photo("7")->value();
  CHECK(stored.photo.title == "Retitled");
  CHECK(stored.photo.rotation == 270);
  CHECK_FALSE(stored.photo.can_download);
  CHECK(stored.has_detail);
  CHECK(stored.has_full_sizes);
  CHECK(stored.photo.sizes.size() == 4);

  listed.secret = "newsecret00";  // replaced photo: the old ladder is stale
  REQUIRE(f.meta->upsert_photos({&listed, 1}, PhotoSource::list));
  stored = f.meta->photo("7")->value();
  CHECK(stored.photo.sizes.size() == 1);
  CHECK_FALSE(stored.has_full_sizes);
}

TEST_CASE("the photostream order is kept and each replacement bumps its generation", "[cache]") {
  test::CacheFixture f;
  f.open_meta();
  auto ids = numbered_ids(1203);
  REQUIRE(f.meta->replace_photostream(ids, 1700000000));
  CHECK(f.meta->photostream().value() == ids);
  auto state = f.meta->listing_state(cache::ListingId::photostream()).value();
  CHECK(state.generation == 1);
  CHECK(state.fetched_at == 1700000000);
  CHECK(state.count == 1203);
  REQUIRE(f.meta->replace_photostream(ids, 1700000060));
  CHECK(f.meta->listing_state(cache::ListingId::photostream())->generation == 2);
}

TEST_CASE("a shorter listing never deletes photos", "[cache]") {
  test::CacheFixture f;
  f.open_meta();
  std::vector<api::Photo> photos = {test::sample_photo("1"), test::sample_photo("2"),
                                    test::sample_photo("3")};
  REQUIRE(f.meta->upsert_photos(photos, PhotoSource::list));
  REQUIRE(f.meta->replace_photostream(std::vector<std::string>{"1", "2", "3"}, 1));
  REQUIRE(f.meta->replace_photostream(std::vector<std::string>{"1"}, 2));
  CHECK(f.meta->photo("2")->has_value());
  CHECK(f.meta->counts()->photos == 3);
}

TEST_CASE("albums keep their order and the reverse index follows changes", "[cache]") {
  test::CacheFixture f;
  f.open_meta();
  std::vector<api::Photoset> sets = {album("300", "Zebra"), album("100", "Alpha"),
                                     album("200", "Middle")};
  REQUIRE(f.meta->replace_albums(sets, 10));
  REQUIRE(f.meta->replace_album_photos("300", std::vector<std::string>{"5", "6"}, 10));
  REQUIRE(f.meta->replace_album_photos("100", std::vector<std::string>{"6", "7"}, 10));
  auto listed = f.meta->albums().value();
  REQUIRE(listed.size() == 3);
  CHECK(listed[0].id == "300");
  CHECK(listed[2].id == "200");
  auto of6 = f.meta->albums_of("6").value();
  REQUIRE(of6.size() == 2);
  CHECK(of6[0].id == "300");  // album order, not id order
  CHECK(of6[0].title == "Zebra");
  CHECK(of6[1].id == "100");

  REQUIRE(f.meta->replace_album_photos("300", std::vector<std::string>{"6", "5"}, 11));
  CHECK(f.meta->album_photos("300")->value() == std::vector<std::string>{"6", "5"});
  REQUIRE(f.meta->replace_album_photos("300", std::vector<std::string>{"5"}, 12));
  CHECK(f.meta->albums_of("6")->size() == 1);
  REQUIRE(f.meta->replace_albums(std::vector<api::Photoset>{album("200", "Middle")}, 13));
  CHECK(f.meta->albums_of("6")->empty());  // album 100 deleted on Flickr
  CHECK(f.meta->albums_of("5")->empty());
  CHECK_FALSE(f.meta->album_photos("100")->has_value());
  CHECK(f.meta->listing_state(cache::ListingId::album("300"))->generation == 3);
}

TEST_CASE("the tree revision counts writes that change what a tree is built from", "[cache]") {
  test::CacheFixture f;
  f.open_meta();
  const auto revision = [&] { return f.meta->tree_revision(); };
  const auto changes = [&](const auto& write) {
    const std::uint64_t before = revision();
    REQUIRE(write());
    return revision() - before;
  };
  auto photo = test::sample_photo("41");
  const std::vector<std::string> ids = {"41"};
  const std::vector<api::Photoset> sets = {album("300", "Zebra")};
  // First writes change the tree, and so does a listing listed for the first time.
  CHECK(changes([&] { return f.meta->upsert_photos({&photo, 1}, PhotoSource::list); }) == 1);
  CHECK(changes([&] { return f.meta->replace_photostream(ids, 10); }) == 1);
  CHECK(changes([&] { return f.meta->replace_albums(sets, 10); }) == 1);
  CHECK(changes([&] { return f.meta->replace_album_photos("300", ids, 10); }) == 1);
  CHECK(changes([&] { return f.meta->put_state("favorites", "41"); }) == 1);
  // The same values again: nothing to rebuild, although each listing's generation moves on.
  CHECK(changes([&] { return f.meta->upsert_photos({&photo, 1}, PhotoSource::list); }) == 0);
  CHECK(changes([&] { return f.meta->replace_photostream(ids, 20); }) == 0);
  CHECK(changes([&] { return f.meta->replace_albums(sets, 20); }) == 0);
  CHECK(changes([&] { return f.meta->replace_album_photos("300", ids, 20); }) == 0);
  CHECK(changes([&] { return f.meta->put_state("favorites", "41"); }) == 0);
  CHECK(f.meta->listing_state(cache::ListingId::photostream())->generation == 2);
  // What a tree does not show: comments, remote sizes.
  CHECK(changes([&] { return f.meta->put_comments_as_of("41", {}, 5); }) == 0);
  CHECK(changes([&] {
          return f.meta->put_remote_size("41", "Original", photo.secret, {1234, "etag"});
        }) == 0);
  // Any change does.
  photo.title = "Renamed";
  CHECK(changes([&] { return f.meta->upsert_photos({&photo, 1}, PhotoSource::list); }) == 1);
  CHECK(changes([&] {
          return f.meta->replace_albums(std::vector<api::Photoset>{album("300", "Zoo")}, 30);
        }) == 1);
  CHECK(changes([&] { return f.meta->replace_albums(std::vector<api::Photoset>{}, 30); }) == 1);
  CHECK(changes([&] { return f.meta->put_state("favorites", ""); }) == 1);
  CHECK(changes([&] { return f.meta->clear_metadata(); }) == 1);
}

TEST_CASE("remote sizes and comments are kept", "[cache]") {
  test::CacheFixture f;
  f.open_meta();
  REQUIRE(f.meta->put_remote_size("7", "Original", "sec", {123456789012, "\"abc\""}));
  auto size = f.meta->remote_size("7", "Original", "sec").value();
  REQUIRE(size.has_value());
  CHECK(size->bytes == 123456789012);
  CHECK(size->etag == "\"abc\"");
  CHECK_FALSE(f.meta->remote_size("7", "Original", "other")->has_value());
  std::vector<api::Comment> comments = {{"c1", "1@N00", "Ann", 1600000000, "url", "Nice! 🌅"}};
  REQUIRE(f.meta->put_comments("7", comments));
  CHECK(f.meta->comments("7")->value()[0].text == "Nice! 🌅");
}

TEST_CASE("pins resolve to album and page photo ids", "[cache]") {
  test::CacheFixture f;
  f.open_meta();
  REQUIRE(f.meta->replace_photostream(numbered_ids(1200), 1));
  REQUIRE(f.meta->replace_album_photos("55", std::vector<std::string>{"x1", "x2"}, 1));
  cache::Pin page{cache::Pin::Kind::page, "", 2, 0};
  cache::Pin set{cache::Pin::Kind::album, "55", 0, 0};
  REQUIRE(f.meta->add_pin(page));
  REQUIRE(f.meta->add_pin(set));
  auto ids = f.meta->pinned_photo_ids().value();
  CHECK(ids.size() == 502);
  CHECK(std::binary_search(ids.begin(), ids.end(), "1500"));
  CHECK_FALSE(std::binary_search(ids.begin(), ids.end(), "1499"));
  CHECK(std::binary_search(ids.begin(), ids.end(), "x2"));
  CHECK(f.meta->remove_pin(page).value());
  CHECK_FALSE(f.meta->remove_pin(page).value());
  CHECK(f.meta->pinned_photo_ids()->size() == 2);
}

TEST_CASE("a version 1 cache is migrated, keeping its data", "[cache]") {
  test::CacheFixture f;
  f.open_meta();
  auto photo = test::sample_photo("6");
  REQUIRE(f.meta->upsert_photos({&photo, 1}, PhotoSource::list));
  REQUIRE(f.meta->replace_albums(std::vector<api::Photoset>{album("100", "A")}, 1));
  REQUIRE(f.meta->replace_album_photos("100", std::vector<std::string>{"6"}, 1));
  // Make it look like version 1: no reverse index yet.
  auto dbs = f.meta->databases();
  REQUIRE(f.env->update([&](cache::lmdb::WriteTxn& txn) { return txn.clear(dbs.albums_of); }));
  REQUIRE(cache::write_schema_version(*f.env, 1));
  f.close();
  f.open_meta();
  CHECK(f.meta->open_action() == cache::SchemaOpen::Action::migrated);
  CHECK(f.meta->counts()->schema_version == cache::kSchemaVersion);
  CHECK(f.meta->photo("6")->has_value());
  REQUIRE(f.meta->albums_of("6")->size() == 1);
}

TEST_CASE("a version 2 cache loses its inode table and keeps everything else", "[cache]") {
  test::CacheFixture f;
  f.open_all();
  auto photo = test::sample_photo("6");
  REQUIRE(f.meta->upsert_photos({&photo, 1}, PhotoSource::list));
  const std::string bytes = test::make_content(5000, 6);
  f.downloader->add("http://x/6", bytes);
  const cache::BlobKey blob{"6", "s", "Original"};
  REQUIRE(f.blobs->fetch(blob, cache::BlobSource{"http://x/6", std::nullopt}).ok());
  // What version 2 had: an "inodes" database and a "next_inode" counter.
  auto inodes = f.env->open_db("inodes").value();
  auto dbs = f.meta->databases();
  REQUIRE(f.env->update([&](cache::lmdb::WriteTxn& txn) -> flickrfs::Result<void> {
    FLICKRFS_CHECK(txn.put(inodes, "d:sets", "\x02"));
    return txn.put(dbs.schema, "next_inode", "3");
  }));
  REQUIRE(cache::write_schema_version(*f.env, 2));
  f.close();
  f.open_all();
  CHECK(f.meta->open_action() == cache::SchemaOpen::Action::migrated);
  CHECK(f.meta->counts()->schema_version == 3);
  CHECK(f.meta->photo("6")->has_value());
  // The blob's record and file survive, byte for byte.
  auto reader = f.blobs->open_cached(blob).value();
  REQUIRE(reader.has_value());
  std::string read_back(bytes.size() + 1, '\0');
  REQUIRE(*reader->read(0, read_back) == bytes.size());
  read_back.resize(bytes.size());
  CHECK(read_back == bytes);
  reader.reset();
  auto txn = f.env->read().value();
  MDB_dbi probe = 0;
  CHECK(mdb_dbi_open(txn.handle(), "inodes", 0, &probe) == MDB_NOTFOUND);
  CHECK_FALSE(txn.get(f.meta->databases().schema, "next_inode").value().has_value());
}

TEST_CASE("an unknown schema version is rebuilt, never misread", "[cache]") {
  auto version = GENERATE(as<std::uint32_t>{}, 0u, 99u);
  test::CacheFixture f;
  f.open_meta();
  auto photo = test::sample_photo("6");
  REQUIRE(f.meta->upsert_photos({&photo, 1}, PhotoSource::list));
  REQUIRE(cache::write_schema_version(*f.env, version));
  f.close();
  f.open_meta();
  CHECK(f.meta->open_action() == cache::SchemaOpen::Action::rebuilt);
  CHECK_FALSE(f.meta->photo("6")->has_value());
  CHECK(f.meta->counts()->schema_version == cache::kSchemaVersion);
}
