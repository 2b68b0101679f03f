#pragma once
// Parsers for albums and collections: photosets.getList ({"photosets": {page, pages,
// photoset: [...]}}, titles and descriptions as _content wrappers) and collections.getTree
// ({"collections": {"collection": [ {id, title, description, set: [...], collection: [...]}
// ]}}, recursive). Missing containers are empty lists.
//
// Thread contract: free functions; thread-safe.

#include <string_view>
#include <vector>

#include "api/types.hpp"
#include "base/result.hpp"

namespace flickrfs::api::parse {

struct PhotosetPage {
  int page = 1;
  int pages = 1;
  std::vector<Photoset> photosets;
};

[[nodiscard]] Result<PhotosetPage> photoset_list(std::string_view body);
[[nodiscard]] Result<std::vector<Collection>> collection_tree(std::string_view body);
// photosets.create: {"photoset": {"id": "...", "url": "..."}} -> the id.
[[nodiscard]] Result<std::string> created_photoset(std::string_view body);

}  // namespace flickrfs::api::parse
