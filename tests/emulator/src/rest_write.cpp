// Write methods: photosets.create, photosets.addPhoto, photos.delete. Flickr's reflection
// data (flickr-api.md REFL) gives their permissions (write; delete for photos.delete), their
// error codes and messages, and the one quirk a client must live with: a new album goes
// FIRST in the account's album list, and it cannot be empty (its primary photo is required).
#include "rest_api.hpp"
#include "server.hpp"

namespace flickrfs::emulator {

namespace {

// Flickr's 99 for a token below the method's permission.
std::optional<MethodResult> refuse_below(const CallContext& ctx, const std::string& needed) {
  const int have = perms_level(ctx.perms);
  const int want = perms_level(needed);
  if (have >= want && ctx.writable != nullptr) return std::nullopt;
  return MethodResult::fail(99, "Insufficient permissions. Method requires " + needed +
                                    " privileges; " + (have == 0 ? "none" : ctx.perms) +
                                    " granted.");
}

MethodResult create(const CallContext& ctx) {
  if (auto refused = refuse_below(ctx, "write")) return *refused;
  const std::string title = ctx.param("title");
  if (title.empty()) return MethodResult::fail(1, "No title specified");
  const std::string primary = ctx.param("primary_photo_id");
  if (!ctx.world.find(primary)) return MethodResult::fail(2, "Photo not found");
  std::string error;
  const std::string id = ctx.writable->set_create(title, {primary}, &error, true);
  if (id.empty()) return MethodResult::fail(2, "Photo not found");
  Node set("photoset");
  set.attr("id", str(id));
  set.attr("url", str(ctx.base_url + "/photos/" + kPathAlias + "/sets/" + id + "/"));
  Node root("");
  root.child(std::move(set));
  return MethodResult::ok(std::move(root));
}

MethodResult add_photo(const CallContext& ctx) {
  if (auto refused = refuse_below(ctx, "write")) return *refused;
  const std::string set_id = ctx.param("photoset_id");
  const std::string photo_id = ctx.param("photo_id");
  if (!ctx.world.album(set_id)) return MethodResult::fail(1, "Photoset not found");
  if (!ctx.world.find(photo_id)) return MethodResult::fail(2, "Photo not found");
  std::string error;
  if (!ctx.writable->set_add(set_id, photo_id, &error)) {
    if (error == "photo already in set") return MethodResult::fail(3, "Photo already in set");
    return MethodResult::fail(2, "Photo not found");
  }
  return MethodResult::ok(Node(""));
}

MethodResult delete_photo(const CallContext& ctx) {
  if (auto refused = refuse_below(ctx, "delete")) return *refused;
  std::string error;
  if (!ctx.writable->delete_photo(ctx.param("photo_id"), &error)) {
    return MethodResult::fail(1, "Photo not found");
  }
  return MethodResult::ok(Node(""));
}

}  // namespace

std::optional<MethodResult> call_write_method(const std::string& method, const CallContext& ctx) {
  if (method == "flickr.photosets.create") return create(ctx);
  if (method == "flickr.photosets.addPhoto") return add_photo(ctx);
  if (method == "flickr.photos.delete") return delete_photo(ctx);
  return std::nullopt;
}

}  // namespace flickrfs::emulator
