// api against the Flickr emulator (label emulator): a full photostream walk through faults
// returning exactly the manifest's ids, the typed methods on the emulator's world, and the
// commands end to end: `flickrfs auth` (verifier scraped from the authorize page, piped on
// stdin), `flickrfs call`, wrong secrets (exit 2, one line), and -v output free of secrets.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <simdjson.h>

#include <fstream>
#include <set>
#include <sstream>

#include "api/flickr_client.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace flickrfs;
using namespace flickrfs::api;
using flickrfs::test::ChildProcess;
using flickrfs::test::EmulatorProcess;
using flickrfs::test::run_command;

namespace {

const char* kKey = "test-key";
const char* kSecret = "test-secret";
const char* kToken = "test-token";
const char* kTokenSecret = "test-token-secret";

ClientOptions emulator_options(const EmulatorProcess& emulator) {
  ClientOptions options;
  options.api_url = emulator.url();
  options.credentials = {kKey, kSecret, kToken, kTokenSecret, "12345678@N00", "demo", {}};
  options.rate_limits = RateLimits::of({0});
  options.retry = fast_retry_policy_for_tests(8, std::chrono::milliseconds(5));
  options.http.request_timeout = std::chrono::milliseconds(10'000);
  return options;
}

// Every photo id of GET /_emulator/manifest, paged (the emulator hashes every size of each
// photo on the page it serves).
std::set<std::string> manifest_ids(const EmulatorProcess& emulator) {
  std::set<std::string> ids;
  simdjson::dom::parser parser;
  for (std::size_t offset = 0;; offset += 50) {
    const std::string body =
        emulator.get("/_emulator/manifest?offset=" + std::to_string(offset) + "&limit=50");
    const simdjson::dom::element manifest = parser.parse(body);
    const simdjson::dom::array photos = manifest["photos"];
    for (const auto photo : photos)
      ids.insert(std::string(std::string_view(photo["id"])));
    if (photos.size() < 50) break;
  }
  return ids;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> flickrfs_args(const EmulatorProcess& emulator, const std::string& config,
                                       std::vector<std::string> rest) {
  std::vector<std::string> args = {test::build_binary("flickrfs")};
  args.insert(args.end(), rest.begin(), rest.end());
  args.insert(args.end(), {"--api-url", emulator.url(), "--config", config});
  return args;
}

int line_count(const std::string& text) {
  int lines = 0;
  for (const char c : text)
    lines += c == '\n' ? 1 : 0;
  return lines;
}

}  // namespace

TEST_CASE("photostream walk at --fault-rate 0.2 returns exactly the manifest's ids", "[emulator]") {
  // 250 photos in pages of 20 (the last one short): enough calls for the faults to bite,
  // while the manifest (the emulator hashes every size of every photo) stays affordable.
  EmulatorProcess emulator(
      {250,
       5,
       3,
       {"--fault-rate", "0.2", "--fault-seed", "7", "--stall-ms", "200", "--image-kb", "2"}});
  FlickrClient client(emulator_options(emulator));
  int pages_seen = 0;
  auto walk =
      FlickrClient::walk_pages([&](int page) { return client.photos_page("me", page, 20); }, 3,
                               [&](const PhotoPage& page) -> Result<void> {
                                 ++pages_seen;
                                 CHECK(page.per_page == 20);
                                 return success();
                               });
  REQUIRE(walk.ok());
  CHECK(walk->complete);
  const std::set<std::string> expected = manifest_ids(emulator);
  REQUIRE(expected.size() == 250);
  std::set<std::string> got;
  for (const auto& photo : walk->photos)
    got.insert(photo.id);
  CHECK(got.size() == walk->photos.size());  // no duplicates
  CHECK(got == expected);
  CHECK(pages_seen >= 13);
  const std::string stats = emulator.get("/_emulator/stats");
  INFO(stats);
  CHECK(stats.find("\"faults\":{}") == std::string::npos);  // some faults were injected
}

TEST_CASE("typed methods on the emulator's world", "[emulator]") {
  EmulatorProcess emulator({60, 4, 5, {}});
  FlickrClient client(emulator_options(emulator));
  auto login = client.test_login();
  REQUIRE(login.ok());
  CHECK(login->nsid == "12345678@N00");
  auto token = client.check_token();
  REQUIRE(token.ok());
  CHECK(token->user.nsid == "12345678@N00");
  auto person = client.people_info("12345678@N00");
  REQUIRE(person.ok());
  CHECK(person->username == "demo");
  auto found = client.find_by_username("demo");
  REQUIRE(found.ok());
  CHECK(found->nsid == "12345678@N00");

  auto all = client.all_photos("me");
  REQUIRE(all.ok());
  REQUIRE(all->photos.size() == 60);
  const Photo& first = all->photos.front();
  CHECK_FALSE(first.sizes.empty());
  CHECK(first.date_upload > 0);
  CHECK(first.last_update > 0);
  CHECK_FALSE(first.date_taken.empty());

  auto sizes = client.sizes(first.id);
  REQUIRE(sizes.ok());
  REQUIRE_FALSE(sizes->empty());
  auto info = client.info(first.id);
  REQUIRE(info.ok());
  CHECK(info->id == first.id);
  CHECK(info->title == first.title);
  REQUIRE(client.comments(first.id).ok());

  // Exact sizes: a probe and a download agree byte for byte.
  const Size& smallest = sizes->front();
  auto probed = client.probe_size(smallest.source);
  REQUIRE(probed.ok());
  std::string bytes;
  auto downloaded =
      client.download(smallest.source, 0, [&](std::string_view chunk) -> Result<void> {
        bytes.append(chunk);
        return success();
      });
  REQUIRE(downloaded.ok());
  CHECK(bytes.size() == probed->bytes);
  CHECK(*downloaded->total_size == probed->bytes);

  auto sets = client.photosets("me");
  REQUIRE(sets.ok());
  CHECK(sets->size() == 4);
  for (const auto& set : *sets) {
    auto members = client.all_photoset_photos(set.id, "me");
    REQUIRE(members.ok());
    CHECK(static_cast<std::int64_t>(members->photos.size()) == set.photos + set.videos);
  }
  REQUIRE(client.collections_tree("me").ok());
  REQUIRE(client.recently_updated(0, 1).ok());

  auto missing = client.info("1");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == Errc::not_found);
}

TEST_CASE("all_favorites: every listed favorite once, owners and date_faved, ceil(F/500) calls",
          "[emulator]") {
  // 1203 favorites, 172 of them (k % 7 == 3) made private by their owners: 1031 listed.
  EmulatorProcess emulator({5, 1, 2, {"--favorites", "1203", "--image-kb", "1"}});
  simdjson::dom::parser parser;
  const simdjson::dom::element manifest = parser.parse(emulator.get("/_emulator/manifest"));
  std::vector<std::string> want_ids;
  std::vector<std::int64_t> want_faved;
  for (const auto f : simdjson::dom::array(manifest["favorites"])) {
    if (!bool(f["listed"])) continue;
    want_ids.emplace_back(std::string_view(f["id"]));
    want_faved.push_back(std::int64_t(f["date_faved"]));
  }
  REQUIRE(want_ids.size() == 1031);
  FlickrClient client(emulator_options(emulator));
  auto walk = client.all_favorites("me");
  REQUIRE(walk.ok());
  CHECK(walk->complete);
  CHECK(walk->reported_total == 1031);
  std::vector<std::string> ids;
  std::vector<std::int64_t> faved;
  for (const auto& photo : walk->photos) {
    ids.push_back(photo.id);
    faved.push_back(photo.date_faved);
    CHECK(photo.owner != "12345678@N00");
    CHECK_FALSE(photo.owner_name.empty());
    CHECK(photo.date_upload > 0);
    CHECK_FALSE(photo.sizes.empty());  // the url_* extras: no getSizes call needed
  }
  CHECK(ids == want_ids);
  CHECK(faved == want_faved);
  simdjson::dom::parser stats_parser;
  const simdjson::dom::element stats = stats_parser.parse(emulator.get("/_emulator/stats"));
  CHECK(std::int64_t(stats["calls"]["flickr.favorites.getList"]) == 3);  // ceil(1031 / 500)
  CHECK(std::int64_t(stats["api_calls_total"]) == 3);
}

TEST_CASE("flickrfs auth end to end, then flickrfs call with the stored token", "[emulator]") {
  EmulatorProcess emulator({30, 2, 1, {}});
  test::TempDir home;
  const std::string config = home / "conf/flickrfs/config";
  const std::vector<std::string> env = {std::string("FLICKRFS_API_KEY=") + kKey,
                                        std::string("FLICKRFS_API_SECRET=") + kSecret,
                                        "FLICKRFS_OAUTH_TOKEN=", "FLICKRFS_OAUTH_TOKEN_SECRET="};
  ChildProcess auth(flickrfs_args(emulator, config, {"auth", "--perms", "write"}), env);
  REQUIRE(auth.wait_for_stdout("verification code", std::chrono::seconds(20)));
  const std::string& out = auth.out();
  const auto url_at = out.find(emulator.url() + "/services/oauth/authorize?");
  REQUIRE(url_at != std::string::npos);
  const std::string url = out.substr(url_at, out.find('\n', url_at) - url_at);
  CHECK(url.find("perms=write") != std::string::npos);

  const std::string page = emulator.get(url.substr(emulator.url().size()));
  const std::string marker = "<span id=\"verifier\">";
  const auto at = page.find(marker);
  REQUIRE(at != std::string::npos);
  const auto start = at + marker.size();
  const std::string verifier = page.substr(start, page.find('<', start) - start);
  auth.write_stdin(verifier + "\n");
  const int code = auth.wait(std::chrono::seconds(30));
  INFO(auth.err());
  REQUIRE(code == 0);
  CHECK(auth.out().find("Authorized as demo (12345678@N00)") != std::string::npos);

  struct stat info {};
  REQUIRE(::stat(config.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  const std::string stored = read_file(config);
  CHECK(stored.find("oauth_token = test-token\n") != std::string::npos);
  CHECK(stored.find("oauth_token_secret = test-token-secret\n") != std::string::npos);
  CHECK(stored.find("api_key = test-key\n") != std::string::npos);
  CHECK(stored.find("user_nsid = 12345678@N00\n") != std::string::npos);

  // flickrfs call reads the stored token (no credentials in the environment now).
  const std::vector<std::string> no_env = {"FLICKRFS_API_KEY=", "FLICKRFS_API_SECRET=",
                                           "FLICKRFS_OAUTH_TOKEN=", "FLICKRFS_OAUTH_TOKEN_SECRET="};
  const auto login =
      run_command(flickrfs_args(emulator, config, {"call", "flickr.test.login"}), no_env);
  INFO(login.err);
  CHECK(login.exit_code == 0);
  CHECK(login.out.find("\"12345678@N00\"") != std::string::npos);
  CHECK(login.out.find("\"stat\":\"ok\"") != std::string::npos);

  const auto info_call = run_command(
      flickrfs_args(emulator, config, {"call", "photos.getInfo", "photo_id=1"}), no_env);
  CHECK(info_call.exit_code == 1);
  CHECK(info_call.err.find("(code 1)") != std::string::npos);
  CHECK(line_count(info_call.err) == 1);
  CHECK(info_call.out.empty());
}

TEST_CASE("wrong secrets exit 2 with one line, -v output never shows a secret", "[emulator]") {
  EmulatorProcess emulator({30, 2, 1, {}});
  test::TempDir home;
  const std::string config = home / "config";
  const std::vector<std::string> good = {
      std::string("FLICKRFS_API_KEY=") + kKey, std::string("FLICKRFS_API_SECRET=") + kSecret,
      std::string("FLICKRFS_OAUTH_TOKEN=") + kToken,
      std::string("FLICKRFS_OAUTH_TOKEN_SECRET=") + kTokenSecret};
  std::vector<std::string> wrong = good;
  wrong[1] = "FLICKRFS_API_SECRET=not-the-secret";

  const auto call =
      run_command(flickrfs_args(emulator, config, {"call", "flickr.test.login"}), wrong);
  CHECK(call.exit_code == 2);
  CHECK(line_count(call.err) == 1);
  CHECK(call.err.find("signature_invalid") != std::string::npos);
  CHECK(call.err.find("not-the-secret") == std::string::npos);

  const auto auth = run_command(flickrfs_args(emulator, config, {"auth"}), wrong, "\n");
  CHECK(auth.exit_code == 2);
  CHECK(line_count(auth.err) == 1);
  struct stat info {};
  CHECK(::stat(config.c_str(), &info) != 0);  // nothing stored

  const auto verbose = run_command(
      flickrfs_args(emulator, config,
                    {"call", "-v", "-v", "flickr.people.getPhotos", "user_id=me", "per_page=3"}),
      good);
  INFO(verbose.err);
  CHECK(verbose.exit_code == 0);
  CHECK(verbose.err.find("flickr.people.getPhotos") != std::string::npos);  // -v did log
  for (const std::string& output :
       {verbose.out, verbose.err, call.err, call.out, auth.out, auth.err}) {
    CHECK(output.find(kSecret) == std::string::npos);
    CHECK(output.find(kTokenSecret) == std::string::npos);
  }

  const auto wrong_verbose = run_command(
      flickrfs_args(emulator, config, {"call", "-v", "-v", "flickr.test.login"}), wrong);
  CHECK(wrong_verbose.exit_code == 2);
  CHECK(wrong_verbose.err.find("not-the-secret") == std::string::npos);
  CHECK(wrong_verbose.err.find(kTokenSecret) == std::string::npos);
}
