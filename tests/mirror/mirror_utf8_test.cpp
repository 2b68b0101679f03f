// A listing reply with ill-formed UTF-8 (stray Latin-1 bytes, a cut sequence, an encoded
// surrogate) served by a canned server on 127.0.0.1: the mirror's listing must not fail; the
// bad bytes read as U+FFFD (api/parse/json_util.cpp) and every other photo is intact.
#include <catch2/catch.hpp>

#include <atomic>
#include <string>

#include "api/flickr_client.hpp"
#include "fs/mirror/flickr_listing.hpp"
#include "fs/mirror/flickr_tree.hpp"
#include "tests/api/canned_server.hpp"

using namespace flickrfs;
using flickrfs::test::CannedReply;
using flickrfs::test::CannedServer;
using flickrfs::test::RecordedRequest;

namespace {

const std::string kFffd = "\xEF\xBF\xBD";

std::string photo_json(const std::string& id, const std::string& title,
                       const std::string& description) {
  return R"({"id":")" + id + R"(","owner":"12345678@N00","secret":"abc","server":"1","farm":1,)" +
         R"("title":")" + title + R"(","description":{"_content":")" + description + R"("},)" +
         R"("ispublic":1,"isfriend":0,"isfamily":0,"dateupload":"1563100000",)" +
         R"("lastupdate":"1563200000","datetaken":"2019-07-14 20:15:00",)" +
         R"("datetakengranularity":"0","datetakenunknown":"0","media":"photo",)" +
         R"("originalsecret":"def","originalformat":"jpg","count_comments":"0",)" +
         R"("url_o":"http:\/\/127.0.0.1:1\/)" + id +
         R"(_def_o.jpg","width_o":"10","height_o":"10"})";
}

// Latin-1 'é' (0xE9) then 'x' (a cut 3-byte sequence), a lone continuation byte, an
// overlong '/', a CESU surrogate; the second photo is clean.
std::string listing_with_bad_bytes() {
  const std::string bad_title = "Caf\xE9x \x80 \xC0\xAF end";
  const std::string bad_description = "R\xC3\xA9sum\xE9 \xED\xA0\x80!";
  return R"({"photos":{"page":1,"pages":1,"perpage":500,"total":2,"photo":[)" +
         photo_json("1001", bad_title, bad_description) + "," +
         photo_json("1002", "Clean \xF0\x9F\x8C\x85 title", "ok") + R"(]},"stat":"ok"})";
}

CannedReply reply_for(const RecordedRequest& request) {
  CannedReply reply;
  const std::string method = request.param("method");
  if (method == "flickr.people.getPhotos") {
    reply.body = listing_with_bad_bytes();
  } else if (method == "flickr.photosets.getList") {
    reply.body = R"({"photosets":{"page":1,"pages":1,"perpage":500,"total":0,"photoset":[]},)"
                 R"("stat":"ok"})";
  } else if (method == "flickr.favorites.getList") {  // no favorites: "total" as a string
    reply.body = R"({"photos":{"page":1,"pages":0,"perpage":500,"total":"0","photo":[]},)"
                 R"("stat":"ok"})";
  } else if (method == "flickr.collections.getTree") {
    reply.body = R"({"collections":{},"stat":"ok"})";  // no collections: an empty object
  } else {
    reply.body = R"({"stat":"fail","code":112,"message":"Method not found"})";
  }
  return reply;
}

api::ClientOptions options_for(const CannedServer& server) {
  api::ClientOptions options;
  options.api_url = server.url();
  options.credentials.api_key = "canned-key";
  options.credentials.api_secret = "canned-secret";
  options.credentials.oauth_token = "canned-token";
  options.credentials.oauth_token_secret = "canned-token-secret";
  options.credentials.user_nsid = "12345678@N00";
  options.retry = api::fast_retry_policy_for_tests(3);
  options.rate_limits = api::RateLimits::of({0});
  return options;
}

}  // namespace

TEST_CASE("a listing with ill-formed UTF-8 is read with U+FFFD, not rejected", "[utf8]") {
  CannedServer server(reply_for);
  api::FlickrClient client(options_for(server));
  const std::atomic<bool> interrupt{false};
  mirror::ListingOptions listing;
  auto catalog = mirror::list_flickr_catalog(client, listing, interrupt);
  REQUIRE(catalog.ok());
  REQUIRE(catalog->photos.size() == 2);
  CHECK(catalog->complete);
  const api::Photo& bad = catalog->photos[0];
  CHECK(bad.title == "Caf" + kFffd + "x " + kFffd + " " + kFffd + kFffd + " end");
  CHECK(bad.description == "R\xC3\xA9sum" + kFffd + " " + kFffd + kFffd + kFffd + "!");
  CHECK(catalog->photos[1].title == "Clean \xF0\x9F\x8C\x85 title");

  // The names the mirror writes are valid UTF-8 and carry the replacement character.
  auto tree = mirror::desired_tree_from_catalog(std::move(catalog).value(), {});
  REQUIRE(tree.ok());
  bool found = false;
  for (const auto& entry : tree->entries) {
    if (entry.is_image && entry.owner == "1001") {
      found = true;
      CHECK(entry.path.find("Caf" + kFffd + "x") != std::string::npos);
    }
  }
  CHECK(found);
}
