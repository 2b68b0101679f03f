// `flickrfs mirror SRC DEST` with SRC a plain directory must behave like `rsync -a SRC/ DEST/`
// (and `--delete` like rsync's). These tests run the real binary and real rsync side by side
// and compare the two copies: kinds, bytes, symlink targets, permission bits, mtimes.
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/mirror/test_helpers.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using flickrfs::test::compare_trees;
using flickrfs::test::run_command;
using flickrfs::test::TempDir;
using flickrfs::test::write_file;
namespace fsys = std::filesystem;

void set_mtime(const std::string& path, time_t seconds, long nanos) {
  const timespec times[2] = {{seconds, nanos}, {seconds, nanos}};
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0);
}

// rsync skips setting an mtime that matches the new file's in whole seconds, so trees made
// "now" differ in nanoseconds between two correct copies. Give every entry an old, distinct
// mtime (children before their directories) so the comparison is exact.
void age_tree(const std::string& root) {
  std::vector<std::string> paths;
  for (const auto& item : fsys::recursive_directory_iterator(root))
    paths.push_back(item.path().string());
  std::sort(paths.rbegin(), paths.rend());
  long index = 0;
  for (const auto& path : paths) {
    ++index;
    set_mtime(path, 1500000000 + index * 1000, index * 7919);
  }
  set_mtime(root, 1600000000, 1);
}

// A tree with the cases rsync -a cares about: nested and empty directories, odd modes,
// nanosecond mtimes, empty and multi-megabyte files, relative/absolute/dangling symlinks,
// names with spaces, tabs, newlines and UTF-8.
void make_source(const std::string& src) {
  fsys::create_directories(src + "/photos/2019/deep");
  fsys::create_directories(src + "/empty dir");
  write_file(src + "/photos/a.jpg", std::string(70000, 'a'));
  write_file(src + "/photos/2019/deep/big.bin", std::string(3 << 20, 'b') + "end");
  write_file(src + "/photos/empty", "");
  write_file(src + "/na\tme\nwith ctl 🎉", "weird");
  fsys::create_symlink("../photos/a.jpg", src + "/empty dir/../rel-link");
  fsys::create_symlink("/etc/hostname", src + "/abs-link");
  fsys::create_symlink("does-not-exist", src + "/photos/dangling");
  REQUIRE(::chmod((src + "/photos/a.jpg").c_str(), 0600) == 0);
  REQUIRE(::chmod((src + "/photos/2019").c_str(), 0750) == 0);
  REQUIRE(::chmod((src + "/photos/empty").c_str(), 0755) == 0);
  age_tree(src);
  set_mtime(src + "/photos/a.jpg", 1563100000, 123456789);
  set_mtime(src + "/photos/2019/deep/big.bin", 1000000000, 0);
  set_mtime(src + "/rel-link", 1200000000, 5);
  set_mtime(src + "/photos/2019/deep", 1300000000, 0);
  set_mtime(src + "/empty dir", 1400000000, 0);
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines)
    out += line + "\n";
  return out;
}

std::string flickrfs_binary() {
  return flickrfs::test::build_binary("flickrfs");
}

void rsync(const std::vector<std::string>& extra, const std::string& src, const std::string& dst) {
  std::vector<std::string> argv = {"/usr/bin/rsync", "-a"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(src + "/");
  argv.push_back(dst + "/");
  const auto result = run_command(argv);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
}

}  // namespace

TEST_CASE("plain directory mirror matches rsync -a and a rerun copies nothing") {
  TempDir tmp;
  make_source(tmp / "src");
  rsync({}, tmp / "src", tmp / "by-rsync");

  const auto first = run_command({flickrfs_binary(), "mirror", tmp / "src", tmp / "by-mirror"});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(joined(compare_trees(tmp / "by-rsync", tmp / "by-mirror", {".flickrfs-mirror"})) == "");
  CHECK(first.out.find(" 4 written") != std::string::npos);

  const auto again = run_command({flickrfs_binary(), "mirror", tmp / "src", tmp / "by-mirror"});
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find(" 0 written") != std::string::npos);
  CHECK(again.out.find(" 0 linked") != std::string::npos);
  // rsync itself finds nothing to do afterwards.
  const auto check = run_command({"/usr/bin/rsync", "-a", "-n", "-i", "--exclude=/.flickrfs-mirror",
                                  tmp / "src" + "/", tmp / "by-mirror" + "/"});
  CHECK(check.out.empty());
}

