// See mirror.hpp.
#include "fs/mirror/mirror.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>

#include "fs/mirror/disk.hpp"
#include "fs/mirror/progress.hpp"
#include "fs/mirror/state_file.hpp"

namespace flickrfs::mirror {

namespace {

Result<void> create_dest(const std::string& dest) {
  if (::mkdir(dest.c_str(), 0755) == 0 || errno == EEXIST) {
    struct stat st {};
    if (::stat(dest.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return make_error(Errc::invalid_argument, "DEST " + dest + " is not a directory");
    }
    return success();
  }
  if (errno == ENOENT) {
    const std::string parent = parent_path(dest);
    if (!parent.empty() && parent != dest) {
      FLICKRFS_CHECK(create_dest(parent));
      return create_dest(dest);
    }
  }
  return error_from_errno(errno, "create DEST " + dest);
}

MirrorOutcome failed(std::string message, MirrorStatus status = MirrorStatus::error) {
  MirrorOutcome outcome;
  outcome.status = status;
  outcome.message = std::move(message);
  return outcome;
}

std::string summary_line(const MirrorOutcome& outcome, double seconds) {
  const ExecReport& r = outcome.report;
  std::string line = "flickrfs mirror: " + std::to_string(r.written) + " written (" +
                     human_bytes(r.bytes) + "), " + std::to_string(r.moved) + " renamed, " +
                     std::to_string(r.linked) + " linked, " + std::to_string(r.removed) +
                     " deleted, " + std::to_string(outcome.up_to_date) + " up to date, ";
  if (r.verified + r.repaired > 0) {
    line += std::to_string(r.verified) + " verified, " + std::to_string(r.repaired) + " repaired, ";
  }
  const double rate = seconds > 0 ? static_cast<double>(r.bytes) / seconds : 0;
  line += std::to_string(r.failures.size() + outcome.listing_failures) + " failed in " +
          human_duration(seconds) + " (" + human_bytes(static_cast<std::uint64_t>(rate)) + "/s)";
  return line;
}

MirrorStatus status_of(const ExecReport& report, const Plan& plan) {
  if (report.no_space) return MirrorStatus::no_space;
  if (report.interrupted) return MirrorStatus::interrupted;
  if (!report.failures.empty() || !plan.delete_refused.empty() || !plan.failures.empty()) {
    return MirrorStatus::partial;
  }
  return MirrorStatus::ok;
}

}  // namespace

MirrorOutcome run_mirror(const DesiredTree& tree, Fetcher& fetcher, const MirrorOptions& options,
                         const std::atomic<bool>& interrupt) {
  const auto start = options.started.value_or(std::chrono::steady_clock::now());
  const std::string& dest = options.dest;
  if (!options.dry_run) {
    if (auto made = create_dest(dest); !made) return failed(made.error().message);
  }
  int lock_fd = -1;
  if (!options.dry_run) {
    auto lock = lock_dest(dest);
    if (!lock) return failed(lock.error().message);
    lock_fd = *lock;
    if (auto removed = remove_leftover_temps(dest); !removed) {
      ::close(lock_fd);
      return failed(removed.error().message);
    }
  }
  auto state = MirrorState::load(dest);
  if (!state) {
    if (lock_fd >= 0) ::close(lock_fd);
    return failed(state.error().message);
  }
  auto plan = plan_mirror(tree, *state, dest, options.plan);
  if (!plan) {
    if (lock_fd >= 0) ::close(lock_fd);
    return failed(plan.error().message);
  }
  if (!plan->delete_refused.empty()) {
    std::fprintf(stderr, "flickrfs mirror: refusing --delete: %s\n", plan->delete_refused.c_str());
  }
  for (const auto& line : plan->failures) {
    std::fprintf(stderr, "flickrfs mirror: failed: %s\n", line.c_str());
  }
  if (options.dry_run) {
    std::fputs(describe_plan(*plan).c_str(), stdout);
    MirrorOutcome outcome;
    outcome.status = plan->delete_refused.empty() ? MirrorStatus::ok : MirrorStatus::partial;
    return outcome;
  }
  if (auto journal = state->open_journal(dest); !journal) {
    ::close(lock_fd);
    return failed(journal.error().message);
  }
  MirrorOutcome outcome;
  outcome.listing_failures = plan->failures.size();
  outcome.report = execute_plan(*plan, dest, *state, fetcher, options.exec, interrupt);
  outcome.up_to_date = plan->up_to_date + outcome.report.unchanged;
  outcome.status = status_of(outcome.report, *plan);
  std::vector<std::string> failed_lines = plan->failures;
  failed_lines.insert(failed_lines.end(), outcome.report.failures.begin(),
                      outcome.report.failures.end());
  if (!plan->delete_refused.empty())
    failed_lines.push_back("-\t-\trefused --delete: " + plan->delete_refused);
  auto saved = state->save(dest);
  auto listed = write_failed_list(dest, failed_lines);
  ::close(lock_fd);
  if (outcome.status == MirrorStatus::no_space) {
    outcome.message = "no space left on device in " + dest + " (" + outcome.report.fatal_message +
                      "); stopped cleanly, no partial file kept; free space and rerun to resume";
  } else if (!saved && outcome.status != MirrorStatus::interrupted) {
    outcome.status =
        saved.error().code == Errc::no_space ? MirrorStatus::no_space : MirrorStatus::error;
    outcome.message = "cannot save mirror state: " + saved.error().message;
  }
  if (!listed && outcome.status == MirrorStatus::ok) outcome.status = MirrorStatus::partial;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s\n", summary_line(outcome, seconds).c_str());
  std::fflush(stdout);
  return outcome;
}

}  // namespace flickrfs::mirror
