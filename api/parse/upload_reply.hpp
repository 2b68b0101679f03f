#pragma once
// Replies of /services/upload/ and /services/replace/ (flickr-api.md section 11), which are
// always XML even when format=json was asked: <rsp stat="ok"><photoid>ID</photoid></rsp>,
// <ticketid>T</ticketid> with async=1, or <rsp stat="fail"><err code="N" msg="..."/></rsp>
// (mapped by flickr_error, so code 99 is Errc::auth like any other call).
//
// Thread contract: free functions; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace flickrfs::api::parse {

struct UploadReply {
  std::string photo_id;   // sync upload or replace
  std::string ticket_id;  // async=1
};

[[nodiscard]] Result<UploadReply> upload_reply(std::string_view body, std::string_view what);

// flickr.photos.upload.checkTickets: uploader.ticket[{id, complete 0/1/2, photoid?, invalid?}].
struct TicketStatus {
  std::string id;
  int complete = 0;  // 0 pending, 1 done (photo_id set), 2 failed
  std::string photo_id;
  bool invalid = false;  // Flickr does not know the ticket
};
[[nodiscard]] Result<std::vector<TicketStatus>> ticket_statuses(std::string_view body);

}  // namespace flickrfs::api::parse
