#pragma once
// Hand-made Flickr photos and albums for the model tests (no network, no LMDB).

#include <string>
#include <vector>

#include "api/types.hpp"
#include "fs/model/tree.hpp"

namespace flickrfs::test {

// A photo with the usual size ladder (url_* extras); `original` adds an Original row with
// its own secret and `format`.
api::Photo make_photo(const std::string& id, const std::string& title, std::int64_t date_upload,
                      bool original = true, const std::string& format = "jpg");

// A video with a poster ladder and, if `streams`, the given stream labels.
api::Photo make_video(const std::string& id, const std::vector<std::string>& streams);

// `count` photos with ids 1000.., uploaded a minute apart, and albums as given.
model::CatalogInput make_catalog(int count, std::vector<model::AlbumInput> albums = {});

}  // namespace flickrfs::test
