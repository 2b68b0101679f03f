// REST fidelity of flickr-emulator: response shapes and Flickr's quirks (string-or-number
// scalars, _content wrappers, omitted containers, paging limits, suffix trap, videos,
// originals only where permitted), error envelopes, and OAuth refusals.
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <functional>

#include "emulator_client.hpp"
#include "tests/support/emulator_process.hpp"

using flickrfs::test::EmulatorProcess;
using namespace flickrfs::emulator::test;
using simdjson::dom::element;

namespace {
const char* kNsid = "12345678@N00";

element parse(simdjson::dom::parser& parser, const std::string& body) {
  element doc;
  REQUIRE(parser.parse(body).get(doc) == simdjson::SUCCESS);
  return doc;
}

bool is_string(element e) {
  return e.type() == simdjson::dom::element_type::STRING;
}

std::string sv(element e) {
  return std::string(std::string_view(e));
}
}  // namespace

TEST_CASE("people.getPhotos: shape, string total, newest first, per_page clamp, past-end page") {
  EmulatorProcess emu;
  simdjson::dom::parser parser;
  auto r = rest_call(emu.url(),
                     {{"method", "flickr.people.getPhotos"},
                      {"user_id", "me"},
                      {"per_page", "1000"},
                      {"extras", "date_upload,url_o,url_s,url_m,url_l"}},
                     true);
  REQUIRE(r.status == 200);
  auto doc = parse(parser, r.body);
  CHECK(sv(doc["stat"]) == "ok");
  auto photos = doc["photos"];
  CHECK(int64_t(photos["perpage"]) == 500);
  CHECK(is_string(photos["total"]));
  CHECK(sv(photos["total"]) == "200");
  CHECK(int64_t(photos["page"]) == 1);
  simdjson::dom::array list = photos["photo"];
  REQUIRE(list.size() == 200);
  int64_t previous = INT64_MAX;
  for (element p : list) {
    const int64_t up = std::stoll(sv(p["dateupload"]));
    CHECK(up <= previous);
    previous = up;
    CHECK(int64_t(p["farm"]) > 0);
    CHECK(int64_t(p["ispublic"]) >= 0);  // a number, not a string
    std::string_view url_s;
    if (p["url_s"].get(url_s) == simdjson::SUCCESS)
      CHECK(url_s.find("_m.jpg") != std::string::npos);
    std::string_view url_l;
    if (p["url_l"].get(url_l) == simdjson::SUCCESS)
      CHECK(url_l.find("_b.jpg") != std::string::npos);
    std::string_view url_m;
    if (p["url_m"].get(url_m) == simdjson::SUCCESS) {
      const std::string id = sv(p["id"]);
      const std::string secret = sv(p["secret"]);
      CHECK(url_m.find(id + "_" + secret + ".jpg") != std::string::npos);  // no suffix
    }
  }
  auto past = rest_call(
      emu.url(), {{"method", "flickr.people.getPhotos"}, {"user_id", "me"}, {"page", "99"}}, true);
  auto past_doc = parse(parser, past.body);
  CHECK(simdjson::dom::array(past_doc["photos"]["photo"]).size() == 0);
  CHECK(int64_t(past_doc["photos"]["page"]) == 99);
}

TEST_CASE("api_key-only calls see public photos only, private ones are not found") {
  EmulatorProcess emu;
  simdjson::dom::parser parser;
  auto pub = rest_call(
      emu.url(), {{"method", "flickr.people.getPhotos"}, {"user_id", kNsid}, {"per_page", "500"}},
      false);
  auto doc = parse(parser, pub.body);
  const std::string total_public = sv(doc["photos"]["total"]);
  for (element p : simdjson::dom::array(doc["photos"]["photo"]))
    CHECK(int64_t(p["ispublic"]) == 1);
  auto all =
      rest_call(emu.url(), {{"method", "flickr.people.getPublicPhotos"}, {"user_id", kNsid}}, true);
  simdjson::dom::parser parser2;
  auto all_doc = parse(parser2, all.body);
  CHECK_FALSE(is_string(all_doc["photos"]["total"]));  // a number in this method
  CHECK(std::to_string(int64_t(all_doc["photos"]["total"])) == total_public);
  CHECK(std::stoi(total_public) < 200);

  auto login = rest_call(emu.url(), {{"method", "flickr.test.login"}}, false);
  simdjson::dom::parser parser3;
  auto login_doc = parse(parser3, login.body);
  CHECK(login.status == 200);
  CHECK(sv(login_doc["stat"]) == "fail");
  CHECK(int64_t(login_doc["code"]) == 99);
  auto recent =
      rest_call(emu.url(), {{"method", "flickr.photos.recentlyUpdated"}, {"min_date", "0"}}, false);
  CHECK(recent.body.find("\"code\":99") != std::string::npos);
}

