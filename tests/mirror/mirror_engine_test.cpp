// The mirror engine on synthetic trees: state file and journal, atomic files, moves instead
// of downloads, failures, interruption and full disk through a scripted fetcher.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "fs/mirror/atomic_file.hpp"
#include "fs/mirror/mirror.hpp"
#include "fs/mirror/mount_detect.hpp"
#include "fs/mirror/progress.hpp"
#include "fs/mirror/state_file.hpp"
#include "tests/mirror/test_helpers.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using namespace flickrfs;
using namespace flickrfs::mirror;
using flickrfs::test::read_file;
using flickrfs::test::TempDir;
namespace fsys = std::filesystem;

// Serves bytes by URL; can fail chosen URLs, or raise the interrupt flag after some fetches.
class ScriptedFetcher final : public Fetcher {
 public:
  std::map<std::string, std::string> bytes;
  std::set<std::string> failing;
  std::atomic<bool>* interrupt_after = nullptr;
  std::size_t interrupt_at = 0;
  Errc failure = Errc::unavailable;

  Result<void> fetch(const SourceEntry& entry, AtomicFile& out, const FetchContext& ctx) override {
    std::size_t call = 0;
    {
      std::lock_guard lock(m_mutex);
      call = ++calls;
      fetched.push_back(entry.content.location);
    }
    const std::string& body = bytes.at(entry.content.location);
    FLICKRFS_CHECK(out.write(body.data(), body.size() / 2));  // a partial temp on failure
    if (interrupt_after != nullptr && call >= interrupt_at) {
      interrupt_after->store(true);
      while (!ctx.cancelled())
        usleep(1000);
      return make_error(Errc::interrupted, "cancelled");
    }
    if (failing.count(entry.content.location) > 0) return make_error(failure, "scripted failure");
    return out.write(body.data() + body.size() / 2, body.size() - body.size() / 2);
  }

  std::size_t calls = 0;
  std::vector<std::string> fetched;

 private:
  std::mutex m_mutex;
};

SourceEntry dir(const std::string& path) {
  SourceEntry e;
  e.path = path;
  e.kind = EntryKind::directory;
  e.mtime = {1500000000, 0};
  return e;
}

// A photo directory with an image (downloaded) and an info.json (inline).
void add_photo(DesiredTree& tree, ScriptedFetcher& fetcher, const std::string& dir_path,
               const std::string& id, const std::string& secret, std::int64_t order) {
  tree.entries.push_back(dir(dir_path));
  SourceEntry image;
  image.path = dir_path + "/" + id + ".jpg";
  image.content.kind = ContentRef::Kind::url;
  image.content.location = "http://x/" + id + "_" + secret;
  image.size = 1000 + static_cast<std::uint64_t>(order);
  image.mtime = {1400000000 + order, 0};
  image.owner = id;
  image.role = "image";
  image.version = secret;
  image.is_image = true;
  image.order = order;
  fetcher.bytes[image.content.location] = std::string(image.size, static_cast<char>('a' + order));
  SourceEntry info;
  info.path = dir_path + "/info.json";
  info.content.kind = ContentRef::Kind::inline_bytes;
  info.content.bytes = "{\"id\":\"" + id + "\"}\n";
  info.size = info.content.bytes.size();
  info.mtime = {1450000000, 0};
  info.owner = id;
  info.role = "info";
  tree.entries.push_back(image);
  tree.entries.push_back(info);
  ++tree.photo_count;
}

MirrorOptions options_for(const std::string& dest) {
  MirrorOptions options;
  options.dest = dest;
  options.exec.jobs = 4;
  return options;
}

}  // namespace

TEST_CASE("state fields survive any byte in a name") {
  const std::string raw = std::string("a%b\tc\nd\re") + '\0' + "é";
  REQUIRE(unescape_field(escape_field(raw)).value() == raw);
  CHECK(escape_field(raw).find('\t') == std::string::npos);
  CHECK(!unescape_field("%4").ok());
  CHECK(!unescape_field("%zz").ok());
}

