// fs/model/naming.cpp: the name scheme of DESIGN section 3, hostile titles included.
#include <catch2/catch.hpp>

#include <string>

#include "fs/model/naming.hpp"

using namespace flickrfs::model;

TEST_CASE("a photo stem is date, title and id", "[naming]") {
  CHECK(photo_stem("2019-07-14 18:03:00", "Sunset over the bay", "48291234567") ==
        "2019-07-14_Sunset over the bay_48291234567");
}

TEST_CASE("an empty or blank title gives date_id", "[naming]") {
  CHECK(photo_stem("2019-07-14 18:03:00", "", "1") == "2019-07-14_1");
  CHECK(photo_stem("2019-07-14 18:03:00", " \t\n ", "1") == "2019-07-14_1");
}

TEST_CASE("a missing or malformed date becomes 0000-00-00", "[naming]") {
  CHECK(date_prefix("") == "0000-00-00");
  CHECK(date_prefix("2019-7-14") == "0000-00-00");
  CHECK(date_prefix("2019-07-14") == "2019-07-14");
}

TEST_CASE("hostile titles give valid names", "[naming]") {
  const std::string long_title(400, 'x');
  const std::string emoji_title = std::string(100, 'a') + "\xF0\x9F\x98\x80\xF0\x9F\x98\x80";
  auto title = GENERATE_COPY(
      std::string("a/b/../c"), std::string(".."), std::string("."), std::string("\x01\x02\x7f"),
      std::string("tab\there\nnewline"), std::string("\xE2\x80\xAEgpj.exe"),  // RTL override
      std::string("bad \xC3\x28 utf8 \xFF\xFE"), std::string("\xED\xA0\x80 surrogate"),
      std::string("overlong \xC0\xAF"), std::string("nul\0inside", 10), long_title,
      std::string(300, '/'), emoji_title, std::string("\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D"));
  const std::string stem = photo_stem("2020-01-02 03:04:05", title, "54216619200");
  CAPTURE(title, stem);
  CHECK(is_valid_name(stem));
  CHECK(stem.size() + kStemSuffixReserve <= kMaxNameBytes);
  CHECK(stem.rfind("_54216619200") == stem.size() - 12);
  CHECK(is_valid_name(stem + ".large2048.jpeg"));
  CHECK(is_valid_name(album_dir_name(title, "72157709876543210")));
  CHECK(is_valid_name(album_entry_name(12, 20000, stem)));
}

TEST_CASE("a slash becomes a fullwidth solidus and spaces collapse", "[naming]") {
  CHECK(sanitize_title("AC/DC  live", 100) ==
        "AC\xEF\xBC\x8F"
        "DC live");
  CHECK(sanitize_title("  padded  ", 100) == "padded");
}

TEST_CASE("truncation never splits a UTF-8 character", "[naming]") {
  const std::string euro = "\xE2\x82\xAC";  // 3 bytes
  std::string many;
  for (int i = 0; i < 100; ++i)
    many += euro;
  const std::string cut = sanitize_title(many, 10);
  CHECK(cut.size() == 9);
  CHECK(is_valid_name(cut));
}

TEST_CASE("page, album and entry names sort in order", "[naming]") {
  CHECK(page_dir_name(1) == "page-0001");
  CHECK(page_dir_name(12345) == "page-12345");
  CHECK(album_dir_name("Summer 2019", "72157709876543210") == "Summer 2019_72157709876543210");
  CHECK(album_dir_name("", "72157709876543210") == "72157709876543210");
  CHECK(album_entry_name(1, 10, "s") == "0001_s");
  CHECK(album_entry_name(7, 123456, "s") == "000007_s");
}

TEST_CASE("extensions are short lowercase alphanumerics", "[naming]") {
  CHECK(safe_extension("JPG", "jpg") == "jpg");
  CHECK(safe_extension("png", "jpg") == "png");
  CHECK(safe_extension("", "jpg") == "jpg");
  CHECK(safe_extension("../x", "jpg") == "jpg");
  CHECK(safe_extension("toolong", "jpg") == "jpg");
}

TEST_CASE("is_valid_name rejects what the kernel or users cannot handle", "[naming]") {
  CHECK_FALSE(is_valid_name(""));
  CHECK_FALSE(is_valid_name("."));
  CHECK_FALSE(is_valid_name(".."));
  CHECK_FALSE(is_valid_name("a/b"));
  CHECK_FALSE(is_valid_name("a\nb"));
  CHECK_FALSE(is_valid_name(std::string(256, 'a')));
  CHECK_FALSE(is_valid_name("\xFF"));
  CHECK(is_valid_name(std::string(255, 'a')));
}
