#include "tests/fs/fake_catalog.hpp"

namespace flickrfs::test {

namespace {

api::Size size_row(const std::string& label, const std::string& suffix, int w, int h,
                   const std::string& url) {
  api::Size size;
  size.label = label;
  size.suffix = suffix;
  size.width = w;
  size.height = h;
  size.source = url;
  return size;
}

}  // namespace

api::Photo make_photo(const std::string& id, const std::string& title, std::int64_t date_upload,
                      bool original, const std::string& format) {
  api::Photo p;
  p.id = id;
  p.owner = "12345678@N00";
  p.owner_name = "demo";
  p.secret = "abc" + id;
  p.server = "65535";
  p.title = title;
  p.date_taken = "2019-07-14 18:03:00";
  p.date_upload = date_upload;
  p.last_update = date_upload + 100;
  p.license = "4";
  const std::string base = "http://127.0.0.1/static/65535/" + id + "_" + p.secret;
  p.sizes.push_back(size_row("Square", "s", 75, 75, base + "_s.jpg"));
  p.sizes.push_back(size_row("Thumbnail", "t", 100, 75, base + "_t.jpg"));
  p.sizes.push_back(size_row("Medium", "", 500, 375, base + ".jpg"));
  p.sizes.push_back(size_row("Large", "b", 1024, 768, base + "_b.jpg"));
  if (original) {
    p.original_secret = "orig" + id;
    p.original_format = format;
    p.sizes.push_back(
        size_row("Original", "o", 4000, 3000,
                 "http://127.0.0.1/static/65535/" + id + "_" + p.original_secret + "_o." + format));
  }
  return p;
}

api::Photo make_video(const std::string& id, const std::vector<std::string>& streams) {
  api::Photo p = make_photo(id, "clip " + id, 1600000000, false);
  p.media = api::Media::video;
  for (const auto& label : streams) {
    api::Size row =
        size_row(label, "", 640, 360, "http://127.0.0.1/video/" + id + "/" + label + ".mp4");
    row.media = api::Media::video;
    p.sizes.push_back(row);
  }
  return p;
}

model::CatalogInput make_catalog(int count, std::vector<model::AlbumInput> albums) {
  model::CatalogInput input;
  for (int i = 0; i < count; ++i) {
    input.photos.push_back(
        make_photo(std::to_string(1000 + i), "photo " + std::to_string(i), 1500000000 + 60 * i));
  }
  input.albums = std::move(albums);
  return input;
}

}  // namespace flickrfs::test
