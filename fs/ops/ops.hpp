#pragma once
// The FUSE low-level operations of flickrfs, one file each (fs/ops/<name>.cpp), wired into
// fuse_lowlevel_ops by fs/ops_table.cpp. Each op decodes its request, asks the model /
// catalog through the Context (fuse_req_userdata), and sends exactly one reply. Each file
// lists the replies it can send and the kernel cache effects it sets.
//
// Thread contract: called concurrently from the session loop's worker threads; no op keeps
// state of its own (open files live in fuse_file_info::fh).

#include <fuse_lowlevel.h>

namespace flickrfs::fs::op {

void init(void* userdata, fuse_conn_info* conn);
void destroy(void* userdata);
void lookup(fuse_req_t req, fuse_ino_t parent, const char* name);
void forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void forget_multi(fuse_req_t req, size_t count, fuse_forget_data* forgets);
void getattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void readlink(fuse_req_t req, fuse_ino_t ino);
void opendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset, fuse_file_info* fi);
void readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset, fuse_file_info* fi);
void releasedir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset, fuse_file_info* fi);
void release(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void statfs(fuse_req_t req, fuse_ino_t ino);
void getxattr(fuse_req_t req, fuse_ino_t ino, const char* name, size_t size);
void listxattr(fuse_req_t req, fuse_ino_t ino, size_t size);
// Writes: MOUNT/upload/ of a --writable mount (fs/upload/) and replacing a photostream
// image (O_TRUNC); EROFS anywhere else.
void create(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, fuse_file_info* fi);
void mkdir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode);
void write(fuse_req_t req, fuse_ino_t ino, const char* buf, size_t size, off_t offset,
           fuse_file_info* fi);
void flush(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void fsync(fuse_req_t req, fuse_ino_t ino, int datasync, fuse_file_info* fi);
void setattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info* fi);
// rm of a photostream image: deletes the photo on Flickr with --allow-delete; EPERM otherwise.
void unlink(fuse_req_t req, fuse_ino_t parent, const char* name);

}  // namespace flickrfs::fs::op

namespace flickrfs::fs {

// The table the session is created with.
[[nodiscard]] const fuse_lowlevel_ops& operations();

}  // namespace flickrfs::fs
