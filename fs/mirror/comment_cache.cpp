// See comment_cache.hpp. One line per photo ("P", id, last_update, count) followed by one
// line per comment ("C", id, author, authorname, date, permalink, text), fields escaped.
#include "fs/mirror/comment_cache.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include "fs/mirror/atomic_file.hpp"
#include "fs/mirror/state_file.hpp"

namespace flickrfs::mirror {

namespace {

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto tab = line.find('\t', start);
    auto field = unescape_field(std::string_view(line).substr(start, tab - start));
    out.push_back(field ? std::move(field).value() : std::string());
    if (tab == std::string::npos) return out;
    start = tab + 1;
  }
}

std::int64_t to_int(const std::string& text) {
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::string cache_path(const std::string& dest, std::string_view name = "comments.tsv") {
  return join_path(join_path(dest, kStateDirName), name);
}

Result<void> write_cache(const std::string& path, const std::string& text,
                         const std::string& dest) {
  FLICKRFS_TRY(const std::string dir, ensure_state_dir(dest));
  FLICKRFS_TRY(auto file, AtomicFile::create(path));
  FLICKRFS_CHECK(file.write(text.data(), text.size()));
  return file.commit(0644, timespec{::time(nullptr), 0});
}

}  // namespace

CommentCache load_comment_cache(const std::string& dest) {
  CommentCache cache;
  std::ifstream in(cache_path(dest), std::ios::binary);
  std::string line;
  CachedComments* current = nullptr;
  while (std::getline(in, line)) {
    const auto fields = split_fields(line);
    if (fields.size() == 4 && fields[0] == "P") {
      current = &cache[fields[1]];
      current->last_update = to_int(fields[2]);
      current->count = to_int(fields[3]);
    } else if (fields.size() == 7 && fields[0] == "C" && current != nullptr) {
      current->comments.push_back(
          {fields[1], fields[2], fields[3], to_int(fields[4]), fields[5], fields[6]});
    } else {
      return {};  // damaged: start over
    }
  }
  return cache;
}

Result<void> save_comment_cache(const std::string& dest, const CommentCache& cache) {
  std::ostringstream out;
  for (const auto& [id, entry] : cache) {
    out << "P\t" << escape_field(id) << '\t' << entry.last_update << '\t' << entry.count << '\n';
    for (const auto& c : entry.comments) {
      out << "C\t" << escape_field(c.id) << '\t' << escape_field(c.author) << '\t'
          << escape_field(c.authorname) << '\t' << c.date_create << '\t'
          << escape_field(c.permalink) << '\t' << escape_field(c.text) << '\n';
    }
  }
  return write_cache(cache_path(dest), out.str(), dest);
}

VideoSizeCache load_video_size_cache(const std::string& dest) {
  VideoSizeCache cache;
  std::ifstream in(cache_path(dest, "video_sizes.tsv"), std::ios::binary);
  std::string line;
  CachedSizes* current = nullptr;
  while (std::getline(in, line)) {
    const auto f = split_fields(line);
    if (f.size() == 3 && f[0] == "V") {
      current = &cache[f[1]];
      current->secret = f[2];
    } else if (f.size() == 8 && f[0] == "S" && current != nullptr) {
      current->sizes.push_back({f[1], f[2], static_cast<int>(to_int(f[3])),
                                static_cast<int>(to_int(f[4])), f[5],
                                f[6] == "video" ? api::Media::video : api::Media::photo});
    } else {
      return {};
    }
  }
  return cache;
}

Result<void> save_video_size_cache(const std::string& dest, const VideoSizeCache& cache) {
  std::ostringstream out;
  for (const auto& [id, entry] : cache) {
    out << "V\t" << escape_field(id) << '\t' << escape_field(entry.secret) << '\n';
    for (const auto& s : entry.sizes) {
      out << "S\t" << escape_field(s.label) << '\t' << escape_field(s.suffix) << '\t' << s.width
          << '\t' << s.height << '\t' << escape_field(s.source) << '\t'
          << (s.media == api::Media::video ? "video" : "photo") << "\t-\n";
    }
  }
  return write_cache(cache_path(dest, "video_sizes.tsv"), out.str(), dest);
}

ExifCache load_exif_cache(const std::string& dest) {
  ExifCache cache;
  std::ifstream in(cache_path(dest, "exif.tsv"), std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    const auto fields = split_fields(line);
    if (fields.size() != 3 || fields[0] != "E") return {};  // damaged: start over
    cache[fields[1]] = fields[2];
  }
  return cache;
}

Result<void> save_exif_cache(const std::string& dest, const ExifCache& cache) {
  std::ostringstream out;
  for (const auto& [id, text] : cache)
    out << "E\t" << escape_field(id) << '\t' << escape_field(text) << '\n';
  return write_cache(cache_path(dest, "exif.tsv"), out.str(), dest);
}

}  // namespace flickrfs::mirror