TEST_CASE("changes with --delete match rsync -a --delete") {
  TempDir tmp;
  make_source(tmp / "src");
  REQUIRE(run_command({flickrfs_binary(), "mirror", tmp / "src", tmp / "by-mirror"}).exit_code ==
          0);
  rsync({}, tmp / "src", tmp / "by-rsync");

  // Same size, new bytes and mtime; a file replaced by a symlink; a removed directory tree;
  // a new file in a new directory; a chmod only.
  write_file(tmp / "src/photos/a.jpg", std::string(70000, 'z'));
  fsys::remove(tmp / "src/photos/empty");
  fsys::create_symlink("a.jpg", tmp / "src/photos/empty");
  fsys::remove_all(tmp / "src/photos/2019");
  fsys::create_directories(tmp / "src/new/dir");
  write_file(tmp / "src/new/dir/file", "new");
  REQUIRE(::chmod((tmp / "src/na\tme\nwith ctl 🎉").c_str(), 0640) == 0);
  age_tree(tmp / "src");

  rsync({"--delete"}, tmp / "src", tmp / "by-rsync");
  const auto run = run_command(
      {flickrfs_binary(), "mirror", "--delete", "--jobs", "3", tmp / "src", tmp / "by-mirror"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(joined(compare_trees(tmp / "by-rsync", tmp / "by-mirror", {".flickrfs-mirror"})) == "");
  CHECK(flickrfs::test::find_temp_files(tmp / "by-mirror").empty());
}

TEST_CASE("mirror --delete refuses an empty source and keeps everything") {
  TempDir tmp;
  make_source(tmp / "src");
  REQUIRE(run_command({flickrfs_binary(), "mirror", tmp / "src", tmp / "dst"}).exit_code == 0);
  fsys::create_directories(tmp / "empty");
  const auto run =
      run_command({flickrfs_binary(), "mirror", "--delete", tmp / "empty", tmp / "dst"});
  CHECK(run.exit_code == 23);
  CHECK(run.err.find("refusing --delete") != std::string::npos);
  CHECK(fsys::exists(tmp / "dst/photos/2019/deep/big.bin"));
  CHECK(flickrfs::test::read_file(tmp / "dst/.flickrfs-mirror/failed.txt").find("refused") !=
        std::string::npos);
}

TEST_CASE("mirror --dry-run lists the changes and touches nothing") {
  TempDir tmp;
  make_source(tmp / "src");
  const auto run =
      run_command({flickrfs_binary(), "mirror", "--dry-run", tmp / "src", tmp / "dst"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("copy photos/2019/deep/big.bin") != std::string::npos);
  CHECK(run.out.find("link photos/dangling -> does-not-exist") != std::string::npos);
  CHECK(!fsys::exists(tmp / "dst"));
}

TEST_CASE("mirror usage errors are one line and exit 1") {
  TempDir tmp;
  for (const auto& argv : std::vector<std::vector<std::string>>{
           {flickrfs_binary(), "mirror"},
           {flickrfs_binary(), "mirror", tmp / "missing", tmp / "dst"},
           {flickrfs_binary(), "mirror", "--jobs", "0", tmp.path(), tmp / "dst"},
           {flickrfs_binary(), "mirror", "--only", "videos", tmp.path(), tmp / "dst"},
           {flickrfs_binary(), "mirror", "--bogus", tmp.path(), tmp / "dst"}}) {
    const auto run = run_command(argv);
    INFO(argv.back() + ": " + run.err);
    CHECK(run.exit_code == 1);
    CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
  }
}

TEST_CASE("a full disk stops the run with exit 1, a clear message and no partial file") {
  TempDir tmp;
  fsys::create_directories(tmp / "small");
  if (::mount("tmpfs", (tmp / "small").c_str(), "tmpfs", 0, "size=1m") != 0) {
    WARN("cannot mount a 1 MiB tmpfs here (needs CAP_SYS_ADMIN); full-disk test not run");
    return;
  }
  // Unmounted even when an assertion throws, so no test leaves a mount behind.
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{tmp / "small"};
  fsys::create_directories(tmp / "src");
  for (int i = 0; i < 6; ++i)
    write_file(tmp / "src/file" + std::to_string(i),
               std::string(300000, static_cast<char>('a' + i)));
  const auto run =
      run_command({flickrfs_binary(), "mirror", "--jobs", "2", tmp / "src", tmp / "small/dst"});
  const auto temps = flickrfs::test::find_temp_files(tmp / "small");
  std::vector<std::string> partial;
  for (int i = 0; i < 6; ++i) {
    const std::string name = "file" + std::to_string(i);
    if (fsys::exists(tmp / "small/dst/" + name) &&
        flickrfs::test::read_file(tmp / "small/dst/" + name) !=
            flickrfs::test::read_file(tmp / "src/" + name)) {
      partial.push_back(name);
    }
  }
  INFO(run.err);
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("no space left on device") != std::string::npos);
  CHECK(temps.empty());
  CHECK(partial.empty());
}
