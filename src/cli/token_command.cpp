// `events-api token create USER [--expires 90d] [--name LABEL]`, `token list [USER]` and
// `token revoke ID`: the long-lived bearer tokens of service users (remote MCP clients, scripts),
// managed from the operator's shell in the store the server reads (see docs/cli.md). The token
// is printed once, alone on stdout, so `TOKEN=$(events-api token create claude_mcp)` works; what
// it is goes to stderr.
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "app/core.hpp"
#include "cli/command.hpp"
#include "cli/user_core.hpp"
#include "common/datetime.hpp"
#include "service/access_token_service.hpp"

namespace ea::cli {
namespace {

struct TokenOptions {
    std::string user;
    std::string expires = "90d";
    std::string name;
    std::string id;
};

int Create(const app::ConfigFlags& flags, const TokenOptions& options) {
    const auto* config = ResolvedConfig(flags);
    if (config == nullptr) {
        return 2;
    }
    auto ttl = service::ParseTokenLifetime(options.expires);
    if (!ttl) {
        PrintError(ttl.error());
        return 2;
    }
    auto opened = OpenUserCore(*config);
    if (!opened) {
        return 1;
    }
    auto tokens = app::OpenConfiguredTokens(*config);
    if (!tokens) {
        PrintError(tokens.error());
        return 1;
    }
    service::AccessTokenService service(*opened->core->store, **tokens);
    auto issued = service.Create(*opened->user, options.user, options.name, *ttl,
                                 std::chrono::system_clock::now());
    if (!issued) {
        PrintError(issued.error());
        return 1;
    }
    const auto& record = issued->record;
    std::cerr << "created access token " << record.id << " for " << record.username << " (role "
              << record.role << "), expires " << FormatDatetime(record.expires_at)
              << "; it is shown only now:\n";
    std::cout << issued->token << "\n";
    return 0;
}

std::string Cell(const std::optional<std::chrono::system_clock::time_point>& time) {
    return time ? FormatDatetime(*time) : "never";
}

int List(auth::AccessTokenStore& tokens, const TokenOptions& options) {
    auto listed = tokens.List(
        options.user.empty() ? std::nullopt : std::optional<std::string_view>(options.user),
        std::chrono::system_clock::now());
    if (!listed) {
        PrintError(listed.error());
        return 1;
    }
    std::ostringstream out;
    out << std::left << std::setw(21) << "ID" << std::setw(24) << "NAME" << std::setw(20) << "USER"
        << std::setw(10) << "ROLE" << std::setw(26) << "CREATED" << std::setw(26) << "EXPIRES"
        << "LAST USED\n";
    for (const auto& token : *listed) {
        out << std::setw(21) << token.id << std::setw(24) << (token.name.empty() ? "-" : token.name)
            << std::setw(20) << token.username << std::setw(10) << token.role << std::setw(26)
            << FormatDatetime(token.created_at) << std::setw(26) << FormatDatetime(token.expires_at)
            << Cell(token.last_used_at) << "\n";
    }
    std::cout << out.str();
    if (listed->empty()) {
        std::cerr << "no access tokens" << (options.user.empty() ? "" : " for " + options.user)
                  << "\n";
    }
    return 0;
}

int Revoke(auth::AccessTokenStore& tokens, const TokenOptions& options) {
    if (auto revoked = tokens.Revoke(options.id); !revoked) {
        PrintError(revoked.error());
        return 1;
    }
    std::cout << "revoked access token " << options.id << "\n";
    return 0;
}

}  // namespace

Command AddTokenCommand(CLI::App& root, const app::ConfigFlags& flags) {
    auto* token = root.add_subcommand("token", "manage access tokens of service users");
    token->require_subcommand(1);
    auto options = std::make_shared<TokenOptions>();
    auto* create = token->add_subcommand("create", "issue a bearer token for USER (shown once)");
    create->add_option("user", options->user, "the user the token acts as")->required();
    create->add_option("--expires", options->expires, "lifetime: 90d, 12h, 30m, 45s")
        ->default_str("90d");
    create->add_option("--name", options->name, "a label shown by token list");
    create->fallthrough();
    auto* list = token->add_subcommand("list", "show live tokens (never the token itself)");
    list->add_option("user", options->user, "only this user's tokens");
    list->fallthrough();
    auto* revoke = token->add_subcommand("revoke", "end a token now");
    revoke->add_option("id", options->id, "the token's id (tok_...), from token list")->required();
    revoke->fallthrough();
    return Command{token, [&flags, options, create, list]() {
                       if (create->parsed()) {
                           return Create(flags, *options);
                       }
                       if (list->parsed()) {
                           return WithOpened(
                               flags, app::OpenConfiguredTokens,
                               [&](const app::Config&, auth::AccessTokenStore& tokens) {
                                   return List(tokens, *options);
                               });
                       }
                       return WithOpened(flags, app::OpenConfiguredTokens,
                                         [&](const app::Config&, auth::AccessTokenStore& tokens) {
                                             return Revoke(tokens, *options);
                                         });
                   }};
}

}  // namespace ea::cli
