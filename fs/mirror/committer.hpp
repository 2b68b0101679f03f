#pragma once
// Group commit of finished AtomicFiles. A worker that has written a file hands it over here
// and goes back to the network instead of waiting in fsync (about 10 ms each on a busy ext4,
// thousands of times per mirror). The committer thread takes everything queued so far as one
// batch and, per file, fsyncs then renames it: the first fsync commits the file system
// journal with every queued file's blocks, so the rest return almost at once. The guarantee
// is AtomicFile's: no rename before the bytes are durable; SIGKILL leaves only temporaries.
//
// Thread contract: submit() from any thread, also from a callback; callbacks run on the
// committer thread without its lock held; flush() waits until the queue is empty and no
// callback runs, including files that callbacks submitted.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "base/result.hpp"
#include "fs/mirror/atomic_file.hpp"

namespace flickrfs::mirror {

class Committer {
 public:
  // Called once per file with the outcome of fsync + rename.
  using Done = std::function<void(Result<void>)>;

  Committer();
  ~Committer();  // flushes, then joins
  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;

  // `file` must be finish()ed.
  void submit(AtomicFile file, Done done);
  void flush();

 private:
  struct Pending {
    AtomicFile file;
    Done done;
  };
  void loop();

  std::mutex m_mutex;  // guards the members below
  std::condition_variable m_wake;
  std::condition_variable m_idle;
  std::vector<Pending> m_queue;
  bool m_busy = false;
  bool m_stop = false;
  std::thread m_thread;  // last: started after the members it uses
};

}  // namespace flickrfs::mirror
