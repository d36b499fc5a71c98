// `events-api user add NAME --role ROLE --password-stdin [--update]`: creates service and admin
// accounts from the operator's shell, through the same service layer (validation, hashing) as the
// API. Defaults for the User fields it does not take are documented in docs/cli.md.
#include <iostream>
#include <string>

#include <boost/json.hpp>

#include "app/core.hpp"
#include "app/system_users.hpp"
#include "cli/command.hpp"
#include "cli/user_core.hpp"
#include "common/ids.hpp"
#include "query/filter.hpp"
#include "service/session_revoker.hpp"
#include "service/token_revoker.hpp"
#include "validate/validator.hpp"

namespace ea::cli {
namespace {

using app::kSystemAccountId;

struct UserOptions {
    std::string name;
    std::string role;
    bool password_stdin = false;
    bool update = false;
    std::string email;
    std::string first_name;
    std::string last_name;
    std::string account_id = kSystemAccountId;
};

// The documented service user keeps the address the MCP docs show; others get NAME@system.internal.
std::string DefaultEmail(const std::string& name) {
    if (name == "claude_mcp") {
        return "mcp@system.internal";
    }
    return name + "@system.internal";
}

// The documented names (docs/cli.md): `admin` gets the first-run administrator's, "System
// Administrator"; any other NAME is "NAME Service Account". --first-name / --last-name override.
std::string FirstName(const UserOptions& options) {
    if (!options.first_name.empty()) {
        return options.first_name;
    }
    return options.name == app::kAdminUsername ? app::kAdminFirstName : options.name;
}
std::string LastName(const UserOptions& options) {
    if (!options.last_name.empty()) {
        return options.last_name;
    }
    return options.name == app::kAdminUsername ? app::kAdminLastName : app::kServiceUserLastName;
}

Result<std::string> ReadPassword() {
    std::string password;
    if (!std::getline(std::cin, password)) {
        return InvalidArgument("--password-stdin: no password on standard input");
    }
    if (!password.empty() && password.back() == '\r') {
        password.pop_back();
    }
    if (password.empty()) {
        return InvalidArgument("--password-stdin: the password is empty");
    }
    return password;
}

Result<Record> FindUser(app::Core& core, const schema::Entity& user, const std::string& name) {
    const auto* login = user.FindField(user.auth() ? user.auth()->login_field : "username");
    if (login == nullptr) {
        return InvalidArgument("the User entity has no login field");
    }
    query::Query query;
    query.filter = std::make_unique<query::FilterNode>();
    query.filter->kind = query::FilterNode::Kind::kComparison;
    query.filter->comparison = query::Comparison{login, query::Op::kEq, boost::json::string(name)};
    query.matching = query::Matching::kExact;
    query.page_size = 1;
    auto found = core.store->List(user, query);
    if (!found) {
        return found.error();
    }
    if (found->rows.empty()) {
        return NotFound("no user named '" + name + "'");
    }
    return found->rows.front();
}

int Run(const app::ConfigFlags& flags, const UserOptions& options) {
    const auto* config = ResolvedConfig(flags);
    if (config == nullptr) {
        return 2;
    }
    if (!options.password_stdin) {
        PrintError(
            InvalidArgument("user add: --password-stdin is required (passwords are never "
                            "taken as arguments, which other users can read)"));
        return 2;
    }
    auto password = ReadPassword();
    if (!password) {
        PrintError(password.error());
        return 2;
    }
    auto opened = OpenUserCore(*config);
    if (!opened) {
        return 1;
    }
    app::Core& core = *opened->core;
    const auto* user = opened->user;
    // The operator's own shell: the privileged channel, said here and not by any default.
    service::RequestContext ctx{Principal::System(), "cli", service::Channel::kCli};
    const auto& password_field = user->auth()->password_field;

    auto existing = FindUser(core, *user, options.name);
    if (existing) {
        if (!options.update) {
            PrintError(Conflict("user '" + options.name +
                                "' already exists; pass --update to reset its password and role"));
            return 1;
        }
        // A new password or role ends the user's sessions, wherever they live; when the session
        // store cannot be reached nothing is changed.
        auto sessions = app::OpenConfiguredSessions(*config);
        if (!sessions) {
            PrintError(sessions.error());
            return 1;
        }
        service::SessionRevoker revoker(**sessions);
        core.documents->AddObserver(revoker);
        auto tokens = app::OpenConfiguredTokens(*config);  // its access tokens end too
        if (!tokens) {
            PrintError(tokens.error());
            return 1;
        }
        service::TokenRevoker token_revoker(**tokens);
        core.documents->AddObserver(token_revoker);
        boost::json::object patch{{password_field, *password}, {"role", options.role}};
        // Names change on --update only when asked for; the defaults never overwrite real ones.
        if (!options.first_name.empty()) {
            patch["firstName"] = options.first_name;
        }
        if (!options.last_name.empty()) {
            patch["lastName"] = options.last_name;
        }
        auto updated = core.documents->Patch(ctx, *user, (*existing)["id"].as_string(), patch);
        if (!updated) {
            PrintError(updated.error());
            return 1;
        }
        std::cout << "updated user " << options.name << " (role " << options.role << ")\n";
        return 0;
    }
    if (existing.error().code != ErrorCode::kNotFound) {
        PrintError(existing.error());
        return 1;
    }
    boost::json::object body{
        {user->auth()->login_field, options.name},
        {password_field, *password},
        {"email", options.email.empty() ? DefaultEmail(options.name) : options.email},
        {"role", options.role},
        {"isAccountOwner", false},
        {"accountId", options.account_id},
    };
    // Defaults only where the schema has the field; a name given explicitly always goes to the
    // validator, which names the field when the schema has no such thing.
    if (!options.first_name.empty() || user->FindField("firstName") != nullptr) {
        body["firstName"] = FirstName(options);
    }
    if (!options.last_name.empty() || user->FindField("lastName") != nullptr) {
        body["lastName"] = LastName(options);
    }
    // The same validator CreateAll runs, first, so its messages name the user's fields plainly.
    if (auto valid = validate::Validate(*user, body, validate::Mode::kCreate); !valid) {
        PrintError(valid.error());
        return 1;
    }
    // The account (when missing) and the user are written in one transaction: a user the store
    // refuses (a taken email) leaves no account behind.
    std::vector<service::DocumentService::NewRecord> records;
    const auto* account = core.schema->FindEntity("Account");
    const bool new_account =
        account != nullptr && !core.store->Get(*account, NormalizeId(options.account_id));
    if (new_account) {
        records.push_back({account, boost::json::object{{"id", options.account_id}}});
    }
    records.push_back({user, body});
    auto written = core.documents->CreateAll(ctx, records);
    if (!written) {
        PrintError(written.error());
        return 1;
    }
    if (new_account) {
        std::cout << "created account " << options.account_id << "\n";
    }
    const auto& created = written->back();
    std::cout << "created user " << options.name << " (role " << options.role << ", id "
              << created.at("id").as_string().c_str() << ")\n";
    return 0;
}

}  // namespace

Command AddUserCommand(CLI::App& root, const app::ConfigFlags& flags) {
    auto* user = root.add_subcommand("user", "manage service and admin accounts");
    user->require_subcommand(1);
    auto* add = user->add_subcommand("add", "create a user (or reset one with --update)");
    auto options = std::make_shared<UserOptions>();
    add->add_option("name", options->name, "username")->required();
    add->add_option("--role", options->role, "role, e.g. admin, read, ai_agent")->required();
    add->add_flag("--password-stdin", options->password_stdin, "read the password from stdin");
    add->add_flag("--update", options->update,
                  "reset password and role (and names, when given) of an existing user");
    add->add_option("--email", options->email, "default NAME@system.internal");
    add->add_option("--first-name", options->first_name, "default NAME (System for admin)");
    add->add_option("--last-name", options->last_name,
                    "default 'Service Account' (Administrator for admin)");
    add->add_option("--account", options->account_id, "account id (created when missing)")
        ->default_str(kSystemAccountId);
    add->fallthrough();
    return Command{user, [&flags, options]() { return Run(flags, *options); }};
}

}  // namespace ea::cli
