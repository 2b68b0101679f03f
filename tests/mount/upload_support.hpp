#pragma once
// Helpers of the mounted tests of a --writable mount (upload, replace, delete): pictures to
// copy in, the emulator's originals, the mount's spool, waiting for a condition.
//
// Thread contract: free functions; one test at a time.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/mount/mount_support.hpp"
#include "tests/support/eventually.hpp"

namespace flickrfs::test {

struct Picture {
  std::string path;
  std::string stem;
  std::string sha256;
  std::uint64_t size = 0;
};

// `count` distinct JPEG-framed files (the emulator sniffs the type like Flickr).
std::vector<Picture> make_pictures(const std::string& dir, int count, int seed,
                                   std::size_t min_size = 2000);

// The sha256 of the photo's Original ("" when it has none).
std::string original_sha(const ManifestPhoto& photo);
// sha256 of the Original -> the ids of the photos that have it.
std::map<std::string, std::vector<std::string>> by_original(const Manifest& manifest);

// `cp FILES... TO`.
std::vector<std::string> cp_command(const std::vector<Picture>& pictures, const std::string& to);

// The spool of a writable mount of the emulator's account.
std::string spool_dir(const MountWork& work);
// No spooled file, no job, no record left.
bool spool_empty(const MountWork& work);

// The last page directory of the photostream.
std::string last_page(const std::string& root);

}  // namespace flickrfs::test
