#pragma once
// The REST methods of /services/rest/: each builds a response tree (node.hpp) from the
// world, or returns Flickr's stat:fail code and message. Rendering (JSON/XML), OAuth and
// faults happen in the server layer.
//
// Thread contract: read methods only read the World; write methods (rest_write.cpp) change
// it through `writable` (World is itself thread-safe); safe to call from many threads.

#include <optional>
#include <string>

#include "node.hpp"
#include "upload_tickets.hpp"
#include "util.hpp"
#include "world.hpp"

namespace flickrfs::emulator {

struct CallContext {
  const World& world;
  std::string base_url;                    // "http://127.0.0.1:PORT": prefix of image and page URLs
  ParamList params;                        // every request parameter (decoded)
  bool authenticated = false;              // signed with the owner's access token (read perms)
  std::string token;                       // the access token, when authenticated
  const UploadTickets* tickets = nullptr;  // for flickr.photos.upload.checkTickets
  World* writable = nullptr;               // the same world, for the write methods
  std::string perms;                       // the token's: "read", "write" or "delete"

  [[nodiscard]] std::string param(const std::string& key) const;
  [[nodiscard]] bool has(const std::string& key) const;
};

struct MethodResult {
  std::optional<Node> root;  // success: the children of <rsp>
  int code = 0;              // failure: Flickr error code and message
  std::string message;

  static MethodResult ok(Node root) { return MethodResult{std::move(root), 0, ""}; }
  static MethodResult fail(int code, std::string message) {
    return MethodResult{std::nullopt, code, std::move(message)};
  }
};

// Runs method; unknown methods answer 112 like Flickr.
MethodResult call_method(const std::string& method, const CallContext& ctx);

// Method groups (rest_people.cpp, rest_photos.cpp, rest_favorites.cpp, rest_sets.cpp).
std::optional<MethodResult> call_people_method(const std::string& method, const CallContext& ctx);
std::optional<MethodResult> call_photo_method(const std::string& method, const CallContext& ctx);
std::optional<MethodResult> call_favorites_method(const std::string& method,
                                                  const CallContext& ctx);
std::optional<MethodResult> call_set_method(const std::string& method, const CallContext& ctx);
std::optional<MethodResult> call_write_method(const std::string& method, const CallContext& ctx);

// Shared helpers (rest_lists.cpp).
struct Paging {
  int page = 1;
  int per_page = 100;
};
Paging read_paging(const CallContext& ctx, int default_per_page);
std::vector<std::string> read_extras(const CallContext& ctx);
// One <photo> of a list response, with the requested extras.
enum class ListKind { Standard, Photoset };
Node list_photo(const CallContext& ctx, const Photo& photo, const std::vector<std::string>& extras,
                ListKind kind);
// The user_id argument names the owner ("me" only when authenticated).
bool is_owner(const CallContext& ctx, const std::string& user_id);
// Visible to this caller: public photos, or every photo when authenticated.
bool visible(const CallContext& ctx, const Photo& photo);
MethodResult photo_not_found(const std::string& id);
MethodResult insufficient_permissions();
std::string photo_page_url(const CallContext& ctx, const Photo& photo);

}  // namespace flickrfs::emulator
