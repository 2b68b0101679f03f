// The environment of every test executable (this file is part of the flickrfs_test_support
// object library, so it is linked into all of them):
// - FLICKRFS_BUILD_DIR and FLICKRFS_SOURCE_DIR unless the environment already has them.
//   ctest's per-test ENVIRONMENT cannot carry two variables through catch_discover_tests, and
//   tests run by hand need them too.
// - XDG_CACHE_HOME: a directory of this process's own, removed when it exits. A command run
//   without --cache-dir keeps Flickr's call budget of its API key in the cache directory,
//   shared by every process of that key, as on a user's machine; all tests use one key, so
//   without this the suite's calls add up across tests and runs (a few runs in an hour spend
//   3,600 and the next mirror test waits for the window), and tests would write to the
//   user's ~/.cache.
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

struct TestEnvironment {
  TestEnvironment() {
    ::setenv("FLICKRFS_BUILD_DIR", FLICKRFS_TEST_BUILD_DIR, 0);
    ::setenv("FLICKRFS_SOURCE_DIR", FLICKRFS_TEST_SOURCE_DIR, 0);
    const char* tmp = std::getenv("TMPDIR");
    std::string path =
        std::string(tmp != nullptr && tmp[0] == '/' ? tmp : "/tmp") + "/flickrfs-test-cache-XXXXXX";
    if (::mkdtemp(path.data()) != nullptr) {
      cache_home = path;
      ::setenv("XDG_CACHE_HOME", cache_home.c_str(), 1);
      ::unsetenv("FLICKRFS_CACHE_DIR");
    }
  }
  ~TestEnvironment() {
    if (cache_home.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(cache_home, ignored);
  }
  TestEnvironment(const TestEnvironment&) = delete;
  TestEnvironment& operator=(const TestEnvironment&) = delete;

  std::string cache_home;
};

const TestEnvironment g_test_environment;

}  // namespace