TEST_CASE("the journal replays over the snapshot and ignores a torn last line") {
  TempDir tmp;
  {
    MirrorState state;
    state.put({"kept", EntryKind::file, "1", "image", "v1", 10, {5, 6}});
    state.put({"gone", EntryKind::file, "2", "image", "v1", 10, {5, 6}});
    REQUIRE(state.save(tmp.path()).ok());
    REQUIRE(state.open_journal(tmp.path()).ok());
    REQUIRE(state.journal_put({"new\tname", EntryKind::symlink, "3", "link", "", 4, {7, 8}}).ok());
    REQUIRE(state.journal_erase("gone").ok());
  }
  {
    std::ofstream torn(tmp / ".flickrfs-mirror/state.journal", std::ios::app);
    torn << "+\tpartial\tf\t9";  // no newline: a write cut by SIGKILL
  }
  auto loaded = MirrorState::load(tmp.path());
  REQUIRE(loaded.ok());
  CHECK(loaded->size() == 2);
  CHECK(loaded->find("kept") != nullptr);
  CHECK(loaded->find("gone") == nullptr);
  CHECK(loaded->find("partial") == nullptr);
  REQUIRE(loaded->find("new\tname") != nullptr);
  CHECK(loaded->find("new\tname")->mtime.tv_nsec == 8);
  CHECK(loaded->find_owned("1", "image")->path == "kept");

  flickrfs::test::write_file(tmp / ".flickrfs-mirror/state.tsv", "something else\n");
  CHECK(!MirrorState::load(tmp.path()).ok());
}

TEST_CASE("an atomic file has no final name until commit and leaves no temporary") {
  TempDir tmp;
  const std::string final_path = tmp / "photo.jpg";
  {
    auto file = AtomicFile::create(final_path);
    REQUIRE(file.ok());
    REQUIRE(file->write("half", 4).ok());
    CHECK(!fsys::exists(final_path));
    CHECK(flickrfs::test::find_temp_files(tmp.path()).size() == 1);
  }
  CHECK(flickrfs::test::find_temp_files(tmp.path()).empty());
  {
    auto file = AtomicFile::create(final_path);
    REQUIRE(file->write("whole", 5).ok());
    REQUIRE(file->commit(0640, {1234567890, 42}).ok());
  }
  struct stat st {};
  REQUIRE(::stat(final_path.c_str(), &st) == 0);
  CHECK(read_file(final_path) == "whole");
  CHECK((st.st_mode & 07777) == 0640);
  CHECK(st.st_mtim.tv_sec == 1234567890);
  CHECK(st.st_mtim.tv_nsec == 42);
  CHECK(flickrfs::test::find_temp_files(tmp.path()).empty());

  // A long name still gets a temporary within NAME_MAX, and leftovers are swept.
  const std::string long_name = tmp / std::string(250, 'n');
  flickrfs::test::write_file(tmp / ".x.flickrfs-tmp-abcdef", "left by a killed run");
  auto file = AtomicFile::create(long_name);
  REQUIRE(file.ok());
  CHECK(is_temp_name(".x.flickrfs-tmp-abcdef"));
  CHECK(!is_temp_name("x.flickrfs-tmp-abcdef"));
  // One left in the mirror's state directory by a SIGKILL while saving comments.tsv.
  ::mkdir((tmp / ".flickrfs-mirror").c_str(), 0755);
  flickrfs::test::write_file(tmp / ".flickrfs-mirror/.comments.tsv.flickrfs-tmp-qwerty", "cut");
  CHECK(remove_leftover_temps(tmp.path()).value() == 3);
  CHECK(flickrfs::test::find_temp_files(tmp.path()).empty());
}

