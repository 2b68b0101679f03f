// api/flickr_client against canned servers on 127.0.0.1 that CHECK THE REQUEST (method,
// parameters, per_page, extras, OAuth parameters and signature) and serve Flickr's quirks and
// faults: 429 HTML, 5xx, stat:fail 201 with HTTP 200, truncated and invalid bodies, resets.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <thread>

#include "api/flickr_client.hpp"
#include "tests/api/canned_server.hpp"
#include "tests/api/fake_clock.hpp"

using namespace flickrfs;
using namespace flickrfs::api;
using flickrfs::test::CannedReply;
using flickrfs::test::CannedServer;
using flickrfs::test::fixture;
using flickrfs::test::RecordedRequest;
using namespace std::chrono_literals;

namespace {

const char* kKey = "canned-key";
const char* kSecret = "canned-consumer-secret";
const char* kToken = "canned-token";
const char* kTokenSecret = "canned-token-secret";

ClientOptions options_for(const CannedServer& server, bool with_token = true) {
  ClientOptions options;
  options.api_url = server.url();
  options.credentials.api_key = kKey;
  options.credentials.api_secret = kSecret;
  if (with_token) {
    options.credentials.oauth_token = kToken;
    options.credentials.oauth_token_secret = kTokenSecret;
    options.credentials.user_nsid = "12345678@N00";
  }
  options.retry = fast_retry_policy_for_tests(7);
  options.rate_limits = RateLimits::of({0});  // unlimited: these tests count requests
  options.http.request_timeout = std::chrono::milliseconds(3000);
  return options;
}

CannedReply json(std::string body, int status = 200) {
  CannedReply reply;
  reply.status = status;
  reply.body = std::move(body);
  return reply;
}

bool signed_ok(const CannedServer& server, const RecordedRequest& request,
               const std::string& token_secret = kTokenSecret) {
  return test::signature_valid(request, server.url(), kSecret, token_secret);
}

}  // namespace

TEST_CASE("photos_page: people.getPhotos for me, signed, 500 per page, every extra", "[client]") {
  CannedServer server(
      [](const RecordedRequest&) { return json(fixture("people_getPhotos_quirks.json")); });
  FlickrClient client(options_for(server));
  auto page = client.photos_page("me", 2);
  REQUIRE(page.ok());
  CHECK(page->photos.size() == 3);

  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const RecordedRequest& request = requests[0];
  CHECK(request.method == "GET");
  CHECK(request.path == "/services/rest/");
  CHECK(request.param("method") == "flickr.people.getPhotos");
  CHECK(request.param("user_id") == "me");
  CHECK(request.param("per_page") == "500");
  CHECK(request.param("page") == "2");
  CHECK(request.param("format") == "json");
  CHECK(request.param("nojsoncallback") == "1");
  const std::string extras = request.param("extras");
  for (const char* extra :
       {"date_upload", "date_taken",  "last_update",    "original_format", "o_dims",
        "media",       "description", "tags",           "machine_tags",    "geo",
        "license",     "views",       "count_comments", "count_faves",     "path_alias",
        "url_sq",      "url_t",       "url_s",          "url_q",           "url_m",
        "url_n",       "url_z",       "url_c",          "url_l",           "url_h",
        "url_k",       "url_3k",      "url_4k",         "url_5k",          "url_6k",
        "url_o"}) {
    INFO(extra);
    CHECK((',' + extras + ',').find(',' + std::string(extra) + ',') != std::string::npos);
  }
  CHECK(request.param("oauth_consumer_key") == kKey);
  CHECK(request.param("oauth_token") == kToken);
  CHECK(request.param("oauth_signature_method") == "HMAC-SHA1");
  CHECK(request.param("oauth_version") == "1.0");
  CHECK_FALSE(request.param("oauth_nonce").empty());
  CHECK(signed_ok(server, request));
  CHECK_FALSE(signed_ok(server, request, "wrong-token-secret"));
  CHECK_FALSE(request.has("api_key"));
}

TEST_CASE("without a token: getPublicPhotos with api_key, no signature, me is a config error",
          "[client]") {
  CannedServer server(
      [](const RecordedRequest&) { return json(fixture("photos_empty_no_array.json")); });
  FlickrClient client(options_for(server, false));
  auto page = client.photos_page("99999999@N01", 1, 9999);
  REQUIRE(page.ok());
  CHECK(page->photos.empty());
  const auto request = server.requests().at(0);
  CHECK(request.param("method") == "flickr.people.getPublicPhotos");
  CHECK(request.param("user_id") == "99999999@N01");
  CHECK(request.param("api_key") == kKey);
  CHECK(request.param("per_page") == "500");  // clamped
  CHECK_FALSE(request.has("oauth_signature"));

  auto me = client.photos_page("me", 1);
  REQUIRE_FALSE(me.ok());
  CHECK(me.error().code == Errc::config);
  CHECK(server.request_count() == 1);
}

