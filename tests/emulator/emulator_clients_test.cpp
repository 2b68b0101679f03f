// Independent clients against flickr-emulator: python3-flickrapi (Debian, /usr/bin/python3)
// walks the whole account and downloads originals, uploads and replaces; Pillow decodes every
// served image.
// Both scripts compare with /_emulator/manifest and exit non-zero on any difference.

#include <catch2/catch.hpp>
#include <iostream>

#include "tests/support/emulator_process.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

using flickrfs::test::EmulatorProcess;
using flickrfs::test::TempDir;

namespace {

// Runs a client script; its output goes to the test log.
int run_python(const std::string& script, std::vector<std::string> args) {
  std::vector<std::string> all = {"/usr/bin/python3",
                                  std::string(FLICKRFS_EMULATOR_PY_DIR) + "/" + script};
  all.insert(all.end(), args.begin(), args.end());
  const auto run = flickrfs::test::run_command(all);
  std::cout << run.out << std::flush;
  std::cerr << run.err << std::flush;
  return run.exit_code;
}

}  // namespace

TEST_CASE(
    "python3-flickrapi: oob auth, walk_user, walk_set, getInfo/getSizes/comments, originals") {
  EmulatorProcess emu({90, 5, 4, {"--image-kb", "20"}});
  CHECK(run_python("flickrapi_walk.py", {emu.url()}) == 0);
  const std::string stats = emu.get("/_emulator/stats");
  CHECK(stats.find("\"flickr.people.getPhotos\":") != std::string::npos);
  CHECK(stats.find("\"flickr.photosets.getPhotos\":") != std::string::npos);
}

TEST_CASE("python3-flickrapi: getExif as JSON and XML equals the manifest, hidden is code 2") {
  EmulatorProcess emu({80, 2, 11, {"--image-kb", "5"}});
  CHECK(run_python("flickrapi_exif.py", {emu.url()}) == 0);
  CHECK(emu.get("/_emulator/stats").find("\"flickr.photos.getExif\":") != std::string::npos);
}

TEST_CASE("python3-flickrapi: favorites.getList walked in XML and JSON equals the manifest") {
  EmulatorProcess emu({10, 1, 7, {"--favorites", "25", "--image-kb", "5"}});
  CHECK(run_python("flickrapi_favorites.py", {emu.url()}) == 0);
  CHECK(emu.get("/_emulator/stats").find("\"flickr.favorites.getList\":") != std::string::npos);
}

TEST_CASE("Pillow decodes every JPEG, PNG and GIF at the dimensions the API claims") {
  EmulatorProcess emu({40, 2, 3, {"--image-kb", "10"}});
  CHECK(run_python("decode_images.py", {emu.url(), "40"}) == 0);
}

TEST_CASE(
    "python3-flickrapi: upload (sync and async tickets), replace, albums, read token refused") {
  EmulatorProcess emu({30, 2, 5, {"--image-kb", "10", "--ticket-ms", "200"}});
  TempDir work;
  CHECK(run_python("flickrapi_upload.py", {emu.url(), work.path()}) == 0);
}
