// fs/thumbnail: the freedesktop format (PNG text fields, keys, sizes), the rendition choice,
// and the Thumbnailer against a real BlobStore with an in-process downloader (no mount).
#include <catch2/catch.hpp>

// clang-format off
#include <cstdio>
#include <jpeglib.h>
// clang-format on

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <thread>

#include "fs/model/tree.hpp"
#include "fs/thumbnail/freedesktop.hpp"
#include "fs/thumbnail/image_codec.hpp"
#include "fs/thumbnail/requester.hpp"
#include "fs/thumbnail/thumbnailer.hpp"
#include "tests/cache/cache_fixture.hpp"
#include "tests/fs/fake_catalog.hpp"
#include "tests/support/eventually.hpp"

using namespace flickrfs;
using namespace flickrfs::fs::thumbnail;

namespace {

// A `width` x `height` JPEG: red on the left half, blue on the right.
std::string make_jpeg(int width, int height) {
  jpeg_compress_struct cinfo;
  jpeg_error_mgr err;
  cinfo.err = jpeg_std_error(&err);
  jpeg_create_compress(&cinfo);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = static_cast<JDIMENSION>(width);
  cinfo.image_height = static_cast<JDIMENSION>(height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 90, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  std::vector<unsigned char> row(static_cast<std::size_t>(width) * 3);
  for (int x = 0; x < width; ++x) {
    const bool left = x < width / 2;
    row[static_cast<std::size_t>(x) * 3] = left ? 220 : 10;
    row[static_cast<std::size_t>(x) * 3 + 1] = 10;
    row[static_cast<std::size_t>(x) * 3 + 2] = left ? 10 : 220;
  }
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW line = row.data();
    jpeg_write_scanlines(&cinfo, &line, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::string out(reinterpret_cast<const char*>(buffer), size);
  std::free(buffer);
  return out;
}

api::Size row(const std::string& label, const std::string& suffix, int w, int h,
              api::Media media = api::Media::photo) {
  return api::Size{label, suffix, w, h, "http://127.0.0.1/static/1_s_" + suffix + ".jpg", media};
}

// Flickr's ladder for a 4000x3000 photo, as list extras give it (smallest first).
std::vector<api::Size> ladder() {
  return {row("Square", "s", 75, 75),         row("Large Square", "q", 150, 150),
          row("Thumbnail", "t", 100, 75),     row("Small", "m", 240, 180),
          row("Small 320", "n", 320, 240),    row("Small 400", "w", 400, 300),
          row("Medium", "", 500, 375),        row("Medium 640", "z", 640, 480),
          row("Medium 800", "c", 800, 600),   row("Large", "b", 1024, 768),
          row("Large 1600", "h", 1600, 1200), row("Original", "o", 4000, 3000)};
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("file_uri escapes a path the way GLib's g_file_get_uri does", "[thumbnail]") {
  // Expected string printed by `gio info` (GLib 2.74) for the same path.
  CHECK(file_uri("/tmp/th/u/a b#!$&'()*+,;=:@[]~\xc3\xa9%?\"<>^`{|}.jpg") ==
        "file:///tmp/th/u/a%20b%23!$&'()*+,%3B=:@%5B%5D~%C3%A9%25%3F%22%3C%3E%5E%60%7B%7C%7D.jpg");
  CHECK(file_uri("/m/photostream/page-0001/x.jpg") == "file:///m/photostream/page-0001/x.jpg");
}

TEST_CASE("batch tools are told from viewers by executable name", "[thumbnail]") {
  for (const char* tool : {"ls", "cp", "rsync", "bash", "sh", "tar", "find", "flickrfs"})
    CHECK(is_batch_tool(tool));
  for (const char* viewer : {"thunar", "pcmanfm", "nautilus", "nemo", "dolphin", "eog", ""})
    CHECK_FALSE(is_batch_tool(viewer));
  CHECK_FALSE(is_batch_tool("lsx"));  // whole names only
}

TEST_CASE("program_of names the executable of a process and of each of its threads",
          "[thumbnail]") {
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").filename();
  CHECK(program_of(::getpid()) == self);
  std::string from_thread;
  std::thread([&] { from_thread = program_of(static_cast<pid_t>(::gettid())); }).join();
  CHECK(from_thread == self);
  CHECK(program_of(0).empty());  // a caller in another PID namespace
  CHECK(program_of(-1).empty());
}

TEST_CASE("thumbnail_name is the MD5 of the URI, as tumbler names it", "[thumbnail]") {
  // The name tumbler gave this file's thumbnail on a flickrfs mount.
  CHECK(thumbnail_name(file_uri("/tmp/th/mnt/photostream/page-0001/"
                                "2009-08-22_Summer valley_52000000017.jpg")) ==
        "3e2f787f7d465947100892744ac3d411.png");
}

TEST_CASE("user_thumbnail_root follows XDG_CACHE_HOME, then HOME", "[thumbnail]") {
  CHECK(user_thumbnail_root("/x/cache", "/home/u") == "/x/cache/thumbnails");
  CHECK(user_thumbnail_root(nullptr, "/home/u") == "/home/u/.cache/thumbnails");
  CHECK(user_thumbnail_root("relative", "/home/u") == "/home/u/.cache/thumbnails");
  CHECK(user_thumbnail_root(nullptr, nullptr).empty());
}

TEST_CASE("parse_flavors accepts the four sizes and rejects others", "[thumbnail]") {
  auto parsed = parse_flavors("large,normal,large");
  REQUIRE(parsed.ok());
  CHECK(*parsed == std::vector<Flavor>{Flavor::large, Flavor::normal});
  CHECK(parse_flavors("x-large,xx-large").ok());
  auto bad = parse_flavors("normal,huge");
  REQUIRE(!bad.ok());
  CHECK(bad.error().message.find("huge") != std::string::npos);
  CHECK(!parse_flavors("").ok());
}

TEST_CASE("choose_rendition takes the smallest size at least as large as the flavor",
          "[thumbnail]") {
  const auto sizes = ladder();
  CHECK(choose_rendition(sizes, Flavor::normal)->label == "Small");        // 240 >= 128
  CHECK(choose_rendition(sizes, Flavor::large)->label == "Small 320");     // 320 >= 256
  CHECK(choose_rendition(sizes, Flavor::x_large)->label == "Medium 640");  // 640 >= 512
  CHECK(choose_rendition(sizes, Flavor::xx_large)->label == "Large");      // 1024
  SECTION("never a square crop, even when it is the smallest large enough") {
    const std::vector<api::Size> squares = {row("Large Square", "q", 150, 150),
                                            row("Small", "m", 240, 180)};
    CHECK(choose_rendition(squares, Flavor::normal)->label == "Small");
  }
  SECTION("when none is large enough, the largest there is, not the original") {
    const std::vector<api::Size> small = {row("Thumbnail", "t", 100, 75),
                                          row("Small", "m", 240, 180),
                                          row("Original", "o", 4000, 3000)};
    CHECK(choose_rendition(small, Flavor::large)->label == "Small");
  }
  SECTION("the original only when nothing else is listed") {
    const std::vector<api::Size> only = {row("Square", "s", 75, 75), row("Original", "o", 90, 60)};
    CHECK(choose_rendition(only, Flavor::normal)->label == "Original");
    CHECK(choose_rendition(std::vector<api::Size>{}, Flavor::normal) == nullptr);
  }
  SECTION("a video: its poster renditions, never a stream") {
    std::vector<api::Size> video = {row("Small", "m", 240, 135), row("Small 320", "n", 320, 180),
                                    row("Site MP4", "", 640, 360, api::Media::video),
                                    row("Mobile MP4", "", 320, 180, api::Media::video)};
    const auto* chosen = choose_rendition(video, Flavor::large);
    REQUIRE(chosen != nullptr);
    CHECK(chosen->label == "Small 320");
    CHECK(chosen->media == api::Media::photo);
  }
}

TEST_CASE("a thumbnail PNG carries the freedesktop fields and keeps the aspect ratio",
          "[thumbnail]") {
  const std::string jpeg = make_jpeg(400, 300);
  const ThumbMeta meta{"file:///m/p/a%20b.jpg", 1250906405, 307200, "image/jpeg"};
  for (const auto& [flavor, w, h] :
       {std::tuple{Flavor::normal, 128, 96}, std::tuple{Flavor::large, 256, 192},
        std::tuple{Flavor::x_large, 400, 300}}) {  // never upscaled
    auto png = make_thumbnail(jpeg, flavor, meta);
    REQUIRE(png.ok());
    auto info = read_png_info(*png);
    REQUIRE(info.ok());
    CHECK(info->width == w);
    CHECK(info->height == h);
    CHECK(info->text.at("Thumb::URI") == "file:///m/p/a%20b.jpg");
    CHECK(info->text.at("Thumb::MTime") == "1250906405");
    CHECK(info->text.at("Thumb::Size") == "307200");
    CHECK(info->text.at("Thumb::Mimetype") == "image/jpeg");
  }
  SECTION("Thumb::Size is left out while the file's size is unknown") {
    auto png = make_thumbnail(jpeg, Flavor::normal, ThumbMeta{"file:///x", 1, std::nullopt, ""});
    REQUIRE(png.ok());
    CHECK(!read_png_info(*png)->text.contains("Thumb::Size"));
  }
  SECTION("the pixels are the picture's: red left, blue right") {
    auto decoded = decode_jpeg(jpeg, 128);
    REQUIRE(decoded.ok());
    CHECK(decoded->width == 200);  // libjpeg scaled 1/2 while decoding, still >= 128
    const Image small = fit_within(*decoded, 128);
    const auto px = [&](int x, int y) {
      return small.rgb.data() +
             (static_cast<std::size_t>(y) * 128 + static_cast<std::size_t>(x)) * 3;
    };
    CHECK(px(10, 40)[0] > 180);
    CHECK(px(10, 40)[2] < 60);
    CHECK(px(117, 40)[2] > 180);
    CHECK(px(117, 40)[0] < 60);
  }
}

TEST_CASE("bytes that are not a JPEG fail with a clear error", "[thumbnail]") {
  auto bad = decode_jpeg("GIF89a this is not a jpeg at all");
  REQUIRE(!bad.ok());
  CHECK(bad.error().message.find("JPEG") != std::string::npos);
  CHECK(!read_png_info("not a png").ok());
}

TEST_CASE("jobs_for_listing keys page files and album links by their own path", "[thumbnail]") {
  model::CatalogInput input = test::make_catalog(3);
  input.photos.push_back(test::make_video("2000", {"Site MP4"}));
  model::AlbumInput album;
  album.set.id = "72157700000000001";
  album.set.title = "Trip";
  album.photo_ids = {"1001"};
  input.albums.push_back(album);
  const auto tree = model::Tree::build(input, {});
  const auto page = tree->node(tree->page_ino(1));
  REQUIRE(page);
  const auto jobs = jobs_for_listing(*tree, *page, "/mnt/flickr");
  REQUIRE(jobs.size() == 4);  // three photos and the video's file; no sidecar, no .hidden
  const auto& first = jobs[0];
  const model::PhotoRecord& record = tree->photo(*tree->photo_index(first.photo_id));
  CHECK(first.uri ==
        file_uri("/mnt/flickr/photostream/page-0001/" +
                 std::string(tree->photo(*tree->photo_index(first.photo_id)).files[0].name())));
  CHECK(first.name == thumbnail_name(first.uri));
  CHECK(first.mtime == record.taken_mtime);
  CHECK(first.mimetype == "image/jpeg");
  CHECK(first.secret == record.photo.secret);
  const auto video = std::find_if(jobs.begin(), jobs.end(),
                                  [](const ThumbnailJob& j) { return j.photo_id == "2000"; });
  REQUIRE(video != jobs.end());
  CHECK(video->mimetype == "video/mp4");

  const auto album_dir = tree->node(tree->album(0).ino);
  REQUIRE(album_dir);
  const auto links = jobs_for_listing(*tree, *album_dir, "/mnt/flickr");
  REQUIRE(links.size() == 1);
  CHECK(links[0].uri.rfind("file:///mnt/flickr/sets/Trip_72157700000000001/0001_", 0) == 0);
  CHECK(links[0].mtime == tree->photo(*tree->photo_index("1001")).taken_mtime);
  CHECK(jobs_for_listing(*tree, *tree->node(model::kRootIno), "/mnt/flickr").empty());
}

TEST_CASE("the Thumbnailer writes valid thumbnails from cached-or-downloaded renditions",
          "[thumbnail]") {
  test::CacheFixture fx;
  fx.blob_options.download_jobs = 2;
  fx.open_all();
  model::CatalogInput input = test::make_catalog(3);
  std::map<std::string, std::vector<api::Size>> sizes;
  for (const auto& photo : input.photos) {
    sizes[photo.id] = photo.sizes;
    // Medium (500 px) is the smallest size >= 256 in make_photo's ladder.
    for (const auto& size : photo.sizes)
      fx.downloader->add(size.source, make_jpeg(500, 375));
  }
  const auto tree = model::Tree::build(input, {});
  const auto page = tree->node(tree->page_ino(1));
  REQUIRE(page);
  const std::string root = fx.root.path() + "/home/.cache/thumbnails";
  bool online = true;
  api::WorkQueue queue(4);
  auto make = [&] {
    return std::make_unique<Thumbnailer>(
        *fx.blobs, queue,
        [&](const std::string& id) -> Result<std::vector<api::Size>> { return sizes.at(id); },
        ThumbnailerOptions{"/mnt/flickr", root, {Flavor::normal, Flavor::large}, 2},
        [&] { return online; }, [] { return true; });
  };
  const auto jobs = jobs_for_listing(*tree, *page, "/mnt/flickr");

  auto thumbnailer = make();
  thumbnailer->note_listing(tree, *page);
  REQUIRE(thumbnailer->wait_idle(std::chrono::seconds(20)));
  auto stats = thumbnailer->stats();
  CHECK(stats.written == 3);
  CHECK(stats.downloads == 3);  // one rendition a picture for both flavors
  CHECK(fx.downloader->calls() == 3);
  for (const auto& job : jobs) {
    for (const auto& [flavor, side] : {std::pair{"normal", 128}, std::pair{"large", 256}}) {
      const std::string path = root + "/" + flavor + "/" + job.name;
      struct stat st {};
      REQUIRE(::stat(path.c_str(), &st) == 0);
      CHECK((st.st_mode & 0777) == 0600);
      auto info = read_png_info(slurp(path));
      REQUIRE(info.ok());
      CHECK(info->width == side);
      CHECK(info->text.at("Thumb::URI") == job.uri);
      CHECK(info->text.at("Thumb::MTime") == std::to_string(job.mtime));
    }
  }
  struct stat dir {};
  REQUIRE(::stat((root + "/normal").c_str(), &dir) == 0);
  CHECK((dir.st_mode & 0777) == 0700);

  SECTION("a second mount finds them valid and downloads nothing") {
    thumbnailer = make();
    thumbnailer->note_listing(tree, *page);
    REQUIRE(thumbnailer->wait_idle(std::chrono::seconds(20)));
    CHECK(thumbnailer->stats().valid == 3);
    CHECK(fx.downloader->calls() == 3);
  }
  SECTION("offline: cached renditions still serve, nothing is downloaded") {
    std::filesystem::remove_all(root);
    online = false;
    thumbnailer = make();
    thumbnailer->note_listing(tree, *page);
    REQUIRE(thumbnailer->wait_idle(std::chrono::seconds(20)));
    CHECK(thumbnailer->stats().written == 3);
    CHECK(fx.downloader->calls() == 3);
  }
  SECTION("offline with an empty cache: skipped and counted, no network") {
    std::filesystem::remove_all(root);
    REQUIRE(fx.blobs->clear().ok());
    online = false;
    thumbnailer = make();
    thumbnailer->note_listing(tree, *page);
    REQUIRE(thumbnailer->wait_idle(std::chrono::seconds(20)));
    CHECK(thumbnailer->stats().offline == 3);
    CHECK(thumbnailer->stats().written == 0);
    CHECK(fx.downloader->calls() == 3);
  }
  thumbnailer->stop();
}

TEST_CASE("listing another directory drops what was queued for the one left", "[thumbnail]") {
  test::CacheFixture fx;
  fx.open_all();
  model::CatalogInput input = test::make_catalog(4);
  for (const auto& photo : input.photos) {
    for (const auto& size : photo.sizes)
      fx.downloader->add(size.source, make_jpeg(500, 375));
  }
  model::AlbumInput album;
  album.set.id = "72157700000000001";
  album.set.title = "Trip";
  album.photo_ids = {"1000"};
  input.albums.push_back(album);
  const auto tree = model::Tree::build(input, {});
  std::atomic<bool> gate{false};     // no image token: every download waits
  std::atomic<bool> at_gate{false};  // a job is running and waits at the gate
  api::WorkQueue queue(3);
  Thumbnailer thumbnailer(
      *fx.blobs, queue,
      [&](const std::string& id) -> Result<std::vector<api::Size>> {
        return tree->photo(*tree->photo_index(id)).photo.id == id
                   ? test::make_photo(id, "t", 1).sizes
                   : std::vector<api::Size>{};
      },
      ThumbnailerOptions{"/mnt/flickr", fx.root.path() + "/thumbs", {Flavor::normal}, 1},
      [] { return true; },
      [&] {
        at_gate = true;
        return gate.load();
      });
  thumbnailer.note_listing(tree, *tree->node(tree->page_ino(1)));
  // Leaving the page below must stop a job that runs, not only drop the queued ones.
  REQUIRE(test::eventually([&] { return at_gate.load(); }, std::chrono::seconds(20)));
  CHECK(thumbnailer.stats().queued == 4);
  const model::Ino page_ino = tree->page_ino(1);
  CHECK(!thumbnailer.wait_for_dir(page_ino, std::chrono::milliseconds(100)));  // still pending
  CHECK(
      thumbnailer.wait_for_dir(tree->album(0).ino, std::chrono::milliseconds(0)));  // not worked on
  thumbnailer.note_listing(tree, *tree->node(tree->album(0).ino));  // the page is left
  gate = true;
  REQUIRE(thumbnailer.wait_idle(std::chrono::seconds(20)));
  CHECK(thumbnailer.wait_for_dir(tree->album(0).ino, std::chrono::milliseconds(0)));
  CHECK(thumbnailer.stats().written == 1);  // the album's one picture only
  CHECK(fx.downloader->calls() == 1);
}
