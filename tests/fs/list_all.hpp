#pragma once
// Every entry of a directory of a model::Tree from `offset` on, for tree tests.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "fs/model/tree.hpp"

namespace flickrfs::test {

inline std::vector<model::DirEntry> list_all(const model::Tree& tree, model::Ino dir,
                                             std::uint64_t offset = 0) {
  std::vector<model::DirEntry> out;
  REQUIRE(tree.list(dir, offset, [&](const model::DirEntry& e, std::uint64_t) {
    out.push_back(e);
    return true;
  }));
  return out;
}

}  // namespace flickrfs::test
