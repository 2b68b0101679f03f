// The upload/replace XML replies and checkTickets, on the shapes flickr-api.md section 11
// records (FX upload.sync.1.xml, upload.async.1.xml, replace.sync.1.xml, checkTickets JSON).
#include <catch2/catch.hpp>

#include "api/parse/upload_reply.hpp"

using namespace flickrfs;
using namespace flickrfs::api;

TEST_CASE("upload replies: photoid, ticketid, replace attributes, errors mapped") {
  auto sync = parse::upload_reply(
      "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<rsp stat=\"ok\">\n"
      "<photoid>10100736393</photoid>\n</rsp>\n",
      "upload");
  REQUIRE(sync.ok());
  CHECK(sync->photo_id == "10100736393");
  CHECK(sync->ticket_id.empty());
  auto async = parse::upload_reply(
      "<rsp stat=\"ok\"><ticketid>78701040-72157636215117185</ticketid></rsp>", "upload");
  REQUIRE(async.ok());
  CHECK(async->ticket_id == "78701040-72157636215117185");
  auto replace = parse::upload_reply(
      "<rsp stat=\"ok\"><photoid secret=\"abc\" originalsecret=\"def\">123</photoid></rsp>",
      "replace");
  REQUIRE(replace.ok());
  CHECK(replace->photo_id == "123");

  auto read_only = parse::upload_reply(
      "<rsp stat=\"fail\"><err code=\"99\" msg=\"Insufficient permissions. Method requires "
      "write privileges; read granted.\" /></rsp>",
      "upload");
  REQUIRE(!read_only.ok());
  CHECK(read_only.error().code == Errc::auth);
  CHECK(read_only.error().flickr_code == 99);
  auto busy = parse::upload_reply(
      "<rsp stat=\"fail\"><err code=\"105\" msg=\"Service currently unavailable\"/></rsp>",
      "upload");
  REQUIRE(!busy.ok());
  CHECK(busy.error().code == Errc::unavailable);
  for (const char* bad : {"", "<html>502</html>", "<rsp stat=\"ok\"></rsp>", "<rsp stat=\"ok\">"}) {
    INFO(bad);
    auto r = parse::upload_reply(bad, "upload");
    REQUIRE(!r.ok());
    CHECK(r.error().code == Errc::bad_response);
  }
}

TEST_CASE("checkTickets: complete, pending and invalid tickets") {
  auto statuses = parse::ticket_statuses(
      R"({"uploader":{"ticket":[{"id":"1-2","complete":1,"photoid":"99"},)"
      R"({"id":"3-4","complete":0},{"id":"5-6","invalid":1}]},"stat":"ok"})");
  REQUIRE(statuses.ok());
  REQUIRE(statuses->size() == 3);
  CHECK((*statuses)[0].complete == 1);
  CHECK((*statuses)[0].photo_id == "99");
  CHECK((*statuses)[1].complete == 0);
  CHECK((*statuses)[2].invalid);
  auto one =
      parse::ticket_statuses(R"({"uploader":{"ticket":{"id":"1-2","complete":"2"}},"stat":"ok"})");
  REQUIRE(one.ok());
  REQUIRE(one->size() == 1);
  CHECK((*one)[0].complete == 2);
}