TEST_CASE("transient faults are retried until the call succeeds", "[client]") {
  std::atomic<int> calls{0};
  const std::string good = fixture("test_login.json");
  CannedServer server([&](const RecordedRequest&) {
    CannedReply reply;
    switch (calls++) {
      case 0:
        reply.status = 429;
        reply.body = fixture("http_429.html");
        reply.content_type = "text/html";
        return reply;
      case 1:
        return json("<html>Bad Gateway</html>", 502);
      case 2:
        return json(fixture("fail_201_trailing_comma.txt"));  // stat:fail with HTTP 200
      case 3:
        return json(good.substr(0, good.size() / 2));  // complete HTTP, truncated JSON
      case 4:
        return json("{\"user\": nope}");
      case 5:
        reply.body = good;
        reply.fault = CannedReply::Fault::reset;
        return reply;
      default:
        return json(good);
    }
  });
  FlickrClient client(options_for(server));
  auto user = client.test_login();
  REQUIRE(user.ok());
  CHECK(user->nsid == "12345678@N00");
  CHECK(calls == 7);
  for (const auto& request : server.requests())
    CHECK(signed_ok(server, request));
  // Every attempt is freshly signed.
  CHECK(server.requests()[0].param("oauth_nonce") != server.requests()[1].param("oauth_nonce"));
}

TEST_CASE("retries are bounded and end with a clear error", "[client]") {
  CannedServer server([](const RecordedRequest&) { return json("busy", 503); });
  ClientOptions options = options_for(server);
  options.retry = fast_retry_policy_for_tests(3);
  FlickrClient client(options);
  auto page = client.photos_page("me", 1);
  REQUIRE_FALSE(page.ok());
  CHECK(page.error().code == Errc::unavailable);
  CHECK(page.error().message.find("gave up after 3 attempts") != std::string::npos);
  CHECK(server.request_count() == 3);
}

TEST_CASE("an unreachable host stops retrying once the unreachable budget is spent", "[client]") {
  // Port 1 on 127.0.0.1 refuses connections: nothing is ever exchanged.
  CannedServer server([](const RecordedRequest&) { return json("unused"); });
  ClientOptions options = options_for(server);
  options.api_url = "http://127.0.0.1:1";
  options.retry = fast_retry_policy_for_tests(5);
  SECTION("without a budget every attempt is made") {
    FlickrClient client(options);
    auto page = client.photos_page("me", 1);
    REQUIRE_FALSE(page.ok());
    CHECK(page.error().code == Errc::network);
    CHECK(page.error().message.find("gave up after 5 attempts") != std::string::npos);
  }
  SECTION("with a budget smaller than two backoff delays it gives up after one or two") {
    options.retry.initial_delay = options.retry.max_delay = std::chrono::milliseconds(200);
    options.retry.unreachable_budget = std::chrono::milliseconds(150);  // delays are 100..200
    FlickrClient client(options);
    auto page = client.photos_page("me", 1);
    REQUIRE_FALSE(page.ok());
    CHECK(page.error().code == Errc::network);
    const std::string& message = page.error().message;
    CHECK(message.find("host unreachable") != std::string::npos);
    CHECK((message.find("after 1 attempt)") != std::string::npos ||
           message.find("after 2 attempts)") != std::string::npos));
  }
}

TEST_CASE("permanent errors are not retried and map to their kind", "[client]") {
  std::string body;
  int status = 200;
  CannedServer server([&](const RecordedRequest&) { return json(body, status); });
  FlickrClient client(options_for(server));

  body = fixture("fail_code1.json");
  auto missing = client.info("1");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == Errc::not_found);
  CHECK(missing.error().flickr_code == 1);
  CHECK(server.request_count() == 1);

  body = fixture("fail_code98.json");
  auto login = client.test_login();
  REQUIRE_FALSE(login.ok());
  CHECK(login.error().code == Errc::auth);
  CHECK(server.request_count() == 2);

  body = fixture("oauth_signature_invalid.txt");
  status = 401;
  auto rejected = client.sizes("1");
  REQUIRE_FALSE(rejected.ok());
  CHECK(rejected.error().code == Errc::auth);
  CHECK(rejected.error().message.find("signature_invalid") != std::string::npos);
  CHECK(rejected.error().message.find(kSecret) == std::string::npos);
  CHECK(rejected.error().message.find(kTokenSecret) == std::string::npos);
  CHECK(server.request_count() == 3);
}

