// FlickrClient::walk_pages: every photo exactly once when pages are short, empty, overlap,
// or shift while the listing is walked.
#include <catch2/catch.hpp>

#include <set>

#include "api/flickr_client.hpp"

using namespace flickrfs;
using namespace flickrfs::api;

namespace {

Photo photo(int id) {
  Photo out;
  out.id = std::to_string(id);
  return out;
}

// A listing of `ids`, paged by `per_page`, as Flickr reports it.
PhotoPage page_of(const std::vector<int>& ids, int page, int per_page) {
  PhotoPage out;
  out.page = page;
  out.per_page = per_page;
  out.total = static_cast<std::int64_t>(ids.size());
  out.pages = static_cast<int>((ids.size() + per_page - 1) / per_page);
  for (std::size_t i = (page - 1) * per_page; i < ids.size() && i < std::size_t(page * per_page);
       ++i) {
    out.photos.push_back(photo(ids[i]));
  }
  return out;
}

std::set<std::string> ids_of(const PhotoWalk& walk) {
  std::set<std::string> out;
  for (const auto& p : walk.photos)
    out.insert(p.id);
  return out;
}

}  // namespace

TEST_CASE("walk: short and empty pages in the middle do not end the walk", "[walk]") {
  int calls = 0;
  auto walk = FlickrClient::walk_pages([&](int page) -> Result<PhotoPage> {
    ++calls;
    PhotoPage out;
    out.page = page;
    out.pages = 4;
    out.per_page = 3;
    out.total = 7;
    if (page == 1) out.photos = {photo(1), photo(2), photo(3)};
    if (page == 2) out.photos = {photo(4)};  // short: Flickr filtered some out
    if (page == 3) out.photos = {};          // empty, yet not the last page
    if (page == 4) out.photos = {photo(5), photo(6), photo(7)};
    return out;
  });
  REQUIRE(walk.ok());
  CHECK(walk->photos.size() == 7);
  CHECK(walk->complete);
  CHECK(walk->passes == 1);
  CHECK(calls == 4);
}

TEST_CASE("walk: the page observer sees each page before the walk keeps what it left", "[walk]") {
  std::vector<int> seen_pages;
  auto walk = FlickrClient::walk_pages(
      [&](int page) -> Result<PhotoPage> {
        PhotoPage out;
        out.page = page;
        out.pages = 2;
        out.total = 4;
        out.photos = page == 1 ? std::vector<Photo>{photo(1), photo(2)}
                               : std::vector<Photo>{photo(3), photo(4)};
        for (auto& p : out.photos)
          p.title = "title " + p.id;
        return out;
      },
      3,
      [&](PhotoPage& page) -> Result<void> {
        seen_pages.push_back(page.page);
        for (auto& p : page.photos) {
          CHECK(p.title == "title " + p.id);  // whole when the observer sees it
          p.title.clear();                    // stored elsewhere: the walk keeps the id
        }
        return success();
      });
  REQUIRE(walk.ok());
  CHECK(seen_pages == std::vector<int>{1, 2});
  REQUIRE(walk->photos.size() == 4);
  for (const auto& p : walk->photos)
    CHECK(p.title.empty());
  CHECK(walk->complete);
}

TEST_CASE("walk: a key walk keeps ids and upload dates, its observer the whole photos", "[walk]") {
  // Page 2 repeats photo 2 (pushed across the boundary by a new upload) and reports one
  // photo fewer than its page 1 did: the first pass is unstable, a second one follows.
  int calls = 0;
  std::set<std::string> titled;  // photos the observer saw whole
  auto walk = FlickrClient::walk_page_keys(
      [&](int page) -> Result<PhotoPage> {
        ++calls;
        auto out = page_of({1, 2, 3, 4}, page, 2);
        if (calls == 2) {
          out.photos = {photo(2), photo(3)};
          out.total = 3;
        }
        for (auto& p : out.photos) {
          p.title = "title " + p.id;
          p.date_upload = 1000 + std::stoll(p.id);
        }
        return out;
      },
      [&](PhotoPage& page) -> Result<void> {
        for (const auto& p : page.photos) {
          if (p.title == "title " + p.id) titled.insert(p.id);
        }
        return success();
      });
  REQUIRE(walk.ok());
  CHECK(walk->passes == 2);
  CHECK(titled == std::set<std::string>{"1", "2", "3", "4"});
  REQUIRE(walk->photos.size() == 4);  // the second pass, stable and full
  for (std::size_t i = 0; i < walk->photos.size(); ++i) {
    CHECK(walk->photos[i].id == std::to_string(i + 1));
    CHECK(walk->photos[i].date_upload == 1001 + static_cast<std::int64_t>(i));
  }
}

TEST_CASE("walk: an error from the page observer ends the walk at that page", "[walk]") {
  std::vector<int> fetched;
  auto walk = FlickrClient::walk_pages(
      [&](int page) -> Result<PhotoPage> {
        fetched.push_back(page);
        return page_of({1, 2, 3, 4, 5, 6, 7, 8}, page, 2);
      },
      3,
      [&](PhotoPage& page) -> Result<void> {
        if (page.page == 2) return make_error(Errc::interrupted, "unmounting");
        return success();
      });
  REQUIRE_FALSE(walk.ok());
  CHECK(walk.error().code == Errc::interrupted);
  CHECK(fetched == std::vector<int>{1, 2});  // no page after the refusal, no second pass
}

