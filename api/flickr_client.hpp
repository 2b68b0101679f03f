#pragma once
// FlickrClient: the typed, signed, rate-limited, retrying Flickr REST client every other
// layer uses (DESIGN section 2, flickr-api.md). One instance per process, shared by all FUSE
// workers and mirror jobs.
//
// Every API call: format=json&nojsoncallback=1, OAuth 1.0a HMAC-SHA1 signed (query form for
// GET, body form for POST) when a token is configured, else api_key only; one token of the
// API call budget per attempt (RateLimiter); retried per RetryPolicy (429, 5xx, transient
// stat:fail, truncated/invalid bodies, resets); stat:fail mapped by parse::flickr_error. Each
// attempt is capped by HttpOptions::request_timeout, so a call is bounded by about max_attempts *
// (request_timeout + max_delay).
//
// Logging: `log` receives one line per attempt at verbosity >= 1 (method, page, status,
// milliseconds, retries) and the request URL at >= 2, with oauth_signature dropped and the
// API secret and token secret replaced by "***" should they ever appear. Error messages never
// contain a secret either.
//
// Thread contract: thread-safe. Options and credentials are fixed at construction (`flickrfs
// auth` builds a new client once it has a token).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/clock.hpp"
#include "api/config.hpp"
#include "api/http/http_client.hpp"
#include "api/oauth.hpp"
#include "api/parse/upload_reply.hpp"
#include "api/rate_limiter.hpp"
#include "api/retry.hpp"
#include "api/types.hpp"
#include "base/result.hpp"

namespace flickrfs::api {

// The extras of every photo listing: everything a photo directory and info.json need, so no
// per-photo call is necessary for listing (flickr-api.md section 6).
inline constexpr std::string_view kPhotoExtras =
    "description,license,date_upload,date_taken,owner_name,original_format,last_update,geo,"
    "tags,machine_tags,o_dims,views,media,path_alias,count_comments,count_faves,"
    "url_sq,url_q,url_t,url_s,url_n,url_w,url_m,url_z,url_c,url_l,url_h,url_k,url_3k,url_4k,"
    "url_f,url_5k,url_6k,url_o";
inline constexpr int kMaxPerPage = 500;

enum class LogLevel : std::uint8_t { warning, info, debug };
using LogSink = std::function<void(LogLevel level, std::string_view line)>;

struct ClientOptions {
  std::string api_url = "https://api.flickr.com";    // REST: +"/services/rest/", OAuth:
                                                     // +"/services/oauth/{request_token,...}"
  std::string upload_url = "https://up.flickr.com";  // +"/services/{upload,replace}/"
  Credentials credentials;
  std::string ca_file;  // copied into http.ca_file when that is empty
  http::HttpOptions http;
  RateLimits rate_limits;  // used when rate_limiter is null
  std::shared_ptr<RateLimiter> rate_limiter;
  RetryPolicy retry;
  // Longest a call waits for Flickr's budget (the window, a 429's Retry-After) before failing
  // with Errc::rate_limited: a call someone waits on waits rather than fails, within reason.
  std::chrono::milliseconds rate_limit_max_wait{std::chrono::minutes(10)};
  // When it becomes true (unmount, SIGTERM), waiting calls give up with Errc::interrupted.
  const std::atomic<bool>* cancel = nullptr;
  Clock* clock = nullptr;  // null = steady_clock(); tests inject a fake for retry sleeps
  int verbosity = 0;       // 0 warnings, 1 info, 2 debug
  LogSink log;             // null = no logging
};

struct RequestToken {
  std::string token;
  std::string token_secret;
};

// What the access_token step returns: the token pair and whose it is.
struct AccessToken {
  std::string token;
  std::string token_secret;
  std::string user_nsid;
  std::string username;
  std::string fullname;
};

// What a key walk keeps of a photo once its page went to the observer: its id and place.
// A whole api::Photo is 672 bytes even when stripped, so 100,000 of them held to a walk's
// end cost 67 MB; album walks running side by side held more.
struct PhotoKey {
  std::string id;
  std::int64_t date_upload = 0;
};

// A complete listing, as walk_pages() collected it: whole photos (PhotoWalk) or, for a
// caller that stores each page as it arrives, their keys (KeyWalk).
template <class Item>
struct Walk {
  std::vector<Item> photos;         // server order, each id once
  std::int64_t reported_total = 0;  // "total" of the last page read
  int passes = 0;                   // 1 normally; more when a pass came up short
  // True when every page was read and the distinct ids reached the reported total. A
  // mirror --delete must refuse an incomplete walk.
  bool complete = false;
};
using PhotoWalk = Walk<Photo>;
using KeyWalk = Walk<PhotoKey>;

// The order a walk reads a listing's pages in; page 1 always comes first (it says how many
// pages there are). last_first then reads pages..2: a listing sorted newest first hands over
// its oldest photos early (the mount's page-0001 is the oldest, DESIGN section 3).
enum class PageOrder : std::uint8_t { first_to_last, last_first };

class FlickrClient {
 public:
  explicit FlickrClient(ClientOptions options);
  ~FlickrClient();
  FlickrClient(const FlickrClient&) = delete;
  FlickrClient& operator=(const FlickrClient&) = delete;