TEST_CASE("typed per-photo and people methods send their parameters", "[client]") {
  CannedServer server([](const RecordedRequest& request) {
    const std::string method = request.param("method");
    if (method == "flickr.photos.getSizes") return json(fixture("getSizes_photo.json"));
    if (method == "flickr.photos.getInfo") return json(fixture("getInfo_full.json"));
    if (method == "flickr.photos.comments.getList") return json(fixture("comments.json"));
    if (method == "flickr.photos.getExif") return json(fixture("exif.json"));
    if (method == "flickr.people.getInfo") return json(fixture("people_getInfo.json"));
    if (method == "flickr.people.findByUsername")
      return json(fixture("people_findByUsername.json"));
    if (method == "flickr.auth.oauth.checkToken") return json(fixture("checkToken.json"));
    if (method == "flickr.collections.getTree") return json(fixture("collections_getTree.json"));
    if (method == "flickr.photosets.getPhotos") return json(fixture("photosets_getPhotos.json"));
    if (method == "flickr.photos.recentlyUpdated")
      return json(fixture("photos_empty_no_array.json"));
    return json(fixture("fail_code112.txt"));
  });
  FlickrClient client(options_for(server));
  REQUIRE(client.sizes("54216619200").ok());
  REQUIRE(client.info("54216619200", "a7fcf8c2b4").ok());
  REQUIRE(client.comments("54216619200").ok());
  REQUIRE(client.exif("54216619200").ok());
  REQUIRE(client.people_info("12345678@N00").ok());
  auto resolved = client.resolve_user("demo");
  REQUIRE(resolved.ok());
  CHECK(*resolved == "me");  // the token owner, found by name
  auto token = client.check_token();
  REQUIRE(token.ok());
  CHECK(token->perms == "read");
  REQUIRE(client.collections_tree("me").ok());
  REQUIRE(client.photoset_photos_page("72157709876543210", "me", 1).ok());
  REQUIRE(client.recently_updated(1563100000, 1).ok());

  const auto requests = server.requests();
  REQUIRE(requests.size() == 10);
  CHECK(requests[0].param("photo_id") == "54216619200");
  CHECK(requests[1].param("secret") == "a7fcf8c2b4");
  CHECK(requests[4].param("user_id") == "12345678@N00");
  CHECK(requests[5].param("username") == "demo");
  CHECK(requests[7].has("user_id") == false);
  CHECK(requests[8].param("photoset_id") == "72157709876543210");
  CHECK(requests[8].param("user_id") == "12345678@N00");
  CHECK(requests[8].param("per_page") == "500");
  CHECK(requests[9].param("min_date") == "1563100000");
  for (const auto& request : requests)
    CHECK(signed_ok(server, request));

  auto raw = client.call_raw("flickr.nonExistingMethod", {});
  REQUIRE_FALSE(raw.ok());
  CHECK(raw.error().flickr_code == 112);
}

TEST_CASE("call_raw: POST sends a signed form body and returns the reply verbatim", "[client]") {
  const std::string body = fixture("test_login.json");
  CannedServer server([&](const RecordedRequest&) { return json(body); });
  FlickrClient client(options_for(server));
  auto reply = client.call_raw("flickr.test.login", {{"note", "a b&c=d/é"}}, true);
  REQUIRE(reply.ok());
  CHECK(*reply == body);
  const auto request = server.requests().at(0);
  CHECK(request.method == "POST");
  CHECK(request.body.find("oauth_signature=") != std::string::npos);
  CHECK(request.param("note") == "a b&c=d/é");
  CHECK(signed_ok(server, request));
}

TEST_CASE("photosets: every page of getList, ids once", "[client]") {
  CannedServer server([](const RecordedRequest& request) {
    const std::string page = request.param("page");
    return json("{\"photosets\":{\"page\":" + page + ",\"pages\":\"2\",\"photoset\":[{\"id\":\"" +
                page + "\",\"title\":{\"_content\":\"t\"}},{\"id\":\"1\"}]},\"stat\":\"ok\"}");
  });
  FlickrClient client(options_for(server));
  auto sets = client.photosets("me");
  REQUIRE(sets.ok());
  REQUIRE(sets->size() == 2);
  CHECK((*sets)[0].id == "1");
  CHECK((*sets)[1].id == "2");
  CHECK(server.request_count() == 2);
}

