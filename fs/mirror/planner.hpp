#pragma once
// Compares the desired tree with DEST and the state file and decides what to do: create
// directories, write files (download / copy / inline metadata), rename a photo's files that
// only moved (retitle, page shift), replace symlinks, remove files of photos that moved, and
// with --delete remove everything the source no longer has (refused when the listing is
// incomplete or empty). Nothing is changed here; --dry-run prints the plan.
//
// Thread contract: pure planning on one thread; the Plan points into the DesiredTree, which
// must outlive it.

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "fs/mirror/entry.hpp"
#include "fs/mirror/state_file.hpp"

namespace flickrfs::mirror {

enum class OnlyFilter : std::uint8_t { all, images, metadata };
enum class Order : std::uint8_t { oldest, newest };

struct PlanOptions {
  bool delete_extraneous = false;  // --delete
  bool checksum = false;           // --checksum: compare bytes, not size + mtime
  OnlyFilter only = OnlyFilter::all;
  Order order = Order::oldest;
};

enum class ActionKind : std::uint8_t { make_dir, write, move, link, remove, verify };

struct Action {
  ActionKind kind = ActionKind::write;
  const SourceEntry* entry = nullptr;  // null for remove
  std::string path;                    // relative to DEST
  std::string from;       // move: the old relative path; a late write: a file that may hold the
                          // same rendering under an old name (renamed instead of written)
  std::string bytes;      // generated content rendered while planning
  bool rendered = false;  // `bytes` holds it
};

struct Plan {
  std::vector<Action> make_dirs;  // parents first
  std::vector<Action> moves;
  std::vector<Action> links;
  std::vector<Action> writes;  // in --order; `verify` actions compare bytes first
  // Generated content whose input changes in this run: rendered after `writes`, written
  // only if different.
  std::vector<Action> late_writes;
  std::vector<Action> removals;                 // deepest first
  std::vector<const SourceEntry*> directories;  // mode + mtime after children, deepest first
  std::vector<const SourceEntry*> attr_fixes;   // content current, mode or mtime not
  std::vector<StateRecord> current;             // up to date: (re)recorded in the state
  std::vector<std::string> prune_dirs;          // emptied by moves/removals: rmdir if empty
  std::size_t up_to_date = 0;
  std::uint64_t bytes_to_write = 0;   // known sizes only
  std::string delete_refused;         // --delete was refused: why
  std::vector<std::string> failures;  // entries the source could not provide: "path\towner\twhy"
};

[[nodiscard]] Result<Plan> plan_mirror(const DesiredTree& tree, const MirrorState& state,
                                       const std::string& dest, const PlanOptions& options);

// One line per action, rsync --dry-run style, and a count line.
[[nodiscard]] std::string describe_plan(const Plan& plan);

// The state record an entry leaves behind once DEST holds it.
// `version` overrides the entry's (generated content: the version of the rendered bytes).
[[nodiscard]] StateRecord record_for(const SourceEntry& entry, std::uint64_t size,
                                     std::string version = {});

// A stable 64-bit FNV-1a of some bytes, as hex: the version of inline content.
[[nodiscard]] std::string content_version(std::string_view bytes);

}  // namespace flickrfs::mirror
