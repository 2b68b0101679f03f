#pragma once
// Helpers for the mirror tests: compare two directory trees the way a user would judge a
// copy (kinds, bytes, symlink targets, permission bits, mtimes).
//
// Thread contract: test-thread only.

#include <sys/types.h>

#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace flickrfs::test {

// Differences between two trees, one line each; empty when equal. Names in `ignore_top`
// are skipped at the top level of `actual` (e.g. ".flickrfs-mirror").
std::vector<std::string> compare_trees(const std::string& expected, const std::string& actual,
                                       const std::vector<std::string>& ignore_top = {},
                                       bool compare_top_dir_attrs = true);

// Files under `root` whose name contains ".flickrfs-tmp-" (must be none after any run).
std::vector<std::string> find_temp_files(const std::string& root);

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& bytes);

}  // namespace flickrfs::test
