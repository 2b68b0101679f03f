#pragma once
// Independent checks of a mirrored tree against the emulator's /_emulator/manifest: every
// photo's image has the sha256 of the size Flickr rules say is best (the original when the
// owner allows it, else the largest size), info.json names the photo and the image's exact
// byte count, albums hold one symlink per member in album order, and nothing else is there.
// Written from the manifest and DESIGN section 3, not from fs/model, so a bug shared by the
// mirror and the model still shows.
//
// Thread contract: test-thread only.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tests/support/emulator_process.hpp"

namespace flickrfs::test {

struct ManifestSize {
  std::string label;
  std::string media;
  int width = 0;
  std::uint64_t bytes = 0;
  std::string sha256;
};

struct ManifestPhoto {
  std::string id;
  std::string title;
  std::string media;
  std::string date_taken;
  bool original_allowed = false;
  std::vector<std::string> sets;
  std::vector<ManifestSize> sizes;
};

struct ManifestSet {
  std::string id;
  std::vector<std::string> photo_ids;
};

struct Manifest {
  std::map<std::string, ManifestPhoto> photos;
  std::vector<ManifestSet> sets;
};

Manifest fetch_manifest(const EmulatorProcess& emulator);

std::string sha256_hex(const std::string& bytes);

// Problems found, one line each; empty when the tree is right.
std::vector<std::string> check_against_manifest(const std::string& dest, const Manifest& manifest);

// photo id -> its directory under DEST/photostream (relative to DEST).
std::map<std::string, std::string> photo_dirs(const std::string& dest);

}  // namespace flickrfs::test