TEST_CASE("the OAuth flow: request token (oob), authorize URL, access token", "[client]") {
  CannedServer server([](const RecordedRequest& request) {
    CannedReply reply;
    reply.content_type = "text/plain";
    if (request.path == "/services/oauth/request_token") {
      reply.body =
          "oauth_callback_confirmed=true&oauth_token=req-token&oauth_token_secret=req-secret";
    } else if (request.path == "/services/oauth/access_token") {
      reply.body =
          "fullname=Demo%20User&oauth_token=acc-token&oauth_token_secret=acc-secret&user_nsid="
          "12345678%40N00&username=demo";
    }
    return reply;
  });
  FlickrClient client(options_for(server, false));
  auto request_token = client.request_token();
  REQUIRE(request_token.ok());
  CHECK(request_token->token == "req-token");
  CHECK(client.authorize_url(*request_token, "write") ==
        server.url() + "/services/oauth/authorize?oauth_token=req-token&perms=write");
  auto access = client.access_token(*request_token, "123-456-789");
  REQUIRE(access.ok());
  CHECK(access->token == "acc-token");
  CHECK(access->token_secret == "acc-secret");
  CHECK(access->user_nsid == "12345678@N00");
  CHECK(access->fullname == "Demo User");

  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].param("oauth_callback") == "oob");
  CHECK_FALSE(requests[0].has("oauth_token"));
  CHECK(signed_ok(server, requests[0], ""));
  CHECK(requests[1].param("oauth_token") == "req-token");
  CHECK(requests[1].param("oauth_verifier") == "123-456-789");
  CHECK(signed_ok(server, requests[1], "req-secret"));
}

TEST_CASE("verbose logs never contain the secrets", "[client]") {
  bool fail = true;
  CannedServer server([&](const RecordedRequest&) {
    if (fail) {
      fail = false;
      CannedReply reply = json(std::string("oauth_problem=signature_invalid&debug_sbs=") + kSecret +
                                   "%26" + kTokenSecret,
                               401);
      return reply;
    }
    return json(fixture("test_login.json"));
  });
  ClientOptions options = options_for(server);
  std::mutex mutex;
  std::string log;
  options.verbosity = 2;
  options.log = [&](LogLevel, std::string_view line) {
    const std::lock_guard lock(mutex);
    log.append(line).append("\n");
  };
  FlickrClient client(options);
  CHECK_FALSE(client.test_login().ok());  // the 401 (its body echoes the secrets)
  REQUIRE(client.test_login().ok());
  CHECK(log.find("flickr.test.login") != std::string::npos);
  CHECK(log.find("oauth_token=canned-token") != std::string::npos);  // the token is not secret
  CHECK(log.find(kSecret) == std::string::npos);
  CHECK(log.find(kTokenSecret) == std::string::npos);
  CHECK(log.find("oauth_signature=") == std::string::npos);
}

TEST_CASE("API calls spend the rolling window, the next waits until the first leaves it",
          "[client]") {
  CannedServer server([](const RecordedRequest&) { return json(fixture("test_login.json")); });
  ClientOptions options = options_for(server);
  // A fake clock makes the window exact: calls at 0 s, 1 s and 2 s fill a 4 s window; the
  // fourth waits for the first to leave it (4 s + the 2 s transit margin), and no earlier.
  FakeClock clock;
  options.clock = &clock;
  options.rate_limiter = std::make_shared<RateLimiter>(RateLimits::of({3, 4s}), clock);
  FlickrClient client(options);
  const auto started = clock.now();
  for (int i = 0; i < 3; ++i) {
    if (i > 0) clock.advance(1s);
    REQUIRE(client.test_login().ok());
  }
  CHECK(clock.slept() == 0s);  // no pace within the window
  CHECK(client.calls_left() == 0);
  REQUIRE(client.test_login().ok());
  CHECK(clock.now() - started >= 6s);  // the first call's 4 s + 2 s margin
  CHECK(clock.now() - started < 7s);   // ...but not the second's
  CHECK(client.calls_left() == 0);
  CHECK(server.requests().size() == 4);
}

TEST_CASE("429s are waited out, honouring Retry-After, beyond max_attempts", "[client]") {
  std::atomic<int> calls{0};
  CannedServer server([&](const RecordedRequest&) {
    if (calls++ < 4) {
      CannedReply reply = json(fixture("http_429.html"), 429);
      reply.content_type = "text/html";
      if (calls == 1) reply.headers = {{"Retry-After", "1"}};
      return reply;
    }
    return json(fixture("test_login.json"));
  });
  ClientOptions options = options_for(server);
  options.retry = fast_retry_policy_for_tests(2);  // 4 throttled answers exceed 2 attempts
  FlickrClient client(options);
  const auto started = std::chrono::steady_clock::now();
  REQUIRE(client.test_login().ok());
  CHECK(calls == 5);
  CHECK(std::chrono::steady_clock::now() - started >= 1s);  // Retry-After: 1
}