TEST_CASE("a retitled photo is renamed locally and a replaced one downloaded again") {
  TempDir tmp;
  ScriptedFetcher fetcher;
  DesiredTree tree;
  tree.entries.push_back(dir(""));
  add_photo(tree, fetcher, "page-0001/old title_1", "1", "s1", 1);
  add_photo(tree, fetcher, "page-0001/two_2", "2", "s1", 2);
  std::atomic<bool> interrupt{false};
  auto outcome = run_mirror(tree, fetcher, options_for(tmp / "dst"), interrupt);
  REQUIRE(outcome.status == MirrorStatus::ok);
  CHECK(fetcher.calls == 2);

  DesiredTree next;
  next.entries.push_back(dir(""));
  add_photo(next, fetcher, "page-0002/new title_1", "1", "s1", 1);  // retitle + page shift
  add_photo(next, fetcher, "page-0001/two_2", "2", "s2", 2);        // replaced bytes
  fetcher.calls = 0;
  fetcher.fetched.clear();
  outcome = run_mirror(next, fetcher, options_for(tmp / "dst"), interrupt);
  REQUIRE(outcome.status == MirrorStatus::ok);
  CHECK(outcome.report.moved == 1);
  CHECK(fetcher.fetched == std::vector<std::string>{"http://x/2_s2"});
  CHECK(read_file(tmp / "dst/page-0002/new title_1/1.jpg") == std::string(1001, 'b'));
  CHECK(read_file(tmp / "dst/page-0002/new title_1/info.json") == "{\"id\":\"1\"}\n");
  CHECK(!fsys::exists(tmp / "dst/page-0001/old title_1"));  // emptied and pruned

  fetcher.calls = 0;
  outcome = run_mirror(next, fetcher, options_for(tmp / "dst"), interrupt);
  CHECK(fetcher.calls == 0);
  CHECK(outcome.report.written == 0);
  CHECK(outcome.up_to_date == 4);
}

TEST_CASE("failures are listed, the run goes on, --max-errors stops it") {
  TempDir tmp;
  ScriptedFetcher fetcher;
  DesiredTree tree;
  for (int i = 1; i <= 6; ++i)
    add_photo(tree, fetcher, "p" + std::to_string(i), std::to_string(i), "s", i);
  fetcher.failing = {"http://x/2_s", "http://x/5_s"};
  std::atomic<bool> interrupt{false};
  auto options = options_for(tmp / "dst");
  auto outcome = run_mirror(tree, fetcher, options, interrupt);
  CHECK(outcome.status == MirrorStatus::partial);
  CHECK(outcome.report.failures.size() == 2);
  CHECK(outcome.report.written == 10);  // 4 images + 6 info.json
  CHECK(!fsys::exists(tmp / "dst/p2/2.jpg"));
  const std::string failed = read_file(tmp / "dst/.flickrfs-mirror/failed.txt");
  CHECK(failed.find("p2/2.jpg\t2\t") != std::string::npos);
  CHECK(failed.find("p5/5.jpg\t5\t") != std::string::npos);
  CHECK(flickrfs::test::find_temp_files(tmp / "dst").empty());

  // Rerun fetches only what failed; with one allowed error the second failure stops it.
  fetcher.calls = 0;
  options.exec.max_errors = 1;
  options.exec.jobs = 1;
  outcome = run_mirror(tree, fetcher, options, interrupt);
  CHECK(fetcher.calls == 2);
  CHECK(outcome.report.too_many_errors);

  fetcher.failing.clear();
  outcome = run_mirror(tree, fetcher, options, interrupt);
  CHECK(outcome.status == MirrorStatus::ok);
  CHECK(!fsys::exists(tmp / "dst/.flickrfs-mirror/failed.txt"));
}

TEST_CASE("an interrupt or a full disk stops at once without partial files") {
  TempDir tmp;
  ScriptedFetcher fetcher;
  DesiredTree tree;
  for (int i = 1; i <= 20; ++i)
    add_photo(tree, fetcher, "p" + std::to_string(i), std::to_string(i), "s", i);
  std::atomic<bool> interrupt{false};
  fetcher.interrupt_after = &interrupt;
  fetcher.interrupt_at = 3;
  auto outcome = run_mirror(tree, fetcher, options_for(tmp / "dst"), interrupt);
  CHECK(outcome.status == MirrorStatus::interrupted);
  CHECK(fetcher.calls < 20);
  CHECK(flickrfs::test::find_temp_files(tmp / "dst").empty());
  for (int i = 1; i <= 20; ++i) {
    const std::string image = tmp / "dst/p" + std::to_string(i) + "/" + std::to_string(i) + ".jpg";
    if (fsys::exists(image)) CHECK(fsys::file_size(image) == 1000U + static_cast<unsigned>(i));
  }

  fetcher.interrupt_after = nullptr;
  interrupt = false;
  fetcher.failing = {"http://x/7_s"};
  fetcher.failure = Errc::no_space;
  outcome = run_mirror(tree, fetcher, options_for(tmp / "dst"), interrupt);
  CHECK(outcome.status == MirrorStatus::no_space);
  CHECK(outcome.message.find("no space left on device") != std::string::npos);
  CHECK(flickrfs::test::find_temp_files(tmp / "dst").empty());

  fetcher.failing.clear();
  fetcher.calls = 0;
  outcome = run_mirror(tree, fetcher, options_for(tmp / "dst"), interrupt);
  CHECK(outcome.status == MirrorStatus::ok);
  CHECK(fetcher.calls < 20);  // finished files were not fetched again
}

