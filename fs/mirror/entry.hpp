#pragma once
// What a mirror source wants DEST to contain: the desired tree. Every source (a plain
// directory, a flickrfs mount, the Flickr API) produces one DesiredTree; the planner compares
// it with DEST and the state file, and the executor makes DEST match. Nothing here knows
// about Flickr or FUSE.
//
// Thread contract: plain values; built by one thread, then read-only (shared by workers).

#include <sys/types.h>

#include <cstdint>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

namespace flickrfs::mirror {

enum class EntryKind : std::uint8_t { directory, file, symlink };

// Where a file's bytes come from.
struct ContentRef {
  enum class Kind : std::uint8_t { none, local_file, url, inline_bytes, generated };
  Kind kind = Kind::none;
  std::string location;  // local path or URL
  std::string bytes;     // inline_bytes: the whole content
  // generated: renders the content from what DEST holds (info.json names its image's exact
  // byte size, known only once the image is in DEST). Called after `depends_on` is final.
  std::function<std::string(const std::string& dest)> render;
  // url: the source's key of a local cached copy (a flickrfs mount: the blob store's record
  // key), tried before the download; empty when there is none.
  std::string cache_key;
};

struct SourceEntry {
  std::string path;  // relative to DEST: "photostream/page-0001/x/x.jpg", no leading '/';
                     // "" is DEST itself (a directory entry for its mode and mtime)
  EntryKind kind = EntryKind::file;
  std::uint64_t size = 0;   // exact byte count of a file
  bool size_known = true;   // false: learn it from the download (verified against the body)
  timespec mtime{};         // what DEST must show (directories: set after their children)
  mode_t mode = 0;          // permission bits; 0 means 0644 files / 0755 directories
  std::string link_target;  // symlink target, verbatim
  ContentRef content;

  // Incremental bookkeeping. `owner` groups the files of one photo (its id) so a retitle or
  // page shift can rename them locally; `role` names the file within the group ("image",
  // "info", "size:large", "link:<album id>"). `version` changes exactly when the bytes
  // change (e.g. secret + size label); empty means "compare size and mtime" like rsync.
  std::string owner;
  std::string role;
  std::string version;
  bool is_image = false;    // --only images|metadata and progress count these
  std::int64_t order = 0;   // --order: upload time (oldest first by default)
  std::string depends_on;   // generated content: the entry it must be rendered after
  std::string unavailable;  // why the source cannot provide it this run (a listing call
                            // failed): the planner reports it and leaves DEST's copy alone
};

struct DesiredTree {
  std::vector<SourceEntry> entries;  // parents before children
  // False when any part of the listing failed or came back short: --delete then refuses.
  bool complete = true;
  std::string incomplete_reason;
  std::size_t photo_count = 0;  // owners with an image (progress "photos done/total")
};

}  // namespace flickrfs::mirror
