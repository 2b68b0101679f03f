// The fuse_lowlevel_ops table: which op file answers which request. Operations not listed
// are answered ENOSYS by libfuse. The write ops answer EROFS outside MOUNT/upload/ and the
// photostream's images (and a mount without --writable is mounted read-only: the kernel
// refuses writes before them).
#include "fs/ops/ops.hpp"

namespace flickrfs::fs {

namespace {

fuse_lowlevel_ops make_operations() {
  fuse_lowlevel_ops ops{};
  // clang-format off: one aligned block reads as a table
  ops.init = op::init;
  ops.destroy = op::destroy;
  ops.lookup = op::lookup;
  ops.forget = op::forget;
  ops.forget_multi = op::forget_multi;
  ops.getattr = op::getattr;
  ops.readlink = op::readlink;
  ops.opendir = op::opendir;
  ops.readdir = op::readdir;
  ops.readdirplus = op::readdirplus;
  ops.releasedir = op::releasedir;
  ops.open = op::open;
  ops.read = op::read;
  ops.release = op::release;
  ops.statfs = op::statfs;
  ops.getxattr = op::getxattr;
  ops.listxattr = op::listxattr;
  ops.create = op::create;
  ops.mkdir = op::mkdir;
  ops.write = op::write;
  ops.flush = op::flush;
  ops.fsync = op::fsync;
  ops.setattr = op::setattr;
  ops.unlink = op::unlink;
  // clang-format on
  return ops;
}

}  // namespace

const fuse_lowlevel_ops& operations() {
  static const fuse_lowlevel_ops table = make_operations();
  return table;
}

}  // namespace flickrfs::fs