TEST_CASE("errors: unknown method 112, bad api_key 100, bad format 111, missing photo 1") {
  EmulatorProcess emu;
  auto unknown = rest_call(emu.url(), {{"method", "flickr.nonExistingMethod"}}, false);
  CHECK(unknown.status == 200);
  CHECK(unknown.body ==
        "{\"stat\":\"fail\",\"code\":112,\"message\":\"Method \\\"flickr.nonExistingMethod\\\" "
        "not found\"}");
  auto c = httplib::Client(emu.url());
  auto bad_key =
      c.Get("/services/rest/?method=flickr.test.echo&api_key=nope&format=json&nojsoncallback=1");
  REQUIRE(bad_key);
  CHECK(bad_key->body.find("\"code\":100") != std::string::npos);
  auto bad_format = rest_call(emu.url(), {{"method", "flickr.test.login"}}, true, "yaml");
  CHECK(bad_format.body.find("<err code=\"111\"") != std::string::npos);
  auto missing =
      rest_call(emu.url(), {{"method", "flickr.photos.getInfo"}, {"photo_id", "1"}}, true);
  CHECK(missing.body.find("\"code\":1,\"message\":\"Photo \\\"1\\\" not found (invalid ID)\"") !=
        std::string::npos);
  auto xml =
      rest_call(emu.url(), {{"method", "flickr.photos.getInfo"}, {"photo_id", "1"}}, true, "");
  CHECK(xml.body.find("<rsp stat=\"fail\">") != std::string::npos);
  auto jsonp =
      rest_call(emu.url(), {{"method", "flickr.test.login"}, {"format", "json"}}, true, "");
  CHECK(jsonp.body.rfind("jsonFlickrApi({", 0) == 0);
}

TEST_CASE("OAuth: one changed byte gives 401 signature_invalid with debug_sbs, replay refused") {
  EmulatorProcess emu;
  const std::string url = emu.url() + "/services/rest/";
  const std::string query = signed_query(
      url, {{"method", "flickr.test.login"}, {"format", "json"}, {"nojsoncallback", "1"}},
      "fixed-nonce");
  auto ok = http_get(emu.url(), "/services/rest/?" + query);
  CHECK(ok.status == 200);
  CHECK(ok.body.find("\"username\":{\"_content\":\"demo\"}") != std::string::npos);
  auto replay = http_get(emu.url(), "/services/rest/?" + query);
  CHECK(replay.status == 401);
  CHECK(replay.body == "oauth_problem=nonce_used");

  std::string tampered = signed_query(
      url, {{"method", "flickr.test.login"}, {"format", "json"}, {"nojsoncallback", "1"}}, "n2");
  const auto at = tampered.find("flickr.test.login");
  tampered[at + 7] = 'T';  // flickr.Test.login
  auto bad = http_get(emu.url(), "/services/rest/?" + tampered);
  CHECK(bad.status == 401);
  CHECK(bad.body.rfind(
            "oauth_problem=signature_invalid&debug_sbs=GET%26http%253A%252F%252F127.0.0.1", 0) ==
        0);

  auto absent =
      http_get(emu.url(), "/services/rest/?method=flickr.test.login&oauth_consumer_key=test-key");
  CHECK(absent.status == 400);
  CHECK(absent.body.rfind("oauth_problem=parameter_absent&oauth_parameters_absent=", 0) == 0);
}

