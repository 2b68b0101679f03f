// main() of the mounted tests: checks that this machine can mount FUSE filesystems first
// (libfuse's test runner does the same) and exits 77, which ctest reports as skipped
// (SKIP_RETURN_CODE 77; Catch2 v2 has no SKIP), with a one-line reason when it cannot.
#define CATCH_CONFIG_RUNNER
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tests/support/emulator_process.hpp"

namespace {

bool in_path(const char* program) {
  const char* path = std::getenv("PATH");  // NOLINT(concurrency-mt-unsafe): before threads
  std::string_view rest = path != nullptr ? path : "/usr/bin:/bin";
  while (!rest.empty()) {
    const auto colon = rest.find(':');
    const std::string dir(rest.substr(0, colon));
    if (::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return false;
}

// Empty when mounting can work, else why not.
std::string why_not_mountable() {
  const int fd = ::open("/dev/fuse", O_RDWR | O_CLOEXEC);
  if (fd < 0) return "/dev/fuse is missing or not accessible";
  ::close(fd);
  if (!in_path("fusermount3")) return "fusermount3 is not installed (Debian package fuse3)";
  for (const char* binary : {"flickrfs", "flickr-emulator"}) {
    if (::access(flickrfs::test::build_binary(binary).c_str(), X_OK) != 0) {
      return std::string("build/") + binary + " is not built";
    }
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  bool listing = false;
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]).starts_with("--list")) listing = true;
  }
  if (!listing) {
    const std::string reason = why_not_mountable();
    if (!reason.empty()) {
      std::printf("SKIP: mounted tests need FUSE: %s\n", reason.c_str());
      return 77;
    }
  }
  return Catch::Session().run(argc, argv);
}