TEST_CASE("429s give up once the wait would pass rate_limit_max_wait", "[client]") {
  std::atomic<int> calls{0};
  CannedServer server([&](const RecordedRequest&) {
    ++calls;
    CannedReply reply = json(fixture("http_429.html"), 429);
    reply.headers = {{"Retry-After", "5"}};
    return reply;
  });
  ClientOptions options = options_for(server);
  options.retry = fast_retry_policy_for_tests(2);
  options.rate_limit_max_wait = 2s;
  FlickrClient client(options);
  auto login = client.test_login();
  REQUIRE_FALSE(login.ok());
  CHECK(login.error().code == Errc::rate_limited);
  CHECK(calls == 1);  // Retry-After 5 s is past the 2 s the caller may wait: no second try
}

TEST_CASE("download retries resume where the cut happened, the sink sees each byte once",
          "[client]") {
  std::string content(200'000, '\0');
  for (std::size_t i = 0; i < content.size(); ++i)
    content[i] = static_cast<char>(i % 253);
  std::atomic<int> calls{0};
  CannedServer server([&](const RecordedRequest& request) {
    CannedReply reply;
    reply.content_type = "image/jpeg";
    if (calls++ == 0) {
      reply.body = content;
      reply.fault = CannedReply::Fault::truncate;  // half, then the connection closes
      return reply;
    }
    const std::size_t start = std::stoul(request.header("Range").substr(6));
    reply.status = 206;
    reply.body = content.substr(start);
    reply.headers = {{"Content-Range", "bytes " + std::to_string(start) + "-" +
                                           std::to_string(content.size() - 1) + "/" +
                                           std::to_string(content.size())}};
    return reply;
  });
  FlickrClient client(options_for(server));
  std::string received;
  auto info = client.download(server.url() + "/static/1/1_a_o.jpg", 0,
                              [&](std::string_view chunk) -> Result<void> {
                                received.append(chunk);
                                return success();
                              });
  REQUIRE(info.ok());
  CHECK(received.size() == content.size());
  CHECK((received == content));
  CHECK(info->bytes_written == content.size());
  CHECK(*info->total_size == content.size());
  CHECK(calls == 2);
  CHECK(server.requests().at(1).header("Range") == "bytes=100000-");
  CHECK(client.rate_limiter().images_last_hour() == 2);
  CHECK(client.rate_limiter().api_state().used == 0);
}

TEST_CASE("a cut download whose resume gets 416 is fetched again from byte 0", "[client]") {
  // The emulator's --fault-rate run: a truncated body, then the resume is refused. The
  // retry must not give up with "range not satisfiable"; the sink is rewound once.
  std::string content(120'000, '\0');
  for (std::size_t i = 0; i < content.size(); ++i)
    content[i] = static_cast<char>(i % 241);
  std::atomic<int> calls{0};
  CannedServer server([&](const RecordedRequest& request) {
    CannedReply reply;
    reply.content_type = "image/jpeg";
    if (calls++ == 0) {
      reply.body = content;
      reply.fault = CannedReply::Fault::truncate;
      return reply;
    }
    if (!request.header("Range").empty()) {
      reply.status = 416;
      reply.body = "";
      return reply;
    }
    reply.body = content;
    return reply;
  });
  FlickrClient client(options_for(server));
  std::string received;
  int rewinds = 0;
  auto info = client.download(
      server.url() + "/static/1/1_a_o.jpg", 0,
      [&](std::string_view chunk) -> Result<void> {
        received.append(chunk);
        return success();
      },
      nullptr,
      [&]() -> Result<void> {
        ++rewinds;
        received.clear();
        return success();
      });
  REQUIRE(info.ok());
  CHECK(rewinds == 1);
  CHECK((received == content));
  CHECK(info->bytes_written == content.size());
  CHECK(info->restarted);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].header("Range").empty());
  CHECK(requests[1].header("Range") == "bytes=" + std::to_string(content.size() / 2) + "-");
  CHECK(requests[2].header("Range").empty());
}

TEST_CASE("many threads share one FlickrClient", "[client]") {
  CannedServer server(
      [](const RecordedRequest&) { return json(fixture("people_getPhotos_quirks.json")); });
  FlickrClient client(options_for(server));
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        auto page = client.photos_page("me", i + 1);
        if (page.ok() && page->photos.size() == 3) ++good;
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  CHECK(good == 60);
  for (const auto& request : server.requests())
    CHECK(signed_ok(server, request));
}
