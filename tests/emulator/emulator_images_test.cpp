// Image serving of flickr-emulator: manifest sha256/bytes equal what GET serves, HEAD,
// single Range (206) and unsatisfiable ranges (416), ETag/If-None-Match, Last-Modified,
// bytes identical on every request, mutations visible through the API and the manifest.
#include <simdjson.h>

#include <catch2/catch.hpp>

#include "emulator_client.hpp"
#include "tests/support/emulator_process.hpp"
#include "util.hpp"

using flickrfs::test::EmulatorProcess;
using namespace flickrfs::emulator::test;
using flickrfs::emulator::sha256_hex;
using simdjson::dom::element;

namespace {
std::string sv(element e) {
  return std::string(std::string_view(e));
}

std::string path_of(const std::string& url) {
  return url.substr(url.find('/', url.find("://") + 3));
}
}  // namespace

TEST_CASE("manifest sizes and sha256 equal the bytes GET serves, on every request") {
  EmulatorProcess emu({60, 4, 3, {"--image-kb", "30"}});
  simdjson::dom::parser parser;
  element m;
  REQUIRE(parser.parse(emu.get("/_emulator/manifest")).get(m) == simdjson::SUCCESS);
  CHECK(int64_t(m["total"]) == 60);
  std::set<std::string> formats;
  int checked = 0;
  for (element p : simdjson::dom::array(m["photos"])) {
    for (element s : simdjson::dom::array(p["sizes"])) {
      const std::string path = path_of(sv(s["url"]));
      auto a = http_get(emu.url(), path);
      REQUIRE(a.status == 200);
      CHECK(a.body.size() == uint64_t(s["bytes"]));
      CHECK(sha256_hex(a.body) == sv(s["sha256"]));
      formats.insert(path.substr(path.rfind('.') + 1));
      ++checked;
    }
  }
  CHECK(checked > 300);
  CHECK(formats.count("jpg") == 1);
  CHECK(formats.count("mp4") + formats.count("png") + formats.count("gif") >= 2);
  simdjson::dom::parser p2;
  element page;
  REQUIRE(p2.parse(emu.get("/_emulator/manifest?offset=10&limit=5")).get(page) ==
          simdjson::SUCCESS);
  CHECK(simdjson::dom::array(page["photos"]).size() == 5);
  CHECK(sv(page["photos"].at(0)["id"]) == sv(m["photos"].at(10)["id"]));
}

TEST_CASE("HEAD, Range 206/416, ETag 304, Last-Modified") {
  EmulatorProcess emu({20, 2, 5, {}});
  simdjson::dom::parser parser;
  element m;
  REQUIRE(parser.parse(emu.get("/_emulator/manifest?limit=1")).get(m) == simdjson::SUCCESS);
  element size = m["photos"].at(0)["sizes"].at(0);
  const std::string path = path_of(sv(size["url"]));
  const uint64_t total = uint64_t(size["bytes"]);
  auto full = http_get(emu.url(), path);
  auto head = http_head(emu.url(), path);
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.headers.find("Content-Length")->second == std::to_string(total));
  const std::string etag = full.headers.find("ETag")->second;
  CHECK(head.headers.find("ETag")->second == etag);
  CHECK(full.headers.count("Last-Modified") == 1);

  auto first = http_get(emu.url(), path, {{"Range", "bytes=0-0"}});
  CHECK(first.status == 206);
  CHECK(first.body == full.body.substr(0, 1));
  CHECK(first.headers.find("Content-Range")->second == "bytes 0-0/" + std::to_string(total));
  auto tail = http_get(emu.url(), path, {{"Range", "bytes=-10"}});
  CHECK(tail.status == 206);
  CHECK(tail.body == full.body.substr(total - 10));
  auto open = http_get(emu.url(), path, {{"Range", "bytes=100-99999999"}});
  CHECK(open.status == 206);
  CHECK(open.body == full.body.substr(100));
  auto beyond = http_get(emu.url(), path, {{"Range", "bytes=" + std::to_string(total) + "-"}});
  CHECK(beyond.status == 416);
  CHECK(beyond.headers.find("Content-Range")->second == "bytes */" + std::to_string(total));
  auto cached = http_get(emu.url(), path, {{"If-None-Match", etag}});
  CHECK(cached.status == 304);
  auto wrong = http_get(emu.url(), path.substr(0, path.size() - 4) + "x.jpg");
  CHECK(wrong.status == 404);
  const std::string stats = emu.get("/_emulator/stats");
  CHECK(stats.find("\"heads\":1") != std::string::npos);
  CHECK(stats.find("\"range_requests\":4") != std::string::npos);
}

TEST_CASE("mutations: add, retitle, replace, comment, delete, albums, recentlyUpdated sees them") {
  EmulatorProcess emu({30, 3, 7, {}});
  simdjson::dom::parser parser;
  element m;
  REQUIRE(parser.parse(emu.get("/_emulator/manifest")).get(m) == simdjson::SUCCESS);
  const std::string id = sv(m["photos"].at(3)["id"]);
  const std::string old_secret = sv(m["photos"].at(3)["secret"]);
  const std::string set_id = sv(m["sets"].at(1)["id"]);
  int status = 0;
  auto added =
      emu.post("/_emulator/mutate", R"({"op":"add","count":2,"title":"New upload"})", &status);
  CHECK(status == 200);
  CHECK(added.find("\"ids\":[\"") != std::string::npos);
  emu.post("/_emulator/mutate", R"({"op":"retitle","id":")" + id + R"(","title":"Renamed"})",
           &status);
  CHECK(status == 200);
  emu.post("/_emulator/mutate", R"({"op":"replace","id":")" + id + R"("})", &status);
  CHECK(status == 200);
  emu.post("/_emulator/mutate", R"({"op":"add_comment","id":")" + id + R"(","text":"hi"})",
           &status);
  CHECK(status == 200);
  emu.post("/_emulator/mutate",
           R"({"op":"set_add","set_id":")" + set_id + R"(","id":")" + id + R"("})", &status);
  CHECK((status == 200 || status == 400));  // 400 when the photo was already in the album
  auto refused = emu.post("/_emulator/mutate", R"({"op":"explode"})", &status);
  CHECK(status == 400);
  CHECK(refused.find("unknown op") != std::string::npos);

  auto info = rest_call(emu.url(), {{"method", "flickr.photos.getInfo"}, {"photo_id", id}}, true);
  CHECK(info.body.find("\"title\":{\"_content\":\"Renamed\"}") != std::string::npos);
  CHECK(info.body.find(old_secret) == std::string::npos);
  auto recent = rest_call(emu.url(),
                          {{"method", "flickr.photos.recentlyUpdated"}, {"min_date", "1767225600"}},
                          true);  // 2026-01-01
  CHECK(recent.body.find("\"id\":\"" + id + "\"") != std::string::npos);
  CHECK(recent.body.find("\"total\":\"3\"") != std::string::npos);

  emu.post("/_emulator/mutate", R"({"op":"delete","id":")" + id + R"("})", &status);
  CHECK(status == 200);
  auto gone = rest_call(emu.url(), {{"method", "flickr.photos.getInfo"}, {"photo_id", id}}, true);
  CHECK(gone.body.find("\"code\":1") != std::string::npos);
  const std::string after = emu.get("/_emulator/manifest");
  CHECK(after.find("\"total\":31") != std::string::npos);
  CHECK(after.find(id) == std::string::npos);
}
