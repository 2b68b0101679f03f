// flickrfs upload FILE... [--public|--private] [--title T]: uploads with async tickets,
// resumable and never duplicated through the spool state (upload_spool.hpp).
// flickrfs replace PHOTO_ID FILE: /services/replace/.
// Exit 0 when every file is on Flickr; 2 when the token may not upload (read-only: run
// `flickrfs auth --perms write`); 23 when some files failed (listed on stderr); else per
// exit_code_for. stdout: one "PHOTO_ID<TAB>FILE" line per file; stderr: a progress line on a
// terminal.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "api/flickr_client.hpp"
#include "api/parse/photos.hpp"
#include "cache/cache_dir.hpp"
#include "cache/file_util.hpp"
#include "fs/cli/client_setup.hpp"
#include "fs/cli/commands.hpp"
#include "fs/cli/exit_code.hpp"
#include "fs/cli/options.hpp"
#include "fs/cli/upload_spool.hpp"

namespace flickrfs::cli {

namespace {

constexpr const char* kUsage =
    "usage: flickrfs upload FILE... [--public|--private] [--title TITLE]";
constexpr auto kTicketPoll = std::chrono::milliseconds(250);
constexpr auto kTicketWait = std::chrono::minutes(10);

struct UploadArgs {
  GlobalOptions global;
  std::vector<std::string> files;
  std::optional<bool> is_public;
  std::string title;
};

Result<UploadArgs> parse_upload_args(Args args) {
  UploadArgs out;
  ArgCursor cursor(args);
  while (!cursor.done()) {
    FLICKRFS_TRY(const bool global, parse_global_option(cursor, out.global));
    if (global) continue;
    if (cursor.flag("--public")) {
      out.is_public = true;
      continue;
    }
    if (cursor.flag("--private")) {
      out.is_public = false;
      continue;
    }
    FLICKRFS_TRY(auto title, cursor.value_of("--title"));
    if (title) {
      out.title = *title;
      continue;
    }
    const std::string arg(cursor.next());
    if (arg.size() > 1 && arg.front() == '-') {
      return make_error(Errc::invalid_argument, "unknown option '" + arg + "' (" + kUsage + ")");
    }
    out.files.push_back(arg);
  }
  if (out.files.empty()) return make_error(Errc::invalid_argument, kUsage);
  apply_environment_defaults(out.global);
  return out;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string stem_of(const std::string& path) {
  const auto slash = path.rfind('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const auto dot = name.rfind('.');
  return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
}

// The read-only-token refusal, said the way the user can act on it.
Error explain(Error error) {
  if (error.code == Errc::auth && error.has_flickr_code && error.flickr_code == 99) {
    error.message =
        "this token may not upload (Flickr: insufficient permissions); run "
        "`flickrfs auth --perms write`";
  }
  return error;
}

class Uploader {
 public:
  Uploader(api::FlickrClient& client, UploadSpool& spool, const UploadArgs& args)
      : m_client(client), m_spool(spool), m_args(args), m_tty(isatty(STDERR_FILENO) != 0) {}

  // Sends (or recovers) one file; on success its record is `ticket` or `done`.
  Result<void> send(const std::string& path, std::size_t number, std::size_t count);
  // Waits for every pending ticket; records photo ids.
  Result<void> settle_tickets();
  [[nodiscard]] std::string title_for(const std::string& path) const {
    return m_args.title.empty() ? stem_of(path) : m_args.title;
  }

 private:
  // A `sending` record: did Flickr take the file before we were killed? Looks at the photos
  // uploaded since the POST started with this title and compares the Original's bytes.
  Result<std::string> find_on_flickr(const SpoolRecord& record);
  void progress(std::size_t number, std::size_t count, const std::string& path, std::uint64_t sent,
                std::uint64_t total) const;

  api::FlickrClient& m_client;
  UploadSpool& m_spool;
  const UploadArgs& m_args;
  bool m_tty;
};

void Uploader::progress(std::size_t number, std::size_t count, const std::string& path,
                        std::uint64_t sent, std::uint64_t total) const {
  if (!m_tty) return;
  const int percent = total == 0 ? 0 : static_cast<int>(sent * 100 / total);
  std::fprintf(stderr, "\rupload %zu/%zu %s %3d%% (%llu/%llu bytes)\x1b[K", number, count,
               path.c_str(), percent, static_cast<unsigned long long>(sent),
               static_cast<unsigned long long>(total));
  std::fflush(stderr);
}

Result<std::string> Uploader::find_on_flickr(const SpoolRecord& record) {
  const std::string method = "flickr.people.getPhotos";
  FLICKRFS_TRY(const std::string body,
               m_client.call_raw(method, {{"user_id", "me"},
                                          {"min_upload_date", std::to_string(record.sent_at - 60)},
                                          {"extras", "url_o,original_format"},
                                          {"per_page", "500"}}));
  FLICKRFS_TRY(const api::PhotoPage page, api::parse::photo_page(body, method));
  const std::string title = title_for(record.path);
  for (const auto& photo : page.photos) {
    if (photo.title != title) continue;
    for (const auto& size : photo.sizes) {
      if (size.label != "Original" || size.source.empty()) continue;
      cache::Sha256 hash;
      std::uint64_t bytes = 0;
      FLICKRFS_CHECK(m_client.download(size.source, 0, [&](std::string_view chunk) {
        hash.update(chunk);
        bytes += chunk.size();
        return success();
      }));
      if (bytes == record.size && cache::to_hex(hash.finish()) == record.sha256) return photo.id;
    }
  }
  return std::string();
}

Result<void> Uploader::send(const std::string& path, std::size_t number, std::size_t count) {
  FLICKRFS_TRY(const auto digest, cache::hash_file(path));
  const std::string sha = cache::to_hex(digest.first);
  SpoolRecord* record = m_spool.find(path, digest.second, sha);
  if (record != nullptr && record->state != SpoolRecord::State::sending) return success();
  if (record != nullptr) {  // killed while sending: Flickr may have it already
    FLICKRFS_TRY(const std::string found, find_on_flickr(*record));
    if (!found.empty()) {
      record->photo_id = found;
      record->state = SpoolRecord::State::done;
      return m_spool.save();
    }
  } else {
    SpoolRecord fresh;
    fresh.path = path;
    fresh.size = digest.second;
    fresh.sha256 = sha;
    record = &m_spool.add(std::move(fresh));
  }
  record->sent_at = unix_now();
  FLICKRFS_CHECK(m_spool.save());  // on disk before the first byte leaves
  api::FlickrClient::UploadRequest request;
  request.file_path = path;
  request.title = title_for(path);
  request.is_public = m_args.is_public;
  request.async = true;
  const auto shown = path;
  auto reply = m_client.upload(request, [&](std::uint64_t sent, std::uint64_t total) {
    progress(number, count, shown, sent, total);
  });
  if (!reply.ok()) return explain(std::move(reply).error());
  if (!reply->ticket_id.empty()) {
    record->ticket = reply->ticket_id;
    record->state = SpoolRecord::State::ticket;
  } else {
    record->photo_id = reply->photo_id;
    record->state = SpoolRecord::State::done;
  }
  return m_spool.save();
}

Result<void> Uploader::settle_tickets() {
  const auto deadline = std::chrono::steady_clock::now() + kTicketWait;
  for (;;) {
    std::vector<std::string> pending;
    for (const auto& r : m_spool.records()) {
      if (r.state == SpoolRecord::State::ticket) pending.push_back(r.ticket);
    }
    if (pending.empty()) return success();
    if (std::chrono::steady_clock::now() > deadline) {
      return make_error(Errc::unavailable, std::to_string(pending.size()) +
                                               " upload tickets still pending after 10 minutes");
    }
    FLICKRFS_TRY(const auto statuses, m_client.check_tickets(pending));
    bool changed = false;
    for (const auto& status : statuses) {
      for (auto& r : m_spool.records()) {
        if (r.state != SpoolRecord::State::ticket || r.ticket != status.id) continue;
        if (status.complete == 1 && !status.photo_id.empty()) {
          r.photo_id = status.photo_id;
          r.state = SpoolRecord::State::done;
          changed = true;
        } else if (status.invalid || status.complete == 2) {
          r.state = SpoolRecord::State::sending;  // look for it, else send again
          r.ticket.clear();
          changed = true;
        }
      }
    }
    if (changed) FLICKRFS_CHECK(m_spool.save());
    if (!changed) std::this_thread::sleep_for(kTicketPoll);
  }
}

Result<std::string> absolute_regular_file(const std::string& path) {
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) {
    return make_error(Errc::not_found, path + ": no such file");
  }
  struct stat st {};
  if (::stat(resolved, &st) != 0 || !S_ISREG(st.st_mode)) {
    return make_error(Errc::invalid_argument, path + ": not a regular file");
  }
  std::string out(resolved);
  if (out.find('\n') != std::string::npos) {
    return make_error(Errc::invalid_argument, path + ": file names with a newline are refused");
  }
  return out;
}

int run_upload(const UploadArgs& args) {
  auto options = client_options(args.global);
  if (!options.ok()) {
    print_error("upload", options.error());
    return exit_code_for(options.error());
  }
  auto root = cache::resolve_cache_dir(args.global.cache_dir);
  if (!root.ok()) {
    print_error("upload", root.error());
    return exit_code_for(root.error());
  }
  auto spool = UploadSpool::open(*root + "/uploads");
  if (!spool.ok()) {
    print_error("upload", spool.error());
    return exit_code_for(spool.error());
  }
  api::FlickrClient client(std::move(options).value());
  Uploader uploader(client, *spool, args);
  std::vector<std::string> paths;
  bool failed = false;
  for (const auto& file : args.files) {
    auto path = absolute_regular_file(file);
    if (!path.ok()) {
      print_error("upload", path.error());
      failed = true;
      continue;
    }
    paths.push_back(*path);
  }
  // A previous run's tickets first: they may complete files of this run.
  if (auto settled = uploader.settle_tickets(); !settled.ok()) {
    print_error("upload", settled.error());
    return exit_code_for(settled.error());
  }
  for (std::size_t k = 0; k < paths.size(); ++k) {
    auto sent = uploader.send(paths[k], k + 1, paths.size());
    if (sent.ok()) continue;
    if (isatty(STDERR_FILENO) != 0) std::fputc('\n', stderr);
    print_error("upload", sent.error());
    if (sent.error().code == Errc::auth || sent.error().code == Errc::no_space ||
        sent.error().code == Errc::io) {
      return exit_code_for(sent.error());  // every other file would fail the same way
    }
    failed = true;
  }
  if (isatty(STDERR_FILENO) != 0) std::fputc('\n', stderr);
  if (auto settled = uploader.settle_tickets(); !settled.ok()) {
    print_error("upload", settled.error());
    return exit_code_for(settled.error());
  }
  for (const auto& path : paths) {
    for (const auto& r : spool->records()) {
      if (r.path == path && r.state == SpoolRecord::State::done) {
        std::printf("%s\t%s\n", r.photo_id.c_str(), path.c_str());
        break;
      }
    }
  }
  return failed ? kExitPartial : kExitOk;
}

}  // namespace

int cmd_upload(Args args) {
  auto parsed = parse_upload_args(args);
  if (!parsed.ok()) {
    print_error("upload", parsed.error());
    return kExitUsage;
  }
  return run_upload(*parsed);
}

int cmd_replace(Args args) {
  GlobalOptions global;
  std::vector<std::string> positional;
  ArgCursor cursor(args);
  while (!cursor.done()) {
    auto is_global = parse_global_option(cursor, global);
    if (!is_global.ok()) {
      print_error("replace", is_global.error());
      return kExitUsage;
    }
    if (!*is_global) positional.emplace_back(cursor.next());
  }
  if (positional.size() != 2) {
    print_error("replace",
                make_error(Errc::invalid_argument, "usage: flickrfs replace PHOTO_ID FILE"));
    return kExitUsage;
  }
  apply_environment_defaults(global);
  auto path = absolute_regular_file(positional[1]);
  auto options = path.ok() ? client_options(global) : Result<api::ClientOptions>(path.error());
  if (!options.ok()) {
    print_error("replace", options.error());
    return path.ok() ? exit_code_for(options.error()) : kExitUsage;
  }
  api::FlickrClient client(std::move(options).value());
  api::FlickrClient::UploadRequest request;
  request.file_path = *path;
  request.replace_photo_id = positional[0];
  request.async = false;
  auto reply = client.upload(request);
  if (!reply.ok()) {
    print_error("replace", explain(std::move(reply).error()));
    return exit_code_for(reply.error());
  }
  std::printf("%s\t%s\n", reply->photo_id.c_str(), path->c_str());
  return kExitOk;
}

}  // namespace flickrfs::cli
