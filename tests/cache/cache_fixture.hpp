#pragma once
// A user cache in a fresh temporary directory: env, MetaStore and (optionally) BlobStore
// with a FakeDownloader. reopen() closes everything and opens it again, as a new mount would.

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "cache/blob_store.hpp"
#include "cache/meta_store.hpp"
#include "tests/cache/fake_downloader.hpp"
#include "tests/support/temp_dir.hpp"

namespace flickrfs::test {

inline api::Photo sample_photo(const std::string& id, std::int64_t uploaded = 1500000000) {
  api::Photo p;
  p.id = id;
  p.owner = "12345678@N00";
  p.owner_name = "demo";
  p.secret = "a1b2c3d4e5";
  p.server = "65535";
  p.original_secret = "f00dfeed12";
  p.original_format = "jpg";
  p.title = "Sunset over the bay " + id;
  p.description = "A <b>long</b> walk";
  p.license = "4";
  p.media_status = "ready";
  p.date_taken = "2019-07-14 19:02:11";
  p.date_upload = uploaded;
  p.last_update = uploaded + 100;
  p.tags = {"sunset", "bay"};
  p.machine_tags = {"geo:lat=1.5"};
  p.views = 42;
  p.original_width = 4000;
  p.original_height = 3000;
  for (auto [label, suffix, w] :
       {std::tuple{"Small", "m", 240}, {"Large", "b", 1024}, {"Original", "o", 4000}}) {
    p.sizes.push_back(
        api::Size{label, suffix, w, w * 3 / 4,
                  "https://live.staticflickr.com/65535/" + id + "_a1b2c3d4e5_" + suffix + ".jpg",
                  api::Media::photo});
  }
  return p;
}

struct CacheFixture {
  TempDir root;
  std::shared_ptr<FakeDownloader> downloader = std::make_shared<FakeDownloader>();
  std::shared_ptr<cache::lmdb::Env> env;
  std::unique_ptr<cache::MetaStore> meta;
  std::unique_ptr<cache::BlobStore> blobs;
  cache::BlobStore::Options blob_options;

  CacheFixture() { blob_options.min_free_bytes = 0; }

  [[nodiscard]] std::string cache_dir() const { return root.path() + "/cache"; }
  [[nodiscard]] std::string user_dir() const {
    return cache::user_dir(cache_dir(), "12345678@N00");
  }
  [[nodiscard]] std::string blob_dir() const { return cache::blobs_dir(user_dir()); }

  void open_meta() {
    auto opened_env = cache::open_user_env(cache_dir(), "12345678@N00");
    REQUIRE(opened_env.ok());
    env = *opened_env;
    auto opened = cache::MetaStore::open(env);
    REQUIRE(opened.ok());
    meta = std::move(*opened);
  }
  void open_all() {
    open_meta();
    auto opened = cache::BlobStore::open(*meta, downloader, blob_dir(), blob_options);
    if (!opened) FAIL(opened.error().describe());
    blobs = std::move(*opened);
  }
  void close() {
    blobs.reset();
    meta.reset();
    env.reset();
  }
  void reopen() {
    close();
    open_all();
  }
};

}  // namespace flickrfs::test