TEST_CASE("mirror --only keeps the other half and protects it from --delete") {
  TempDir tmp;
  ScriptedFetcher fetcher;
  DesiredTree tree;
  tree.entries.push_back(dir(""));
  add_photo(tree, fetcher, "p1", "1", "s", 1);
  std::atomic<bool> interrupt{false};
  auto options = options_for(tmp / "dst");
  options.plan.only = OnlyFilter::metadata;
  REQUIRE(run_mirror(tree, fetcher, options, interrupt).status == MirrorStatus::ok);
  CHECK(fetcher.calls == 0);
  CHECK(fsys::exists(tmp / "dst/p1/info.json"));
  CHECK(!fsys::exists(tmp / "dst/p1/1.jpg"));

  flickrfs::test::write_file(tmp / "dst/p1/stray", "not from the source");
  options.plan.only = OnlyFilter::images;
  options.plan.delete_extraneous = true;
  REQUIRE(run_mirror(tree, fetcher, options, interrupt).status == MirrorStatus::ok);
  CHECK(fetcher.calls == 1);
  CHECK(fsys::exists(tmp / "dst/p1/info.json"));
  CHECK(!fsys::exists(tmp / "dst/p1/stray"));

  tree.complete = false;
  tree.incomplete_reason = "page 3 came back short";
  flickrfs::test::write_file(tmp / "dst/p1/stray", "x");
  CHECK(run_mirror(tree, fetcher, options, interrupt).status == MirrorStatus::partial);
  CHECK(fsys::exists(tmp / "dst/p1/stray"));
}

TEST_CASE("a path inside a fuse.flickrfs mount is recognised, with its subtree") {
  const std::string mountinfo =
      "22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
      "40 22 0:40 / /home/u/my\\040flickr rw,nosuid,nodev,relatime shared:2 - fuse.flickrfs "
      "flickrfs ro,user_id=0,group_id=0\n"
      "41 22 0:41 / /mnt/other rw,relatime - fuse.sshfs host: rw\n";
  const auto whole = find_flickrfs_mount(mountinfo, "/home/u/my flickr");
  REQUIRE(whole.has_value());
  CHECK(whole->mount_point == "/home/u/my flickr");
  CHECK(whole->subtree.empty());
  const auto album = find_flickrfs_mount(mountinfo, "/home/u/my flickr/sets/Summer_7215");
  REQUIRE(album.has_value());
  CHECK(album->subtree == "sets/Summer_7215");
  CHECK(!find_flickrfs_mount(mountinfo, "/home/u/my flickrfs").has_value());
  CHECK(!find_flickrfs_mount(mountinfo, "/mnt/other/x").has_value());
  CHECK(!find_flickrfs_mount(mountinfo, "/home/u").has_value());
}

namespace {

std::string progress_output(bool terminal, std::chrono::milliseconds wait) {
  char* buffer = nullptr;
  std::size_t size = 0;
  std::FILE* out = ::open_memstream(&buffer, &size);
  {
    Progress progress(out, true, terminal, "photos", 10, 0);
    std::this_thread::sleep_for(wait);
    progress.update(4, 3 << 20);
    progress.finish();
  }
  std::fclose(out);
  std::string text(buffer, size);
  std::free(buffer);
  return text;
}

}  // namespace

TEST_CASE("progress: a bar redrawn in place on a terminal, quiet lines without one") {
  const std::string bar = progress_output(true, std::chrono::milliseconds(250));
  CHECK(bar.rfind("\r\033[K  4/10 photos  3.0 MiB  ", 0) == 0);
  CHECK(bar.find("/s  ETA ") != std::string::npos);
  CHECK(bar.size() > 8);
  CHECK(bar.substr(bar.size() - 4) == "\r\033[K");  // cleared before the summary line
  // Without a terminal a line is printed at most every few seconds: none this soon.
  CHECK(progress_output(false, std::chrono::milliseconds(250)).empty());
  CHECK(human_bytes(1536) == "1.5 KiB");
  CHECK(human_duration(75) == "1:15");
}
