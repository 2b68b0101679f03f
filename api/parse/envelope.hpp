#pragma once
// The Flickr JSON envelope (flickr-api.md sections 1-2, 13): `{"stat":"ok",...}` or
// `{"stat":"fail","code":N,"message":"..."}` (with HTTP 200), and the one mapping from a
// Flickr error code to an Errc.
//
// Mapping (method-specific codes start at 1 and mean different things per method):
//   1  -> not_found (photo/set/user not found), except "required argument missing" methods
//         (people.getPhotos, photos.recentlyUpdated, photos.search...) -> invalid_argument
//   2  -> permission for photos.getSizes/getExif/getInfo; not_found where it means "user /
//         collection not found"; invalid_argument for bad dates / continuation keys
//   5  -> not_found (user deleted)
//   95, 100 -> config (SSL required, invalid API key)
//   96, 97, 98, 99 -> auth (bad/missing signature, bad token, not logged in / insufficient
//         permissions: the fix is the same, `flickrfs auth`)
//   105, 106, 201, 0 and any message containing "not currently available" -> unavailable
//         (retried)
//   111, 112, 114, 115, 116 -> invalid_argument
//   anything else -> invalid_argument (a Flickr refusal we do not know; not retried)
// The Error keeps flickr_code/has_flickr_code and the message "<method>: <Flickr message>
// (code N)". Flickr messages never contain our secrets.
//
// Thread contract: free functions; thread-safe.

#include <string>
#include <string_view>

#include "base/result.hpp"

namespace flickrfs::api::parse {

// `code` -1 means the reply carried no code.
[[nodiscard]] Error flickr_error(std::string_view method, int code, std::string_view message);

// Checks that `body` is a JSON object with stat "ok". Tolerates the shapes Flickr has been
// seen to send: a JSONP wrapper jsonFlickrApi(...), and a trailing comma after the object.
// stat:fail -> flickr_error(); not JSON, truncated, no stat -> Errc::bad_response.
[[nodiscard]] Result<void> check_envelope(std::string_view body, std::string_view method);

// `body` without a JSONP wrapper, surrounding whitespace and trailing commas.
[[nodiscard]] std::string_view unwrap_json(std::string_view body);

// True for the transient Flickr codes and message (105, 106, 201, 0, "not currently
// available").
[[nodiscard]] bool is_transient_flickr_error(int code, std::string_view message);

}  // namespace flickrfs::api::parse
