// Result<T>: values, errors, propagation.
#include <catch2/catch.hpp>

#include <cerrno>
#include <memory>
#include <set>

#include "base/result.hpp"

using flickrfs::Errc;
using flickrfs::Error;
using flickrfs::make_error;
using flickrfs::Result;

namespace {

Result<int> parse_positive(int n) {
  if (n <= 0) return make_error(Errc::invalid_argument, "not positive");
  return n;
}

Result<int> doubled(int n) {
  FLICKRFS_TRY(int value, parse_positive(n));
  return value * 2;
}

Result<void> check_even(int n) {
  if (n % 2 != 0) return make_error(Errc::invalid_argument, "odd");
  return flickrfs::success();
}

Result<void> check_doubled_even(int n) {
  FLICKRFS_TRY(int value, doubled(n));
  FLICKRFS_CHECK(check_even(value / 2));
  return flickrfs::success();
}

}  // namespace

TEST_CASE("a Result holds either a value or an error", "[result]") {
  Result<int> good = parse_positive(3);
  REQUIRE(good.ok());
  CHECK(*good == 3);
  Result<int> bad = parse_positive(-1);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == Errc::invalid_argument);
  CHECK(bad.value_or(7) == 7);
}

TEST_CASE("FLICKRFS_TRY propagates the first error unchanged", "[result]") {
  CHECK(*doubled(4) == 8);
  auto failed = doubled(0);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().message == "not positive");
  CHECK(check_doubled_even(2).ok());
  auto odd = check_doubled_even(3);
  REQUIRE_FALSE(odd.ok());
  CHECK(odd.error().message == "odd");
}

TEST_CASE("Result works with move-only values", "[result]") {
  Result<std::unique_ptr<int>> owned(std::make_unique<int>(5));
  REQUIRE(owned.ok());
  std::unique_ptr<int> taken = std::move(owned).value();
  CHECK(*taken == 5);
}

TEST_CASE("errors from errno pick the right kind and describe themselves", "[result]") {
  Error full = flickrfs::error_from_errno(ENOSPC, "write blob");
  CHECK(full.code == Errc::no_space);
  CHECK(full.sys_errno == ENOSPC);
  CHECK(full.describe() == "no space left: write blob: No space left on device");
  CHECK(flickrfs::error_from_errno(ENOENT, "x").code == Errc::not_found);
  CHECK(flickrfs::error_from_errno(EIO, "x").code == Errc::io);
}

TEST_CASE("every error kind has a distinct name", "[result]") {
  std::set<std::string_view> names;
  for (Errc code : flickrfs::kAllErrc)
    names.insert(flickrfs::to_string(code));
  CHECK(names.size() == std::size(flickrfs::kAllErrc));
  CHECK_FALSE(names.contains("unknown error"));
}
