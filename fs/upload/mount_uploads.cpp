// See mount_uploads.hpp.
#include "fs/upload/mount_uploads.hpp"

namespace flickrfs::upload {

namespace {

int perms_level(const std::string& perms) {
  return perms == "delete" ? 3 : perms == "write" ? 2 : perms == "read" ? 1 : 0;
}

}  // namespace

Result<MountUploads> open_mount_uploads(api::FlickrClient& client, const std::string& user_dir,
                                        bool allow_delete, std::function<void()> on_uploaded,
                                        std::function<void(const std::string&)> on_replaced) {
  if (!client.authenticated()) {
    return make_error(Errc::auth,
                      "--writable needs a token: run `flickrfs auth --perms write` first");
  }
  FLICKRFS_TRY(const auto token, client.check_token());
  const int needed = allow_delete ? 3 : 2;
  if (perms_level(token.perms) < needed) {
    const std::string want = allow_delete ? "delete" : "write";
    return make_error(Errc::auth,
                      "the token has " + (token.perms.empty() ? std::string("no") : token.perms) +
                          " permission; " + (allow_delete ? "--allow-delete" : "--writable") +
                          " needs " + want + ": run `flickrfs auth --perms " + want + "`");
  }
  const std::string dir = user_dir + "/mount-uploads";
  // The lock first: a second writable mount of the account must not touch the first's files.
  FLICKRFS_TRY(auto spool, UploadSpool::open(dir, "writable mount of this account"));
  FLICKRFS_TRY(auto area, UploadArea::open(dir));
  MountUploads out;
  out.worker = std::make_unique<UploadWorker>(client, *area, std::move(spool),
                                              std::move(on_uploaded), std::move(on_replaced));
  out.area = std::move(area);
  return out;
}

}  // namespace flickrfs::upload
