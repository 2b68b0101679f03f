#pragma once
// What `flickrfs mount --writable` adds to a mount: the token check, MOUNT/upload/
// (UploadArea) and the thread that uploads what is copied there (UploadWorker), with their
// spool in <user cache dir>/mount-uploads (the same state format as `flickrfs upload`).
//
// Thread contract: open_mount_uploads() on the mount's thread before serving; the parts
// keep their own contracts.

#include <functional>
#include <memory>
#include <string>

#include "api/flickr_client.hpp"
#include "fs/upload/upload_area.hpp"
#include "fs/upload/upload_worker.hpp"

namespace flickrfs::upload {

struct MountUploads {
  std::unique_ptr<UploadArea> area;
  std::unique_ptr<UploadWorker> worker;  // started by the caller once the mount serves
};

// Errc::auth with one actionable line when the token may not write (or, with
// `allow_delete`, delete): flickr.auth.oauth.checkToken says what it was granted.
[[nodiscard]] Result<MountUploads> open_mount_uploads(
    api::FlickrClient& client, const std::string& user_dir, bool allow_delete,
    std::function<void()> on_uploaded, std::function<void(const std::string&)> on_replaced = {});

}  // namespace flickrfs::upload
