#pragma once
// Helpers for the mirror tests: run a child process, and compare two directory trees the way
// a user would judge a copy (kinds, bytes, symlink targets, permission bits, mtimes).
//
// Thread contract: test-thread only.

#include <sys/types.h>

#include <string>
#include <vector>

namespace flickrfs::test {

struct ProcessResult {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string out;     // stdout
  std::string err;     // stderr
};

// Runs argv[0] with argv, waits, captures both streams.
ProcessResult run_process(const std::vector<std::string>& argv);

// Starts argv in the background with stdout/stderr sent to `log_path`; returns its pid.
pid_t spawn_process(const std::vector<std::string>& argv, const std::string& log_path);
// Waits for `pid`; returns its exit code (128+N when killed by signal N).
int wait_process(pid_t pid);

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