TEST_CASE("getInfo, getSizes, comments, contexts: wrappers, mixed types, omitted containers") {
  EmulatorProcess emu({120, 5, 1, {"--image-kb", "20"}});
  auto manifest = emu.get("/_emulator/manifest");
  simdjson::dom::parser mp;
  auto m = parse(mp, manifest);
  bool saw_video = false, saw_no_original = false, saw_no_comments = false, saw_no_sets = false;
  for (element p : simdjson::dom::array(m["photos"])) {
    const std::string id = sv(p["id"]);
    simdjson::dom::parser parser;
    auto info = parse(
        parser,
        rest_call(emu.url(), {{"method", "flickr.photos.getInfo"}, {"photo_id", id}}, true).body);
    CHECK(is_string(info["photo"]["title"]["_content"]));
    CHECK(sv(info["photo"]["title"]["_content"]) == sv(p["title"]));
    simdjson::dom::parser sp;
    auto sizes = parse(
        sp,
        rest_call(emu.url(), {{"method", "flickr.photos.getSizes"}, {"photo_id", id}}, true).body);
    simdjson::dom::array rows = sizes["sizes"]["size"];
    CHECK(rows.size() == simdjson::dom::array(p["sizes"]).size());
    bool mixed_number = false, mixed_string = false, has_original = false;
    for (element row : rows) {
      (is_string(row["width"]) ? mixed_string : mixed_number) = true;
      has_original = has_original || sv(row["label"]) == "Original";
      if (sv(row["media"]) == "video") saw_video = true;
    }
    CHECK(mixed_number);
    CHECK(mixed_string);
    if (!bool(p["original_allowed"])) {
      saw_no_original = true;
      CHECK_FALSE(has_original);
      CHECK(int64_t(sizes["sizes"]["candownload"]) == 0);
      CHECK(info["photo"]["originalsecret"].error() == simdjson::NO_SUCH_FIELD);
    }
    if (int64_t(p["count_comments"]) == 0 && !saw_no_comments) {
      saw_no_comments = true;
      auto c = rest_call(emu.url(),
                         {{"method", "flickr.photos.comments.getList"}, {"photo_id", id}}, true);
      CHECK(c.body == "{\"comments\":{\"photo_id\":\"" + id + "\"},\"stat\":\"ok\"}");
    }
    if (simdjson::dom::array(p["sets"]).size() == 0 && !saw_no_sets) {
      saw_no_sets = true;
      auto c = rest_call(emu.url(), {{"method", "flickr.photos.getAllContexts"}, {"photo_id", id}},
                         true);
      CHECK(c.body == "{\"stat\":\"ok\"}");
    }
  }
  CHECK(saw_video);
  CHECK(saw_no_original);
  CHECK(saw_no_comments);
  CHECK(saw_no_sets);
}

TEST_CASE("photosets, collections, people methods answer in JSON and XML") {
  EmulatorProcess emu;
  for (const std::string method :
       {"flickr.photosets.getList", "flickr.collections.getTree", "flickr.people.getInfo",
        "flickr.auth.oauth.checkToken", "flickr.test.login"}) {
    auto json = rest_call(emu.url(), {{"method", method}, {"user_id", kNsid}}, true);
    CHECK(json.body.find("\"stat\":\"ok\"") != std::string::npos);
    auto xml = rest_call(emu.url(), {{"method", method}, {"user_id", kNsid}}, true, "rest");
    CHECK(xml.body.find("<rsp stat=\"ok\">") != std::string::npos);
  }
  auto find = rest_call(emu.url(),
                        {{"method", "flickr.people.findByUsername"}, {"username", "demo"}}, false);
  CHECK(find.body.find("\"nsid\":\"12345678@N00\"") != std::string::npos);
  auto sets =
      rest_call(emu.url(), {{"method", "flickr.photosets.getList"}, {"user_id", kNsid}}, false);
  CHECK(sets.body.find("\"title\":{\"_content\":") != std::string::npos);
  auto missing =
      rest_call(emu.url(), {{"method", "flickr.photosets.getPhotos"}, {"photoset_id", "5"}}, false);
  CHECK(missing.body.find("\"code\":1,\"message\":\"Photoset not found\"") != std::string::npos);
}

