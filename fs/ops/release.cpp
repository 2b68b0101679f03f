// op::release: the last close of an open file; frees its model::OpenFile (which unpins the
// blob, making it evictable again). A file written in upload/, or the replacement of an
// image, is queued for Flickr here (UploadArea::release: fsync, job file, rename); its
// errors were already given to close() by flush, so one here is only logged.
//
// Valid replies: fuse_reply_err(0).
#include "fs/log.hpp"
#include "fs/model/catalog_view.hpp"
#include "fs/ops/guard.hpp"
#include "fs/ops/ops.hpp"
#include "fs/ops/upload_nodes.hpp"
#include "fs/upload/upload_area.hpp"

namespace flickrfs::fs::op {

void release(fuse_req_t req, fuse_ino_t /*ino*/, fuse_file_info* fi) {
  guarded(req, "release", [&] {
    auto* upload = upload_handle(fi);
    auto* file = reinterpret_cast<model::OpenFile*>(fi->fh);
    fi->fh = 0;
    Context& ctx = context_of(req);
    if (upload != nullptr && ctx.uploads != nullptr) {
      std::unique_ptr<upload::UploadHandle> handle(upload);
      auto queued = ctx.uploads->release(std::move(handle));
      if (!queued.ok()) log::warning("upload/: %s", queued.error().describe().c_str());
    } else {
      delete file;
    }
    fuse_reply_err(req, 0);
  });
}

}  // namespace flickrfs::fs::op
