// Sets FLICKRFS_BUILD_DIR and FLICKRFS_SOURCE_DIR for every test executable (this file is part
// of the flickrfs_test_support object library, so it is linked into all of them) unless the
// environment already has them. ctest's per-test ENVIRONMENT cannot carry two variables
// through catch_discover_tests, and tests run by hand need them too.
#include <cstdlib>

namespace {

struct TestEnvironment {
  TestEnvironment() {
    ::setenv("FLICKRFS_BUILD_DIR", FLICKRFS_TEST_BUILD_DIR, 0);
    ::setenv("FLICKRFS_SOURCE_DIR", FLICKRFS_TEST_SOURCE_DIR, 0);
  }
};

const TestEnvironment g_test_environment;

}  // namespace
