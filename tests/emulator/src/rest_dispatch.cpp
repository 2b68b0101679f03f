// Method dispatch and the helpers every method shares (see rest_api.hpp).
#include "rest_api.hpp"

namespace flickrfs::emulator {

std::string CallContext::param(const std::string& key) const {
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return "";
}

bool CallContext::has(const std::string& key) const {
  for (const auto& [k, v] : params) {
    if (k == key) return true;
  }
  return false;
}

MethodResult call_method(const std::string& method, const CallContext& ctx) {
  if (auto r = call_people_method(method, ctx)) return std::move(*r);
  if (auto r = call_photo_method(method, ctx)) return std::move(*r);
  if (auto r = call_favorites_method(method, ctx)) return std::move(*r);
  if (auto r = call_set_method(method, ctx)) return std::move(*r);
  if (auto r = call_write_method(method, ctx)) return std::move(*r);
  return MethodResult::fail(112, "Method \"" + method + "\" not found");
}

bool is_owner(const CallContext& ctx, const std::string& user_id) {
  return user_id == kUserNsid || (user_id == "me" && ctx.authenticated);
}

bool visible(const CallContext& ctx, const Photo& photo) {
  return photo.is_public || ctx.authenticated;
}

MethodResult photo_not_found(const std::string& id) {
  return MethodResult::fail(1, "Photo \"" + id + "\" not found (invalid ID)");
}

MethodResult insufficient_permissions() {
  return MethodResult::fail(99,
                            "Insufficient permissions. Method requires read privileges; none "
                            "granted.");
}

std::string photo_page_url(const CallContext& ctx, const Photo& photo) {
  return ctx.base_url + "/photos/" + kPathAlias + "/" + photo.id + "/";
}

}  // namespace flickrfs::emulator
