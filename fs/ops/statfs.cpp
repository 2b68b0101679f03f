// op::statfs: df(1) and file managers asking about the filesystem.
//
// Valid replies: fuse_reply_statfs, fuse_reply_err (ENOMEM, EIO).
// A read-only remote tree has no free space; file counts reflect the current snapshot.
#include <sys/statvfs.h>

#include <cstring>

#include "fs/context.hpp"
#include "fs/model/naming.hpp"
#include "fs/ops/guard.hpp"
#include "fs/ops/ops.hpp"

namespace flickrfs::fs::op {

void statfs(fuse_req_t req, fuse_ino_t /*ino*/) {
  guarded(req, "statfs", [&] {
    const auto tree = context_of(req).catalog->tree();
    struct statvfs st;
    std::memset(&st, 0, sizeof st);
    st.f_bsize = 4096;
    st.f_frsize = 4096;
    st.f_namemax = model::kMaxNameBytes;
    st.f_files = 3 + tree->page_count() + tree->album_count() + tree->photo_count() * 3;
    st.f_flag = ST_RDONLY | ST_NOSUID;
    fuse_reply_statfs(req, &st);
  });
}

}  // namespace flickrfs::fs::op