TEST_CASE("collections.getTree: plain-string titles, albums or collections, subtree, errors") {
  EmulatorProcess emu;
  simdjson::dom::parser parser;
  const auto tree = rest_call(emu.url(), {{"method", "flickr.collections.getTree"}}, true);
  const element doc = parse(parser, tree.body);
  CHECK(sv(doc["stat"]) == "ok");
  simdjson::dom::array top = doc["collections"]["collection"];
  REQUIRE(top.size() >= 2);
  std::size_t checked = 0;
  std::size_t nested = 0;
  std::string nested_id;
  const std::function<void(element)> check = [&](element c) {
    // getTree's fields are XML attributes: plain strings, no _content wrapper.
    CHECK(is_string(c["title"]));
    CHECK(is_string(c["description"]));
    CHECK(is_string(c["iconlarge"]));                   // defunct but sent
    CHECK(sv(c["id"]).find('-') != std::string::npos);  // "<num>-<id>"
    simdjson::dom::array sets;
    simdjson::dom::array children;
    const bool has_sets = c["set"].get(sets) == simdjson::SUCCESS;
    const bool has_children = c["collection"].get(children) == simdjson::SUCCESS;
    CHECK_FALSE((has_sets && has_children));  // never both, and empty lists are omitted
    if (has_sets) {
      CHECK(sets.size() > 0);
      for (element s : sets)
        CHECK(is_string(s["title"]));
    }
    if (has_children) {
      CHECK(children.size() > 0);
      nested_id = sv(c["id"]);
      ++nested;
      for (element child : children)
        check(child);
    }
    ++checked;
  };
  for (element c : top)
    check(c);
  CHECK(nested >= 2);  // three levels deep
  CHECK(checked >= 5);

  // collection_id: just that subtree; an unknown one is code 2.
  const auto one = rest_call(
      emu.url(), {{"method", "flickr.collections.getTree"}, {"collection_id", nested_id}}, true);
  simdjson::dom::parser parser2;
  simdjson::dom::array just = parse(parser2, one.body)["collections"]["collection"];
  REQUIRE(just.size() == 1);
  CHECK(sv((*just.begin())["id"]) == nested_id);
  const auto unknown = rest_call(
      emu.url(), {{"method", "flickr.collections.getTree"}, {"collection_id", "1-2"}}, true);
  CHECK(unknown.body.find("\"code\":2,\"message\":\"Collection not found\"") != std::string::npos);
  // Without a token the caller must say whose tree.
  const auto anonymous = rest_call(emu.url(), {{"method", "flickr.collections.getTree"}}, false);
  CHECK(anonymous.body.find("\"code\":1,\"message\":\"User not found\"") != std::string::npos);
  const auto xml = rest_call(emu.url(), {{"method", "flickr.collections.getTree"}}, true, "rest");
  CHECK(xml.body.find("<collection id=\"") != std::string::npos);
  CHECK(xml.body.find("<set id=\"") != std::string::npos);
}

