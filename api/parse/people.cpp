// See people.hpp.
#include "api/parse/people.hpp"

#include "api/parse/json_util.hpp"

namespace flickrfs::api::parse {

namespace {

namespace od = detail::od;
using detail::for_each_member;
using detail::text;

void user_member(User& user, std::string_view key, od::value value) {
  if (key == "nsid" || (key == "id" && user.nsid.empty())) {
    user.nsid = text(value);
  } else if (key == "username") {
    user.username = text(value);
  } else if (key == "realname" || key == "fullname") {
    user.realname = text(value);
  } else if (key == "path_alias") {
    user.path_alias = text(value);
  } else if (key == "ispro") {
    user.is_pro = detail::flag(value);
  } else if (key == "photos") {
    for_each_member(value, [&](std::string_view field, od::value inner) {
      if (field == "count") user.photo_count = detail::integer(inner);
    });
  }
}

Result<User> single_user(std::string_view body, std::string_view method,
                         std::string_view container) {
  User user;
  bool found = false;
  FLICKRFS_CHECK(detail::parse_root(body, method, [&](std::string_view key, od::value value) {
    if (key != container) return;
    found = true;
    for_each_member(
        value, [&](std::string_view member, od::value inner) { user_member(user, member, inner); });
  }));
  if (!found || user.nsid.empty()) {
    return make_error(Errc::bad_response, std::string(method) + ": reply names no user");
  }
  return user;
}

}  // namespace

Result<User> person_info(std::string_view body) {
  return single_user(body, "flickr.people.getInfo", "person");
}

Result<User> user_ref(std::string_view body, std::string_view method) {
  return single_user(body, method, "user");
}

Result<TokenInfo> token_info(std::string_view body) {
  TokenInfo info;
  bool found = false;
  constexpr std::string_view kMethod = "flickr.auth.oauth.checkToken";
  FLICKRFS_CHECK(detail::parse_root(body, kMethod, [&](std::string_view key, od::value value) {
    if (key != "oauth") return;
    found = true;
    for_each_member(value, [&](std::string_view member, od::value inner) {
      if (member == "perms") info.perms = text(inner);
      if (member != "user") return;
      for_each_member(inner, [&](std::string_view field, od::value user_value) {
        user_member(info.user, field, user_value);
      });
    });
  }));
  if (!found) return make_error(Errc::bad_response, std::string(kMethod) + ": no oauth member");
  return info;
}

}  // namespace flickrfs::api::parse
