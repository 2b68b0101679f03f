// fs/model/dates.cpp: Flickr dates as file times and ISO-8601.
#include <catch2/catch.hpp>

#include "fs/model/dates.hpp"

using namespace flickrfs::model;

TEST_CASE("date taken is read as UTC wall-clock time", "[model]") {
  CHECK(parse_date_taken("1970-01-01 00:00:00") == 0);
  CHECK(parse_date_taken("2019-07-14 18:03:00") == 1563127380);
  CHECK(parse_date_taken("2000-02-29") == 951782400);
}

TEST_CASE("malformed or zero dates are rejected", "[model]") {
  CHECK_FALSE(parse_date_taken(""));
  CHECK_FALSE(parse_date_taken("0000-00-00 00:00:00"));
  CHECK_FALSE(parse_date_taken("2019-13-01 00:00:00"));
  CHECK_FALSE(parse_date_taken("2019-07-14 2x:00:00"));
}

TEST_CASE("unix times print as ISO-8601 UTC", "[model]") {
  CHECK(iso8601_utc(0) == "1970-01-01T00:00:00Z");
  CHECK(iso8601_utc(1563127380) == "2019-07-14T18:03:00Z");
  CHECK(iso8601_utc(2013) == "1970-01-01T00:33:33Z");
  CHECK(iso8601_utc(-1) == "1969-12-31T23:59:59Z");
}
