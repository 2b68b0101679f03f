// FirstPages: which of a first walk's pages are final before the walk ends.
#include <catch2/catch.hpp>

#include "fs/sync/first_pages.hpp"

using namespace flickrfs;

namespace {

// Page `number` of a listing sorted newest first, its photos uploaded at `dates` (one each).
api::PhotoPage page_of(int number, std::vector<std::int64_t> dates) {
  api::PhotoPage page;
  page.page = number;
  for (const auto date : dates) {
    api::Photo photo;
    photo.id = std::to_string(date * 10 + number);
    photo.date_upload = date;
    page.photos.push_back(std::move(photo));
  }
  return page;
}

}  // namespace

TEST_CASE("only whole pages strictly older than the last page read are final", "[first_pages]") {
  fs::FirstPages pages(2);
  pages.add(page_of(1, {90, 80}));  // the newest: never final before the walk ends
  CHECK(pages.final_ids().empty());
  pages.add(page_of(4, {20, 10}));  // the newest of the last page read (20) may tie below
  CHECK(pages.final_ids().empty());
  pages.add(page_of(3, {40, 30}));
  CHECK(pages.final_ids() == std::vector<std::string>{"104", "204"});  // 30 and 40 may not be
  pages.add(page_of(2, {60, 50}));
  CHECK(pages.final_ids() == std::vector<std::string>{"104", "204", "303", "403"});
}

TEST_CASE("an upload date shared across a page boundary keeps both photos out", "[first_pages]") {
  fs::FirstPages pages(1);
  pages.add(page_of(1, {90}));
  pages.add(page_of(3, {10, 10}));
  pages.add(page_of(2, {10}));  // ties the older page: nothing is known older than 10
  CHECK(pages.final_ids().empty());
}

TEST_CASE("a second pass adds nothing", "[first_pages]") {
  fs::FirstPages pages(1);
  pages.add(page_of(1, {90}));
  pages.add(page_of(3, {10}));
  pages.add(page_of(2, {20}));
  const auto first = pages.final_ids();
  CHECK(first == std::vector<std::string>{"103"});
  pages.add(page_of(1, {95}));  // the listing changed: the walk runs again
  pages.add(page_of(2, {30}));
  CHECK(pages.final_ids() == first);
}
