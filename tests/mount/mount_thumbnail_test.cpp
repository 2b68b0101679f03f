// Desktop thumbnails on a real mount (issue 19): listing a page writes a valid freedesktop
// thumbnail of each picture into the mounting user's $XDG_CACHE_HOME from Flickr's small
// renditions, without downloading one original; `flickrfs status` counts them;
// --no-thumbnails writes none. (tests/desktop runs Thunar and PCManFM against the same.)
#include <simdjson.h>
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "fs/thumbnail/freedesktop.hpp"
#include "fs/thumbnail/image_codec.hpp"
#include "tests/mount/mount_support.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace flickrfs;
using namespace flickrfs::test;
namespace th = flickrfs::fs::thumbnail;

namespace {

std::vector<std::string> pictures(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string ext = entry.path().extension();
    if (ext == ".jpg" || ext == ".png" || ext == ".gif" || ext == ".mp4") {
      out.push_back(entry.path());
    }
  }
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::uint64_t original_bytes(const EmulatorProcess& emulator) {
  simdjson::dom::parser parser;
  const std::string stats = emulator.get("/_emulator/stats");
  simdjson::dom::object by_label = parser.parse(stats)["image_bytes_by_label"];
  std::uint64_t total = 0;
  for (auto [label, bytes] : by_label) {
    const std::string_view name = label;
    if (name == "Original" || name.starts_with("Large") || name.ends_with("p")) {
      total += std::uint64_t(bytes);
    }
  }
  return total;
}

}  // namespace

TEST_CASE("listing a page writes a valid thumbnail of each picture, from renditions only",
          "[mount][thumbnails]") {
  EmulatorProcess emulator({40, 1, 7, {"--image-kb", "300"}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  FlickrfsMount mount(emulator.url(), work);
  const std::string page = mount.root() + "/photostream/page-0001";
  struct stat st {};
  REQUIRE(::stat(page.c_str(), &st) == 0);  // the listing is there
  emulator.post("/_emulator/reset-stats", "");
  const auto files = pictures(page);  // readdir: the thumbnailer starts
  REQUIRE(files.size() == 40);
  (void)slurp(page + "/.hidden");  // what a file manager reads next: waits for them
  const std::string root = work.dir + "/xdg-cache/thumbnails";
  for (const auto& file : files) {
    REQUIRE(::stat(file.c_str(), &st) == 0);
    const std::string uri = th::file_uri(file);
    for (const char* flavor : {"normal", "large"}) {
      const std::string path = root + "/" + flavor + "/" + th::thumbnail_name(uri);
      INFO(file << " " << path);
      auto info = th::read_png_info(slurp(path));
      REQUIRE(info.ok());
      CHECK(info->text["Thumb::URI"] == uri);
      CHECK(info->text["Thumb::MTime"] == std::to_string(st.st_mtime));
      CHECK(std::max(info->width, info->height) <= (flavor == std::string("normal") ? 128 : 256));
    }
  }
  CHECK(original_bytes(emulator) == 0);
  // The daemon rewrites its status file every 2 s.
  std::string status;
  for (int i = 0; i < 50 && status.find("thumbnails:  40 written") == std::string::npos; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    status = run_command({build_binary("flickrfs"), "status", mount.root()},
                         mount_env(emulator.url(), work), 30)
                 .output;
  }
  INFO(status);
  CHECK(status.find("thumbnails:  40 written") != std::string::npos);

  SECTION("an album's links get their own thumbnails, with the picture's mtime") {
    std::string album;
    for (const auto& entry : std::filesystem::directory_iterator(mount.root() + "/sets")) {
      album = entry.path();
    }
    REQUIRE(!album.empty());
    const auto links = pictures(album);
    (void)slurp(album + "/.hidden");
    for (const auto& link : links) {
      struct stat own {};
      REQUIRE(::lstat(link.c_str(), &own) == 0);
      REQUIRE(::stat(link.c_str(), &st) == 0);
      CHECK(own.st_mtime == st.st_mtime);  // libfm checks one, tumbler the other
      auto info =
          th::read_png_info(slurp(root + "/normal/" + th::thumbnail_name(th::file_uri(link))));
      REQUIRE(info.ok());
      CHECK(info->text["Thumb::URI"] == th::file_uri(link));
    }
  }
}

TEST_CASE("a mount with --no-thumbnails writes no thumbnail", "[mount][thumbnails]") {
  EmulatorProcess emulator({20, 1, 7, {}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  FlickrfsMount mount(emulator.url(), work, {"--no-thumbnails"});
  const std::string page = mount.root() + "/photostream/page-0001";
  REQUIRE(pictures(page).size() == 20);
  (void)slurp(page + "/.hidden");
  CHECK(!std::filesystem::exists(work.dir + "/xdg-cache/thumbnails"));
}

TEST_CASE("a page listed by ls and copied by cp -r gets no thumbnails, a viewer's listing does",
          "[mount][thumbnails]") {
  EmulatorProcess emulator({20, 1, 7, {}});
  TempDir temp;
  const MountWork work = make_work(temp.path());
  FlickrfsMount mount(emulator.url(), work);
  const std::string page = mount.root() + "/photostream/page-0001";
  const std::string normal = work.dir + "/xdg-cache/thumbnails/normal";
  const auto thumbnails_written = [&] {
    return std::filesystem::exists(normal) && !std::filesystem::is_empty(normal);
  };
  // Batch tools: a shell's glob, ls, cp -r (which also reads .hidden).
  REQUIRE(run_command({"/bin/sh", "-c", "ls -l '" + page + "'/* >/dev/null"}).status == 0);
  REQUIRE(run_command({"cp", "-r", page, temp.path() + "/copy"}).status == 0);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // workers would have written some
  CHECK_FALSE(thumbnails_written());
  CHECK(pictures(temp.path() + "/copy").size() == 20);
  // This test binary is not a batch tool: its listing stands for a file manager's.
  REQUIRE(pictures(page).size() == 20);
  (void)slurp(page + "/.hidden");  // waits for them
  CHECK(thumbnails_written());
}
