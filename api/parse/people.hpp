#pragma once
// Parsers for the people/auth calls: people.getInfo ({"person": {nsid, ispro, path_alias,
// username._content, realname._content, photos.count._content}}), people.findByUsername and
// test.login ({"user": {id|nsid, username._content}}), auth.oauth.checkToken
// ({"oauth": {token._content, perms._content, user{nsid, username, fullname}}}).
//
// Thread contract: free functions; thread-safe.

#include <string_view>

#include "api/types.hpp"
#include "base/result.hpp"

namespace flickrfs::api::parse {

[[nodiscard]] Result<User> person_info(std::string_view body);
// findByUsername and test.login; `method` for error messages.
[[nodiscard]] Result<User> user_ref(std::string_view body, std::string_view method);
[[nodiscard]] Result<TokenInfo> token_info(std::string_view body);

}  // namespace flickrfs::api::parse
