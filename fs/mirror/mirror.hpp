#pragma once
// One mirror run from a desired tree into DEST: lock DEST, remove temporaries an earlier run
// left behind, load the state, plan, then either print the plan (--dry-run) or execute it,
// save the state and failed.txt, and print the summary line.
//
// Thread contract: run_mirror is called once from the command's thread; `interrupt` may be
// set from a signal handler (it must be lock-free).

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "fs/mirror/entry.hpp"
#include "fs/mirror/executor.hpp"
#include "fs/mirror/fetcher.hpp"
#include "fs/mirror/planner.hpp"

namespace flickrfs::mirror {

struct MirrorOptions {
  std::string dest;
  PlanOptions plan;
  ExecOptions exec;
  bool dry_run = false;
  // When the run began (before listing Flickr): the summary's elapsed time is the run's wall
  // time. Default: when run_mirror was called.
  std::optional<std::chrono::steady_clock::time_point> started;
};

enum class MirrorStatus : std::uint8_t { ok, partial, interrupted, no_space, error };

struct MirrorOutcome {
  MirrorStatus status = MirrorStatus::ok;
  std::string message;  // one line for stderr when status is error or no_space
  ExecReport report;
  std::size_t up_to_date = 0;
  std::size_t listing_failures = 0;  // entries the source could not provide
};

[[nodiscard]] MirrorOutcome run_mirror(const DesiredTree& tree, Fetcher& fetcher,
                                       const MirrorOptions& options,
                                       const std::atomic<bool>& interrupt);

}  // namespace flickrfs::mirror
