// fs/cli/options.cpp: shared options in both spellings, and missing values.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "fs/cli/options.hpp"

using namespace flickrfs::cli;

TEST_CASE("global options accept '--opt value' and '--opt=value'", "[cli]") {
  const std::vector<std::string> argv = {
      "--api-url", "http://127.0.0.1:1", "--user=demo", "--offline", "-v", "mnt"};
  ArgCursor args(argv);
  GlobalOptions options;
  while (!args.done()) {
    auto consumed = parse_global_option(args, options);
    REQUIRE(consumed.ok());
    if (!*consumed) break;
  }
  CHECK(options.api_url == "http://127.0.0.1:1");
  CHECK(options.user == "demo");
  CHECK(options.offline);
  CHECK(options.verbosity == 1);
  REQUIRE_FALSE(args.done());
  CHECK(args.peek() == "mnt");
}

TEST_CASE("an option without its value is a usage error", "[cli]") {
  const std::vector<std::string> argv = {"--cache-dir"};
  ArgCursor args(argv);
  GlobalOptions options;
  auto consumed = parse_global_option(args, options);
  REQUIRE_FALSE(consumed.ok());
  CHECK(consumed.error().message == "--cache-dir needs a value");
}

TEST_CASE("a trailing slash on the API URL is dropped", "[cli]") {
  GlobalOptions options;
  options.api_url = "http://127.0.0.1:8080//";
  apply_environment_defaults(options);
  CHECK(options.api_url == "http://127.0.0.1:8080");
}
