// See upload_nodes.hpp.
#include "fs/ops/upload_nodes.hpp"

#include <cerrno>

#include "fs/attr.hpp"
#include "fs/upload/upload_area.hpp"

namespace flickrfs::fs::op {

bool in_uploads(const Context& ctx, fuse_ino_t ino) {
  return ctx.uploads != nullptr && upload::UploadArea::owns(ino);
}

upload::UploadHandle* upload_handle(const fuse_file_info* fi) {
  if (fi == nullptr || fi->fh == 0) return nullptr;
  return dynamic_cast<upload::UploadHandle*>(reinterpret_cast<model::OpenFile*>(fi->fh));
}

bool upload_lookup(fuse_req_t req, Context& ctx, fuse_ino_t parent, const char* name) {
  if (ctx.uploads == nullptr) return false;
  std::optional<model::Attr> attr;
  if (parent == model::kRootIno && name == upload::kUploadDirName) {
    attr = ctx.uploads->attr(model::kUploadIno);
  } else if (upload::UploadArea::owns(parent)) {
    attr = ctx.uploads->lookup(parent, name);
  } else {
    return false;
  }
  if (!attr) {
    fuse_entry_param negative = make_negative_entry(ctx, name);
    negative.entry_timeout = 0;  // a file may be created there any moment
    fuse_reply_entry(req, &negative);
    return true;
  }
  const fuse_entry_param entry = make_entry(ctx, *attr);
  fuse_reply_entry(req, &entry);
  return true;
}

bool upload_getattr(fuse_req_t req, Context& ctx, fuse_ino_t ino) {
  if (!in_uploads(ctx, ino)) return false;
  const auto attr = ctx.uploads->attr(ino);
  if (!attr) {
    fuse_reply_err(req, ENOENT);
    return true;
  }
  struct stat st;
  fill_stat(ctx, *attr, st);
  fuse_reply_attr(req, &st, 0);
  return true;
}

std::vector<model::DirEntry> upload_root_entries(const Context& ctx) {
  if (ctx.uploads == nullptr) return {};
  return {{std::string(upload::kUploadDirName), model::kUploadIno, model::NodeKind::upload_dir}};
}

}  // namespace flickrfs::fs::op
