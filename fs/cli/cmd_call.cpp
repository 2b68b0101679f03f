// flickrfs call METHOD [name=value ...] [--post]: one API call, signed when a token is
// configured (else with the API key only), and the reply printed as Flickr sent it (JSON).
// Exit 0 on stat "ok"; 2 when the credentials are rejected; 1 on any other Flickr error
// (its code and message on stderr); network trouble per exit_code_for.
#include <cstdio>
#include <string>

#include "api/flickr_client.hpp"
#include "fs/cli/client_setup.hpp"
#include "fs/cli/commands.hpp"
#include "fs/cli/exit_code.hpp"
#include "fs/cli/options.hpp"

namespace flickrfs::cli {

namespace {

constexpr const char* kUsage = "usage: flickrfs call METHOD [name=value ...] [--post]";

struct CallArgs {
  GlobalOptions global;
  std::string method;
  api::oauth::Params params;
  bool post = false;
};

Result<CallArgs> parse_call_args(Args args) {
  CallArgs out;
  ArgCursor cursor(args);
  while (!cursor.done()) {
    FLICKRFS_TRY(const bool global, parse_global_option(cursor, out.global));
    if (global) continue;
    if (cursor.flag("--post")) {
      out.post = true;
      continue;
    }
    const std::string arg(cursor.next());
    if (out.method.empty() && arg.find('=') == std::string::npos && arg.front() != '-') {
      out.method = arg.rfind("flickr.", 0) == 0 ? arg : "flickr." + arg;
      continue;
    }
    const auto eq = arg.find('=');
    if (out.method.empty() || eq == std::string::npos || eq == 0) {
      return make_error(Errc::invalid_argument,
                        "unexpected argument '" + arg + "' (" + kUsage + ")");
    }
    out.params.emplace_back(arg.substr(0, eq), arg.substr(eq + 1));
  }
  if (out.method.empty()) return make_error(Errc::invalid_argument, kUsage);
  apply_environment_defaults(out.global);
  return out;
}

int exit_code_for_call(const Error& error) {
  if (error.code == Errc::auth) return kExitAuth;
  if (error.has_flickr_code) return kExitUsage;  // "1 on a Flickr error"
  return exit_code_for(error);
}

}  // namespace

int cmd_call(Args args) {
  auto parsed = parse_call_args(args);
  if (!parsed.ok()) {
    print_error("call", parsed.error());
    return kExitUsage;
  }
  auto options = client_options(parsed->global);
  if (!options.ok()) {
    print_error("call", options.error());
    return exit_code_for(options.error());
  }
  api::FlickrClient client(std::move(options).value());
  auto reply = client.call_raw(parsed->method, parsed->params, parsed->post);
  if (!reply.ok()) {
    print_error("call", reply.error());
    return exit_code_for_call(reply.error());
  }
  std::fwrite(reply->data(), 1, reply->size(), stdout);
  if (reply->empty() || reply->back() != '\n') std::fputc('\n', stdout);
  return kExitOk;
}

}  // namespace flickrfs::cli