TEST_CASE("favorites.getList: others' photos, date_faved, string total, paging, owner-private") {
  EmulatorProcess emu({20, 1, 3, {"--favorites", "23", "--image-kb", "2"}});
  simdjson::dom::parser manifest_parser;
  const element manifest = parse(manifest_parser, emu.get("/_emulator/manifest"));
  simdjson::dom::array favorites = manifest["favorites"];
  REQUIRE(favorites.size() == 23);
  std::vector<std::string> want;  // the listed ones, newest faved first
  std::size_t hidden = 0;
  std::int64_t previous = INT64_MAX;
  for (element f : favorites) {
    const std::int64_t faved = f["date_faved"];
    CHECK(faved < previous);
    previous = faved;
    CHECK(sv(f["owner"]) != kNsid);
    if (bool(f["listed"]))
      want.push_back(sv(f["id"]));
    else
      ++hidden;
  }
  CHECK(hidden == 3);  // favorites 3, 10 and 17: made private by their owners

  std::vector<std::string> got;
  for (int page = 1; page <= 3; ++page) {
    simdjson::dom::parser parser;
    const auto r = rest_call(emu.url(),
                             {{"method", "flickr.favorites.getList"},
                              {"per_page", "9"},
                              {"page", std::to_string(page)},
                              {"extras", "owner_name,path_alias,date_upload,url_o"}},
                             true);
    const element photos = parse(parser, r.body)["photos"];
    CHECK(is_string(photos["total"]));  // "total": "20" beside numeric page/pages
    CHECK(sv(photos["total"]) == "20");
    CHECK(int64_t(photos["pages"]) == 3);
    for (element p : simdjson::dom::array(photos["photo"])) {
      got.push_back(sv(p["id"]));
      CHECK(is_string(p["date_faved"]));
      CHECK(sv(p["owner"]) != kNsid);
      CHECK(!sv(p["ownername"]).empty());
      CHECK(is_string(p["pathalias"]));
    }
  }
  CHECK(got == want);

  // per_page above 500 is clamped; without a token the caller must name the user.
  simdjson::dom::parser parser;
  const auto big =
      rest_call(emu.url(), {{"method", "flickr.favorites.getList"}, {"per_page", "2000"}}, true);
  CHECK(int64_t(parse(parser, big.body)["photos"]["perpage"]) == 500);
  const auto anonymous = rest_call(emu.url(), {{"method", "flickr.favorites.getList"}}, false);
  CHECK(anonymous.body.find("\"code\":1,\"message\":\"User not found\"") != std::string::npos);
  const auto named =
      rest_call(emu.url(), {{"method", "flickr.favorites.getList"}, {"user_id", kNsid}}, false);
  CHECK(named.body.find("\"total\":\"20\"") != std::string::npos);
  const auto stranger =
      rest_call(emu.url(), {{"method", "flickr.favorites.getList"}, {"user_id", "1@N01"}}, true);
  CHECK(stranger.body.find("\"code\":1,") != std::string::npos);
  // min/max_fave_date window: just the newest one.
  const std::string newest = std::to_string(std::int64_t((*favorites.begin())["date_faved"]));
  const auto window = rest_call(
      emu.url(), {{"method", "flickr.favorites.getList"}, {"min_fave_date", newest}}, true);
  CHECK(window.body.find("\"total\":\"1\"") != std::string::npos);
  const auto xml = rest_call(emu.url(), {{"method", "flickr.favorites.getList"}}, true, "rest");
  CHECK(xml.body.find(" date_faved=\"") != std::string::npos);

  // Per-photo methods answer for a listed favorite as for any visible photo, with its owner;
  // one its owner made private is not found.
  for (element f : favorites) {
    const std::string id(sv(f["id"]));
    simdjson::dom::parser p1;
    const auto sizes =
        rest_call(emu.url(), {{"method", "flickr.photos.getSizes"}, {"photo_id", id}}, true);
    const auto info =
        rest_call(emu.url(), {{"method", "flickr.photos.getInfo"}, {"photo_id", id}}, true);
    if (!bool(f["listed"])) {
      CHECK(sizes.body.find("\"code\":1,") != std::string::npos);
      CHECK(info.body.find("\"code\":1,") != std::string::npos);
      continue;
    }
    CHECK(simdjson::dom::array(parse(p1, sizes.body)["sizes"]["size"]).size() ==
          simdjson::dom::array(f["sizes"]).size());
    simdjson::dom::parser p2;
    CHECK(sv(parse(p2, info.body)["photo"]["owner"]["nsid"]) == sv(f["owner"]));
  }

  // Other members' images are served like the account's.
  for (element f : favorites) {
    element smallest = *simdjson::dom::array(f["sizes"]).begin();
    const std::string url = sv(smallest["url"]);
    int status = 0;
    (void)emu.get(url.substr(emu.url().size()), &status);
    CHECK(status == 200);
  }
}
