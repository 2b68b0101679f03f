// flickrfs upload FILE... [--album TITLE] [--public|--private] [--title T]: uploads with
// async tickets, resumable and never duplicated through the spool state (fs/upload/), then
// files them into the album (found by title, created when missing: first file = primary).
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
#include "cache/cache_dir.hpp"
#include "cache/file_util.hpp"
#include "fs/cli/client_setup.hpp"
#include "fs/cli/commands.hpp"
#include "fs/cli/exit_code.hpp"
#include "fs/cli/options.hpp"
#include "fs/upload/uploader.hpp"

namespace flickrfs::cli {

namespace {

constexpr const char* kUsage =
    "usage: flickrfs upload FILE... [--album TITLE] [--public|--private] [--title TITLE]";

struct UploadArgs {
  GlobalOptions global;
  std::vector<std::string> files;
  std::optional<bool> is_public;
  std::string title;
  std::string album;
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
    FLICKRFS_TRY(auto album, cursor.value_of("--album"));
    if (album) {
      if (album->empty() || album->find_first_of("\t\n") != std::string::npos) {
        return make_error(Errc::invalid_argument, "--album needs a title without tabs or newlines");
      }
      out.album = *album;
      continue;
    }
    const std::string arg(cursor.next());
    if (arg.size() > 1 && arg.front() == '-') {
      return make_error(Errc::invalid_argument, "unknown option '" + arg + "' (" + kUsage + ")");
    }
    out.files.push_back(arg);
  }
  if (out.files.empty()) return make_error(Errc::invalid_argument, kUsage);
  if (out.title.find_first_of("\t\n") != std::string::npos) {
    return make_error(Errc::invalid_argument, "--title may not hold a tab or newline");
  }
  apply_environment_defaults(out.global);
  return out;
}

// The progress line of one file, on a terminal only.
upload::Progress progress_line(std::size_t number, std::size_t count, const std::string& path) {
  if (isatty(STDERR_FILENO) == 0) return {};
  return [=](std::uint64_t sent, std::uint64_t total) {
    const int percent = total == 0 ? 0 : static_cast<int>(sent * 100 / total);
    std::fprintf(stderr, "\rupload %zu/%zu %s %3d%% (%llu/%llu bytes)\x1b[K", number, count,
                 path.c_str(), percent, static_cast<unsigned long long>(sent),
                 static_cast<unsigned long long>(total));
    std::fflush(stderr);
  };
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
  auto spool = upload::UploadSpool::open(*root + "/uploads");
  if (!spool.ok()) {
    print_error("upload", spool.error());
    return exit_code_for(spool.error());
  }
  api::FlickrClient client(std::move(options).value());
  upload::Uploader uploader(client, *spool, args.is_public);
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
    const std::string title = args.title.empty() ? upload::title_from_path(paths[k]) : args.title;
    auto sent =
        uploader.send(paths[k], title, args.album, progress_line(k + 1, paths.size(), paths[k]));
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
  if (auto filed = uploader.file_albums(); !filed.ok()) {
    print_error("upload", upload::explain_upload_error(filed.error()));
    return exit_code_for(filed.error());
  }
  for (const auto& path : paths) {
    for (const auto& r : spool->records()) {
      if (r.path == path && r.state == upload::SpoolRecord::State::done) {
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
    print_error("replace", upload::explain_upload_error(std::move(reply).error()));
    return exit_code_for(reply.error());
  }
  std::printf("%s\t%s\n", reply->photo_id.c_str(), path->c_str());
  return kExitOk;
}

}  // namespace flickrfs::cli
