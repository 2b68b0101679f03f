#pragma once
// FirstPages: which of the photostream's pages a first walk has final before it ends.
//
// The mount's pages run oldest upload first (model/tree.hpp) while Flickr lists newest first,
// so a first walk reads page 1 (for the page count) and then the last page back to page 2
// (api::PageOrder::last_first): the oldest photos arrive first. Every photo not read yet is
// on a page between, so it is at least as new as the newest photo of the last page read.
// A photo strictly older than that is in its final place, and so are the mount's pages made
// only of such photos: Refresher publishes them (catalog_refresh.cpp) and page-0001 of a
// 1,000,000-photo account lists after three calls instead of after 2,000.
//
// Thread contract: one thread (the walk's observer).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "api/types.hpp"

namespace flickrfs::fs {

class FirstPages {
 public:
  explicit FirstPages(std::size_t page_size) : m_page_size(page_size) {}

  // A page of the walk as it arrives, in the walk's order. Page 1 (the newest photos) holds
  // nothing final; a second page 1 starts another pass, after which nothing is added (the
  // walk's end publishes the listing anyway).
  void add(const api::PhotoPage& page);
  // The ids of the mount's first pages that are final, whole pages only, oldest upload first
  // (the stored photostream's order). A sort of what was read: call it when publishing.
  [[nodiscard]] std::vector<std::string> final_ids() const;

 private:
  std::size_t m_page_size;
  std::vector<std::pair<std::int64_t, std::string>> m_older;  // (date_upload, id), pages > 1
  std::int64_t m_boundary = 0;  // the newest upload of the last page read
  int m_passes = 0;
};

}  // namespace flickrfs::fs
