#pragma once
// Who listed a directory: a program that shows pictures, or a batch tool that walks or copies
// the tree (`ls`, a shell's glob, `cp -r`, `rsync`, `tar`, `find`, the mirror). Thumbnails
// are written for the first kind only: a batch tool never looks at them, and writing them
// costs it rendition downloads and CPU beside its own work, plus the wait on `.hidden`
// (node_attr.hpp) once per directory it copies. A program not recognised counts as a viewer,
// so every file manager, known or not, still finds its thumbnails ready.
//
// Thread contract: free functions, thread-safe; program_of() reads /proc.

#include <sys/types.h>
#include <string>
#include <string_view>

namespace flickrfs::fs::thumbnail {

// The file name of the executable of process (or thread) `pid`, "" when /proc does not say
// (the process is gone, or lives in another PID namespace and pid is 0).
[[nodiscard]] std::string program_of(pid_t pid);

// True for the batch tools above, by executable file name.
[[nodiscard]] bool is_batch_tool(std::string_view program);

}  // namespace flickrfs::fs::thumbnail