  [[nodiscard]] const ClientOptions& options() const { return m_options; }
  [[nodiscard]] bool authenticated() const { return m_options.credentials.has_token(); }
  [[nodiscard]] std::string rest_url() const;  // api_url + "/services/rest/"

  // `--user` as given (NSID, username or "me") -> "me" or an NSID. An NSID (contains '@')
  // and "me" cost no call; a username is looked up with people.findByUsername.
  [[nodiscard]] Result<std::string> resolve_user(const std::string& user);

  // ---- Listings (per_page is clamped to 1..500) --------------------------------------------
  // `user` is "me", an NSID or a username-free id. With a token and user "me" (or the token
  // owner's NSID): people.getPhotos user_id=me (all photos the token may see). Otherwise
  // people.getPublicPhotos user_id=<user>; "me" without a token is Errc::config.
  [[nodiscard]] Result<PhotoPage> photos_page(const std::string& user, int page,
                                              int per_page = kMaxPerPage);
  // photosets.getPhotos; `owner` may be empty (Flickr then uses the set's owner).
  [[nodiscard]] Result<PhotoPage> photoset_photos_page(const std::string& photoset_id,
                                                       const std::string& owner, int page,
                                                       int per_page = kMaxPerPage);
  // photos.recentlyUpdated (needs a token): photos changed since `min_date` (unix).
  [[nodiscard]] Result<PhotoPage> recently_updated(std::int64_t min_date, int page,
                                                   int per_page = kMaxPerPage);
  // photosets.getList, every page. `user` "me" = the token owner.
  [[nodiscard]] Result<std::vector<Photoset>> photosets(const std::string& user);
  [[nodiscard]] Result<std::vector<Collection>> collections_tree(const std::string& user);
  // favorites.getList with the photostream's extras: the photos `user` faved (other
  // members', each with its owner and date_faved), newest faved first. "me" = the token
  // owner (no user_id sent: Flickr then lists the caller's).
  [[nodiscard]] Result<PhotoPage> favorites_page(const std::string& user, int page,
                                                 int per_page = kMaxPerPage);

  // Walks pages 1..pages of `fetch_page` and returns each photo once. Strategy:
  // - `pages` and `total` are re-read from every response; a short or empty page never ends
  //   a pass early (Flickr filters pages after paging);
  // - ids are deduplicated within a pass (a photo pushed onto the next page by a new upload
  //   is seen twice), first occurrence kept;
  // - a pass is "stable" when total and pages did not change while it ran. A stable pass
  //   with at least `total` distinct ids is an exact snapshot: returned, complete = true.
  // - otherwise (the listing changed under us, so a photo may have shifted across a page
  //   boundary unseen, or the ids fall short of total) the walk runs again, up to
  //   `max_passes`, and stops early when a stable pass adds no new id. The result is then
  //   the union of all passes (nothing any pass saw is dropped), complete = false.
  // `on_page` sees each page as it arrives, before the walk keeps its photos: a key walk
  // (walk_page_keys) keeps only PhotoKeys, so a caller that stores each page there needs
  // not hold 100,000 photos whole until the walk's end. An error it returns ends the walk
  // and is the walk's result (a failed store, an unmount: a walk of 100,000 photos is 200
  // calls).
  using PageFetcher = std::function<Result<PhotoPage>(int page)>;
  using PageObserver = std::function<Result<void>(PhotoPage& page)>;
  [[nodiscard]] static Result<PhotoWalk> walk_pages(const PageFetcher& fetch_page,
                                                    int max_passes = 3,
                                                    const PageObserver& on_page = nullptr);
  // The same walk keeping only each photo's key: `on_page` is where whole photos go.
  // Read backwards (last_first), a photo that a new upload pushes onto a page already read
  // is missed rather than seen twice; the pass is then unstable or short and the walk runs
  // again, as it does when a deletion hides one from a forward pass.
  [[nodiscard]] static Result<KeyWalk> walk_page_keys(const PageFetcher& fetch_page,
                                                      const PageObserver& on_page,
                                                      int max_passes = 3,
                                                      PageOrder order = PageOrder::first_to_last);
  [[nodiscard]] Result<PhotoWalk> all_photos(const std::string& user);
  [[nodiscard]] Result<KeyWalk> all_photo_keys(const std::string& user, const PageObserver& on_page,
                                               PageOrder order = PageOrder::first_to_last);
  [[nodiscard]] Result<PhotoWalk> all_photoset_photos(const std::string& photoset_id,
                                                      const std::string& owner);
  [[nodiscard]] Result<KeyWalk> all_photoset_keys(const std::string& photoset_id,
                                                  const std::string& owner,
                                                  const PageObserver& on_page);
  // Every favorite: ceil(F / 500) calls when the list holds still.
  [[nodiscard]] Result<PhotoWalk> all_favorites(const std::string& user);

