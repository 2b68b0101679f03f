#pragma once
// Independent checks of a mirrored tree against the emulator's /_emulator/manifest (read by
// tests/support/manifest.hpp): every photo's image has the sha256 of the size Flickr rules
// say is best (the original when the owner allows it, else the largest size), info.json names
// the photo and the image's exact byte count, albums hold one symlink per member in album
// order, collections/ nests the collection tree with one link per album into sets/,
// favorites/ holds each listed favorite once as real files, and nothing else is there. Written from
// the manifest and DESIGN section 3, not from fs/model, so a bug shared by the mirror and the model
// still shows.
//
// Thread contract: test-thread only.

#include <map>
#include <string>
#include <vector>

#include "tests/support/emulator_process.hpp"
#include "tests/support/manifest.hpp"

namespace flickrfs::test {

// Problems found, one line each; empty when the tree is right.
std::vector<std::string> check_against_manifest(const std::string& dest, const Manifest& manifest);

// photo id -> its image file under DEST/photostream (relative to DEST); the sidecar is the
// same path with ".json" for the extension.
std::map<std::string, std::string> photo_images(const std::string& dest);

// The lines of a text file ("\n"-terminated); empty when it cannot be read.
std::vector<std::string> lines_of(const std::string& path);

}  // namespace flickrfs::test
