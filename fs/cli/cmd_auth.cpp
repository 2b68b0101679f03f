// flickrfs auth [--perms read|write|delete]: the OAuth 1.0a out-of-band flow (flickr-api.md
// section 12). Request token (oob) -> print the authorize URL -> read the verifier from
// stdin -> access token -> flickr.test.login -> save key, secret and token to the config
// file (mode 0600, written atomically). Exit 2 when Flickr rejects the credentials.
#include <cstdio>
#include <iostream>
#include <string>

#include "api/config.hpp"
#include "api/flickr_client.hpp"
#include "fs/cli/client_setup.hpp"
#include "fs/cli/commands.hpp"
#include "fs/cli/exit_code.hpp"
#include "fs/cli/options.hpp"

namespace flickrfs::cli {

namespace {

struct AuthArgs {
  GlobalOptions global;
  std::string perms = "read";
};

Result<AuthArgs> parse_auth_args(Args args) {
  AuthArgs out;
  ArgCursor cursor(args);
  while (!cursor.done()) {
    FLICKRFS_TRY(const bool global, parse_global_option(cursor, out.global));
    if (global) continue;
    FLICKRFS_TRY(auto perms, cursor.value_of("--perms"));
    if (perms) {
      out.perms = *perms;
      continue;
    }
    return make_error(Errc::invalid_argument,
                      "unexpected argument '" + std::string(cursor.peek()) +
                          "' (usage: flickrfs auth [--perms read|write|delete])");
  }
  if (out.perms != "read" && out.perms != "write" && out.perms != "delete") {
    return make_error(Errc::invalid_argument, "--perms must be read, write or delete");
  }
  apply_environment_defaults(out.global);
  return out;
}

std::string read_verifier() {
  std::string line;
  if (!std::getline(std::cin, line)) return {};
  const auto first = line.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  const auto last = line.find_last_not_of(" \t\r");
  return line.substr(first, last - first + 1);
}

Result<api::Credentials> run_flow(const AuthArgs& args, api::ClientOptions options) {
  api::Credentials credentials = options.credentials;
  credentials.oauth_token.clear();  // the flow starts from the key alone
  credentials.oauth_token_secret.clear();
  options.credentials = credentials;
  api::FlickrClient client(options);
  FLICKRFS_TRY(const api::RequestToken request, client.request_token("oob"));

  std::printf("Open this URL in a browser, sign in and allow flickrfs %s access:\n\n  %s\n\n",
              args.perms.c_str(), client.authorize_url(request, args.perms).c_str());
  std::printf("Then enter the verification code Flickr shows: ");
  std::fflush(stdout);
  const std::string verifier = read_verifier();
  std::printf("\n");
  if (verifier.empty()) return make_error(Errc::invalid_argument, "no verification code given");

  FLICKRFS_TRY(const api::AccessToken access, client.access_token(request, verifier));
  credentials.oauth_token = access.token;
  credentials.oauth_token_secret = access.token_secret;
  credentials.user_nsid = access.user_nsid;
  credentials.username = access.username;

  options.credentials = credentials;
  api::FlickrClient signed_client(options);
  FLICKRFS_TRY(const api::User user, signed_client.test_login());
  if (!credentials.user_nsid.empty() && user.nsid != credentials.user_nsid) {
    return make_error(Errc::auth, "flickr.test.login answered for another user (" + user.nsid +
                                      ") than the token's (" + credentials.user_nsid + ")");
  }
  credentials.user_nsid = user.nsid;
  if (!user.username.empty()) credentials.username = user.username;
  return credentials;
}

}  // namespace

int cmd_auth(Args args) {
  auto parsed = parse_auth_args(args);
  if (!parsed.ok()) {
    print_error("auth", parsed.error());
    return kExitUsage;
  }
  auto options = client_options(parsed->global);
  if (!options.ok()) {
    print_error("auth", options.error());
    return exit_code_for(options.error());
  }
  auto credentials = run_flow(*parsed, std::move(options).value());
  if (!credentials.ok()) {
    print_error("auth", credentials.error());
    return exit_code_for(credentials.error());
  }
  auto saved = api::save_credentials(parsed->global.config, *credentials);
  if (!saved.ok()) {
    print_error("auth", saved.error());
    return kExitUsage;
  }
  std::printf("Authorized as %s (%s) with %s permission; token saved to %s\n",
              credentials->username.c_str(), credentials->user_nsid.c_str(), parsed->perms.c_str(),
              parsed->global.config.c_str());
  return kExitOk;
}

}  // namespace flickrfs::cli