  // ---- One photo ---------------------------------------------------------------------------
  [[nodiscard]] Result<std::vector<Size>> sizes(const std::string& photo_id);
  // photos.getInfo -> the detail fields of Photo (rotation, can_download, visibility ...).
  [[nodiscard]] Result<Photo> info(const std::string& photo_id, const std::string& secret = {});
  [[nodiscard]] Result<std::vector<Comment>> comments(const std::string& photo_id);
  // photos.getExif: Errc::permission (Flickr code 2) when the owner hides EXIF.
  [[nodiscard]] Result<Exif> exif(const std::string& photo_id, const std::string& secret = {});

  // ---- People and auth ---------------------------------------------------------------------
  [[nodiscard]] Result<User> people_info(const std::string& nsid);
  [[nodiscard]] Result<User> find_by_username(const std::string& username);
  [[nodiscard]] Result<User> test_login();
  [[nodiscard]] Result<TokenInfo> check_token();

  // ---- Raw ---------------------------------------------------------------------------------
  // One API call (signed when a token is configured) for `flickrfs call`: the reply body as
  // Flickr sent it once stat is "ok"; stat:fail and HTTP errors as mapped Errors. `post`
  // sends the parameters as a form body (write methods need POST).
  [[nodiscard]] Result<std::string> call_raw(std::string_view method, const oauth::Params& params,
                                             bool post = false);

  // ---- Uploads (flickr-api.md section 11; need a token with write permission) -----------
  // One multipart POST to upload_url + /services/upload/ (or /services/replace/ when
  // replace_photo_id is set), signed over every field but `photo`, the file streamed from
  // disk. Spends one API token per attempt. With `retry`, retries like any call; but a reply
  // lost after Flickr took the file (reset, truncated) would then upload it twice, so the
  // uploader (fs/upload/) sends with retry = false and, after a failure, looks for the file
  // on Flickr before sending it again. Code 99 (read-only token) is Errc::auth.
  struct UploadRequest {
    std::string file_path;
    std::string title;              // empty: not sent (Flickr then names it after the file)
    std::optional<bool> is_public;  // nullopt: the account's default
    bool async = true;              // answer a ticket id (check_tickets) instead of waiting
    std::string replace_photo_id;   // non-empty: replace this photo's file
    bool retry = true;              // false: one attempt (throttled waits aside)
  };
  [[nodiscard]] Result<parse::UploadReply> upload(const UploadRequest& request,
                                                  const http::UploadProgress& progress = {});
  [[nodiscard]] Result<std::vector<parse::TicketStatus>> check_tickets(
      const std::vector<std::string>& ticket_ids);

