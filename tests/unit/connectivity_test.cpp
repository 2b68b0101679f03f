// fs/sync/connectivity: which errors make the mount offline or degraded, and the reason the
// status shows.
#include <catch2/catch.hpp>

#include "fs/sync/connectivity.hpp"

using namespace flickrfs;
using flickrfs::fs::Connectivity;
using flickrfs::fs::LinkState;

TEST_CASE("Flickr failing degrades the mount, unreachable makes it offline", "[connectivity]") {
  Connectivity c(false);
  CHECK(c.state() == LinkState::online);
  CHECK_FALSE(c.offline());
  c.report(make_error(Errc::not_found, "a missing photo says nothing about Flickr"));
  c.report(make_error(Errc::rate_limited, "429: the budget and backoff own it"));
  CHECK(c.state() == LinkState::online);

  c.report(make_error(Errc::unavailable, "flickr.test.login: Service unavailable (code 105)\n"));
  CHECK(c.state() == LinkState::degraded);
  CHECK(c.offline());  // no request is attempted while degraded
  CHECK(c.reason() == "service unavailable: flickr.test.login: Service unavailable (code 105) ");
  c.report(make_error(Errc::network, "connection refused"));
  CHECK(c.state() == LinkState::offline);
  c.report(make_error(Errc::bad_response, "not JSON"));
  CHECK(c.state() == LinkState::degraded);
  c.set_online();
  CHECK(c.state() == LinkState::online);
  CHECK(c.reason().empty());
  CHECK(c.changes() == 4);

  Connectivity forced(true);
  forced.set_online();
  CHECK(forced.state() == LinkState::offline);
  CHECK(forced.reason() == "--offline");
}
