#pragma once
// Carries out a Plan in DEST: directories, local renames, symlinks, then the file writes on
// --jobs worker threads (each through an AtomicFile; a late write rendered from a file, such
// as info.json from its image, by the same worker right after that file), removals, empty-directory
// pruning, and finally modes and mtimes (directories after their children). Every finished file is
// journaled in the state at once, so an interrupted run resumes where it stopped.
//
// Failure policy: a failed file is reported (stderr + report.failures) and the run goes on;
// more than --max-errors failures, a full disk (stops at once, no_space) or the interrupt
// flag stop scheduling new work and cancel transfers in flight; temporaries are removed.
//
// Thread contract: execute_plan is called from one thread; it owns its worker threads.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "fs/mirror/fetcher.hpp"
#include "fs/mirror/planner.hpp"
#include "fs/mirror/state_file.hpp"

namespace flickrfs::mirror {

struct ExecOptions {
  unsigned jobs = 8;
  std::size_t max_errors = 0;  // 0: no limit
  bool progress = false;
  bool terminal = false;
};

struct ExecReport {
  std::size_t written = 0;
  std::size_t verified = 0;  // --checksum: bytes matched
  std::size_t repaired = 0;  // --checksum: bytes differed and were replaced
  std::size_t moved = 0;
  std::size_t linked = 0;
  std::size_t removed = 0;
  std::size_t unchanged = 0;  // generated content rendered again with the same bytes
  std::uint64_t bytes = 0;
  bool interrupted = false;
  bool no_space = false;
  bool too_many_errors = false;
  std::string fatal_message;          // set with no_space
  std::vector<std::string> failures;  // "path<TAB>owner<TAB>error"
};

[[nodiscard]] ExecReport execute_plan(const Plan& plan, const std::string& dest, MirrorState& state,
                                      Fetcher& fetcher, const ExecOptions& options,
                                      const std::atomic<bool>& interrupt);

}  // namespace flickrfs::mirror
