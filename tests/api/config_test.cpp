// api/config: the `key = value` file, environment overrides, and the atomic 0600 save.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "api/config.hpp"
#include "tests/support/temp_dir.hpp"

using namespace flickrfs;
using namespace flickrfs::api;

namespace {

mode_t mode_of(const std::string& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

}  // namespace

TEST_CASE("config text: comments, blanks, spaces, unknown keys kept", "[config]") {
  auto parsed = parse_config(
      "# written by flickrfs\n\n  api_key = abc \napi_secret=s=e=c\r\nfuture_option = 7\n"
      "oauth_token = t\noauth_token_secret = ts\nuser_nsid = 1@N00\nusername = demo user\n");
  REQUIRE(parsed.ok());
  CHECK(parsed->api_key == "abc");
  CHECK(parsed->api_secret == "s=e=c");
  CHECK(parsed->oauth_token == "t");
  CHECK(parsed->oauth_token_secret == "ts");
  CHECK(parsed->username == "demo user");
  CHECK(parsed->has_token());
  REQUIRE(parsed->other.size() == 1);
  CHECK(parsed->other[0].first == "future_option");

  auto again = parse_config(format_config(*parsed));
  REQUIRE(again.ok());
  CHECK(again->api_secret == parsed->api_secret);
  CHECK(again->other == parsed->other);
}

TEST_CASE("a malformed line names its number, never its content", "[config]") {
  auto bad = parse_config("api_key = k\nmysecretvalue\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == Errc::config);
  CHECK(bad.error().message.find("line 2") != std::string::npos);
  CHECK(bad.error().message.find("mysecretvalue") == std::string::npos);
}

TEST_CASE("environment variables override the file", "[config]") {
  Credentials credentials;
  credentials.api_key = "file-key";
  credentials.oauth_token = "file-token";
  const std::map<std::string, std::string> env = {{"FLICKRFS_API_KEY", "env-key"},
                                                  {"FLICKRFS_OAUTH_TOKEN", ""},
                                                  {"FLICKRFS_OAUTH_TOKEN_SECRET", "env-ts"}};
  apply_environment(credentials, [&](const char* name) -> std::optional<std::string> {
    const auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
  CHECK(credentials.api_key == "env-key");
  CHECK(credentials.oauth_token == "file-token");  // empty variable: ignored
  CHECK(credentials.oauth_token_secret == "env-ts");
}

TEST_CASE("save creates the directory 0700 and the file 0600, atomically replaced", "[config]") {
  test::TempDir dir;
  const std::string path = dir / "a/b/config";
  Credentials credentials;
  credentials.api_key = "k";
  credentials.api_secret = "s";
  REQUIRE(save_credentials(path, credentials).ok());
  CHECK(mode_of(dir / "a/b") == 0700);
  CHECK(mode_of(path) == 0600);

  credentials.oauth_token = "t";
  credentials.oauth_token_secret = "ts";
  REQUIRE(save_credentials(path, credentials).ok());
  CHECK(mode_of(path) == 0600);
  auto loaded = load_credentials(path);
  REQUIRE(loaded.ok());
  CHECK(loaded->oauth_token_secret == "ts");
  // No temporary file is left behind.
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "a/b")) {
    (void)entry;
    ++entries;
  }
  CHECK(entries == 1);
}

TEST_CASE("a missing file is empty credentials, a directory in the way is an error", "[config]") {
  test::TempDir dir;
  auto missing = load_credentials(dir / "nope");
  REQUIRE(missing.ok());
  Credentials credentials;
  credentials.api_key = "k";
  std::ofstream(dir / "file") << "x = y\n";
  auto blocked = save_credentials(dir / "file/config", credentials);
  REQUIRE_FALSE(blocked.ok());
}

TEST_CASE("secrets in a file other users can read are refused, like ssh keys", "[config]") {
  test::TempDir dir;
  const std::string path = dir / "config";
  std::ofstream(path) << "api_key = k\napi_secret = s3cret\n";
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  auto open = load_credentials(path);
  REQUIRE_FALSE(open.ok());
  CHECK(open.error().code == Errc::config);  // exit 1
  CHECK(open.error().message.find(path) != std::string::npos);
  CHECK(open.error().message.find("chmod 600 " + path) != std::string::npos);
  CHECK(open.error().message.find("0644") != std::string::npos);
  CHECK(open.error().message.find("s3cret") == std::string::npos);
  REQUIRE(::chmod(path.c_str(), 0640) == 0);  // group-readable is open too
  CHECK_FALSE(load_credentials(path).ok());
  REQUIRE(::chmod(path.c_str(), 0600) == 0);
  auto closed = load_credentials(path);
  REQUIRE(closed.ok());
  CHECK(closed->api_secret == "s3cret");
  // Without a secret (a key alone identifies nobody) the mode does not matter.
  std::ofstream(path) << "api_key = k\nusername = demo\n";
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  CHECK(load_credentials(path).ok());
}