  // ---- Write methods (POST; flickr_write.cpp) -----------------------------------------------
  // flickr.photosets.create: ONE attempt, never retried here: a reply lost after Flickr made
  // the album would make a second album of the same title on retry. The caller looks for the
  // album by title (photosets()) before trying again. Returns the new album's id.
  [[nodiscard]] Result<std::string> create_photoset(const std::string& title,
                                                    const std::string& primary_photo_id);
  // flickr.photosets.addPhoto, retried: a retry after a lost reply answers code 3 "Photo
  // already in set", which is the state asked for, so it counts as success.
  [[nodiscard]] Result<void> add_to_photoset(const std::string& photoset_id,
                                             const std::string& photo_id);
  // flickr.photos.delete (needs a token with delete permission), retried: a retry after a
  // lost reply answers code 1 "Photo not found", also success. Errc::auth on code 99.
  [[nodiscard]] Result<void> delete_photo(const std::string& photo_id);

  // ---- OAuth out-of-band flow (flickr-api.md section 12) -----------------------------------
  [[nodiscard]] Result<RequestToken> request_token(std::string_view callback = "oob");
  // api_url + "/services/oauth/authorize?oauth_token=...&perms=read|write|delete"
  [[nodiscard]] std::string authorize_url(const RequestToken& token, std::string_view perms) const;
  [[nodiscard]] Result<AccessToken> access_token(const RequestToken& token,
                                                 std::string_view verifier);

  // ---- Images (image rate bucket, same retry policy) ---------------------------------------
  // HttpClient::download with retries that resume where the last attempt stopped, so the sink
  // sees every byte from `offset` exactly once. A resume refused with 416 fetches the file
  // again from byte 0: with `rewind`, after calling it (the sink then sees every byte from 0
  // once, info.restarted); without, skipping what the sink already has. Info describes the
  // last (successful) attempt, with bytes_written summed since `offset` (or since the rewind).
  [[nodiscard]] Result<http::DownloadInfo> download(const std::string& url, std::uint64_t offset,
                                                    const http::ChunkSink& sink,
                                                    const std::atomic<bool>* cancel = nullptr,
                                                    const http::Rewind& rewind = {});
  [[nodiscard]] Result<http::RemoteSize> probe_size(const std::string& url);

  // ---- Status ------------------------------------------------------------------------------
  // Is Flickr healthy? One unsigned request without an API key (flickr.test.echo; Flickr
  // answers "Invalid API Key" without counting it against any key), no budget, no retries.
  // Success when Flickr answered normally (any reply but "try later"); otherwise the error
  // a call would have got: network, unavailable (5xx, stat:fail 105/201/0), rate_limited,
  // bad_response (a reply that is not Flickr's, e.g. a proxy's HTML page).
  [[nodiscard]] Result<void> ping(std::chrono::milliseconds timeout);
  [[nodiscard]] std::int64_t calls_left() const { return m_limiter->calls_left(); }
  [[nodiscard]] BudgetState budget_state() const { return m_limiter->api_state(); }
  [[nodiscard]] RateLimiter& rate_limiter() { return *m_limiter; }
  [[nodiscard]] http::HttpClient& http() { return *m_http; }

 private:
  // One API call with retries; `parse` runs inside the retry loop, so an invalid or
  // truncated body is retried like a 5xx.
  template <class T>
  [[nodiscard]] Result<T> call(std::string_view method, oauth::Params params, bool post,
                               const std::function<Result<T>(std::string_view body)>& parse);
  // One attempt: HTTP 200 -> the body; other statuses -> mapped Errors.
  [[nodiscard]] Result<std::string> api_attempt(std::string_view method,
                                                const oauth::Params& params, bool post);
  [[nodiscard]] Result<oauth::Params> oauth_step(std::string_view endpoint, const oauth::Keys& keys,
                                                 const oauth::Params& extra_oauth);
  // Runs `attempt` up to retry.max_attempts times (throttled attempts not counted, see
  // RetryPolicy), each one holding an API call or an image request of the RateLimiter.
  enum class Kind : std::uint8_t { api, image };
  // `max_attempts` 0 = the RetryPolicy's.
  template <class T>
  [[nodiscard]] Result<T> with_retries(std::string_view what, Kind kind,
                                       const std::function<Result<T>()>& attempt,
                                       const std::atomic<bool>* cancel = nullptr,
                                       int max_attempts = 0);
  [[nodiscard]] Result<std::string> me_or_nsid(const std::string& user, bool need_token) const;
  void log(LogLevel level, std::string_view line) const;
  [[nodiscard]] std::string redact(std::string text) const;

  ClientOptions m_options;
  Clock* m_clock;
  std::shared_ptr<RateLimiter> m_limiter;
  std::unique_ptr<http::HttpClient> m_http;
};

}  // namespace flickrfs::api