TEST_CASE("walk: a photo seen on two pages is kept once", "[walk]") {
  const std::vector<int> ids = {1, 2, 3, 4, 5, 6};
  auto walk = FlickrClient::walk_pages([&](int page) -> Result<PhotoPage> {
    PhotoPage out = page_of(ids, page, 2);
    if (page == 2) out.photos.insert(out.photos.begin(), photo(2));  // overlap from page 1
    return out;
  });
  REQUIRE(walk.ok());
  CHECK(walk->photos.size() == 6);
  CHECK(walk->photos[2].id == "3");
  CHECK(walk->complete);
}

TEST_CASE(
    "walk: a deletion that shifts a photo back across a boundary is caught by a second "
    "pass",
    "[walk]") {
  std::vector<int> ids = {1, 2, 3, 4, 5, 6, 7};
  int calls = 0;
  auto walk = FlickrClient::walk_pages([&](int page) -> Result<PhotoPage> {
    ++calls;
    if (calls == 2) ids.erase(ids.begin());  // photo 1 deleted after page 1 was read
    return page_of(ids, page, 3);
  });
  REQUIRE(walk.ok());
  // Pass 1 read {1,2,3} then {5,6,7}: 4 moved to page 1 unseen, and total fell from 7 to 6.
  // Pass 2 runs on a still listing and is the exact snapshot: 4 found, deleted 1 gone.
  CHECK(ids_of(*walk) == std::set<std::string>{"2", "3", "4", "5", "6", "7"});
  CHECK(walk->passes == 2);
  CHECK(walk->complete);
}

TEST_CASE("walk: an inflated total ends after a pass that adds nothing, marked incomplete",
          "[walk]") {
  int calls = 0;
  auto walk = FlickrClient::walk_pages([&](int page) -> Result<PhotoPage> {
    ++calls;
    PhotoPage out = page_of({1, 2, 3}, page, 2);
    out.total = 5;  // Flickr counts photos it then filters out
    return out;
  });
  REQUIRE(walk.ok());
  CHECK(walk->photos.size() == 3);
  CHECK_FALSE(walk->complete);
  CHECK(walk->passes == 2);
  CHECK(calls == 4);
}

TEST_CASE("walk: a listing that never holds still returns the union of what was seen", "[walk]") {
  std::vector<int> ids = {1, 2, 3, 4, 5, 6, 7};
  int next_id = 100;
  auto walk = FlickrClient::walk_pages([&](int page) -> Result<PhotoPage> {
    ids.insert(ids.begin(), next_id++);  // a new upload (newest first) before every page
    return page_of(ids, page, 3);
  });
  REQUIRE(walk.ok());
  CHECK_FALSE(walk->complete);
  CHECK(walk->passes == 3);
  const auto seen = ids_of(*walk);
  for (int id = 1; id <= 7; ++id)
    CHECK(seen.count(std::to_string(id)) == 1);
  CHECK(seen.size() == walk->photos.size());  // no duplicates
}

TEST_CASE("walk: an error stops the walk and is returned", "[walk]") {
  auto walk = FlickrClient::walk_pages([&](int page) -> Result<PhotoPage> {
    if (page == 2) return make_error(Errc::unavailable, "down");
    return page_of({1, 2, 3}, page, 2);
  });
  REQUIRE_FALSE(walk.ok());
  CHECK(walk.error().code == Errc::unavailable);
}

TEST_CASE("walk: an empty listing is one call", "[walk]") {
  int calls = 0;
  auto walk = FlickrClient::walk_pages([&](int page) -> Result<PhotoPage> {
    ++calls;
    return page_of({}, page, 500);
  });
  REQUIRE(walk.ok());
  CHECK(walk->photos.empty());
  CHECK(walk->complete);
  CHECK(calls == 1);
}

TEST_CASE("walk: last_first reads page 1, then the last page back to page 2", "[walk]") {
  const std::vector<int> ids = {1, 2, 3, 4, 5, 6, 7};
  std::vector<int> read;
  auto walk = FlickrClient::walk_page_keys(
      [&](int page) -> Result<PhotoPage> {
        read.push_back(page);
        return page_of(ids, page, 2);
      },
      nullptr, 3, PageOrder::last_first);
  REQUIRE(walk.ok());
  CHECK(read == std::vector<int>{1, 4, 3, 2});
  CHECK(walk->complete);
  CHECK(walk->photos.size() == 7);
}

TEST_CASE("walk: a backward pass that misses a photo a new upload pushed is walked again",
          "[walk]") {
  // Newest first. After page 1 and page 3, photo 7 is uploaded: every photo moves one place
  // later, so photo 3 leaves page 2 for page 3, which was read already.
  std::vector<int> listing = {6, 5, 4, 3, 2, 1};
  int calls = 0;
  auto walk = FlickrClient::walk_page_keys(
      [&](int page) -> Result<PhotoPage> {
        if (++calls == 3) listing.insert(listing.begin(), 7);
        return page_of(listing, page, 2);
      },
      nullptr, 3, PageOrder::last_first);
  REQUIRE(walk.ok());
  CHECK(walk->passes == 2);
  CHECK(walk->complete);
  std::set<std::string> got;
  for (const auto& key : walk->photos)
    got.insert(key.id);
  CHECK(got == std::set<std::string>{"1", "2", "3", "4", "5", "6", "7"});
}
