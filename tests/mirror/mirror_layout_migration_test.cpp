// A DEST written by the release before photos were files is converted by the next mirror run
// with renames only: no image is downloaded again and the result equals a fresh mirror.
//
// That release wrote each photo as a directory, and its state file said so:
//   photostream/page-0001/<stem>/<stem>.jpg     role "image"
//   photostream/page-0001/<stem>/info.json      role "info"
//   sets/<album>/0001_<stem> -> ../../photostream/page-0001/<stem>    role "link:<album id>"
// and had no .hidden, album.json or sidecar links. The test turns a current mirror into
// exactly that (files, symlinks and state.tsv rows; checked against a DEST the previous
// release wrote) and runs the current mirror over it.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/mirror/test_helpers.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using namespace flickrfs::test;
namespace fsys = std::filesystem;

void use_emulator_credentials() {
  ::setenv("FLICKRFS_API_KEY", "test-key", 1);
  ::setenv("FLICKRFS_API_SECRET", "test-secret", 1);
  ::setenv("FLICKRFS_OAUTH_TOKEN", "test-token", 1);
  ::setenv("FLICKRFS_OAUTH_TOKEN_SECRET", "test-token-secret", 1);
  ::setenv("FLICKRFS_CONFIG", "/nonexistent/flickrfs-config", 1);
}

RunResult run_mirror(const EmulatorProcess& emulator, const std::string& dest) {
  return run_command({build_binary("flickrfs"), "mirror", "--api-url", emulator.url(),
                      "--no-progress", "flickr:", dest});
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, '\t'))
    fields.push_back(field);
  return fields;
}

std::string join_tabs(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i)
    out += (i == 0 ? "" : "\t") + fields[i];
  return out;
}

// "photostream/page-0001/<stem>.jpg" -> "photostream/page-0001/<stem>"
std::string photo_dir_of(const std::string& file) {
  const fsys::path path(file);
  return (path.parent_path() / path.stem()).string();
}

// Rewrites a current DEST (and its state) into the layout the previous release wrote.
// Returns how many photo directories it made.
std::size_t to_previous_release_layout(const std::string& dest) {
  const std::string state_path = dest + "/.flickrfs-mirror/state.tsv";
  std::ifstream in(state_path);
  std::string line;
  std::getline(in, line);
  std::string state = line + "\n";  // the header: the state format did not change
  std::size_t photo_dirs = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> row = split_tabs(line);
    REQUIRE(row.size() >= 4);
    const std::string& path = row[0];
    const std::string& role = row[3];
    if (role == "image") {
      const std::string dir = photo_dir_of(path);
      fsys::create_directories(dest + "/" + dir);
      const std::string moved = dir + "/" + fsys::path(path).filename().string();
      fsys::rename(dest + "/" + path, dest + "/" + moved);
      row[0] = moved;
      ++photo_dirs;
    } else if (role == "info") {
      const std::string dir = photo_dir_of(path);
      fsys::create_directories(dest + "/" + dir);
      fsys::rename(dest + "/" + path, dest + "/" + dir + "/info.json");
      row[0] = dir + "/info.json";
    } else if (role.rfind("link:", 0) == 0) {
      // sets/A/0001_<stem>.jpg -> ../../photostream/page-N/<stem>.jpg becomes a link to the
      // photo's directory, named without the extension.
      const std::string target = fsys::read_symlink(dest + "/" + path).string();
      fsys::remove(dest + "/" + path);
      row[0] = photo_dir_of(path);
      fsys::create_directory_symlink(photo_dir_of(target), dest + "/" + row[0]);
    } else {
      fsys::remove(dest + "/" + path);  // .hidden, album.json, sidecar links: not written then
      continue;
    }
    state += join_tabs(row) + "\n";
  }
  in.close();
  write_file(state_path, state);
  fsys::remove(dest + "/.flickrfs-mirror/state.journal");
  return photo_dirs;
}

// What differs between two mirrors, leaving out the mirror's own state directory.
std::string tree_differences(const std::string& expected, const std::string& actual) {
  std::string diff;
  for (const auto& line : compare_trees(expected, actual)) {
    if (line.rfind(".flickrfs-mirror", 0) != 0) diff += line + "\n";
  }
  return diff;
}

}  // namespace

TEST_CASE("a DEST in the layout before photos were files is converted by renames only") {
  use_emulator_credentials();
  EmulatorProcess emulator({60, 3, 7, {"--image-kb", "2", "--favorites", "0"}});
  TempDir tmp;
  REQUIRE(run_mirror(emulator, tmp / "fresh").exit_code == 0);
  REQUIRE(run_mirror(emulator, tmp / "old").exit_code == 0);
  REQUIRE(to_previous_release_layout(tmp / "old") == 60);
  REQUIRE(tree_differences(tmp / "fresh", tmp / "old") != "");

  REQUIRE(emulator.post("/_emulator/reset-stats", "").find("ok") != std::string::npos);
  const RunResult run = run_mirror(emulator, tmp / "old");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(emulator.get("/_emulator/stats").find("\"images\":0,") != std::string::npos);
  CHECK(run.out.find(" 120 renamed") != std::string::npos);  // 60 images + 60 sidecars
  CHECK(tree_differences(tmp / "fresh", tmp / "old") == "");
  CHECK(find_temp_files(tmp / "old").empty());
}
