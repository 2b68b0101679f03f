// fs/cli/exit_code.cpp: the exit codes of DESIGN section 2.
#include <catch2/catch.hpp>

#include "fs/cli/exit_code.hpp"

using flickrfs::Errc;
using flickrfs::make_error;
using namespace flickrfs::cli;

TEST_CASE("errors map to the documented exit codes", "[exit]") {
  CHECK(exit_code_for(make_error(Errc::auth, "")) == 2);
  CHECK(exit_code_for(make_error(Errc::network, "")) == 3);
  CHECK(exit_code_for(make_error(Errc::offline, "")) == 3);
  CHECK(exit_code_for(make_error(Errc::config, "")) == 1);
  CHECK(exit_code_for(make_error(Errc::no_space, "")) == 1);
  CHECK(exit_code_for(make_error(Errc::interrupted, "")) == 130);
  for (Errc code : flickrfs::kAllErrc) {
    const int exit = exit_code_for(make_error(code, ""));
    CAPTURE(flickrfs::to_string(code));
    CHECK((exit == 1 || exit == 2 || exit == 3 || exit == 130));
  }
}
