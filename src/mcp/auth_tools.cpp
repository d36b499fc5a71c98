#include "mcp/auth_tools.hpp"

#include <chrono>
#include <string>
#include <utility>

#include <boost/json/array.hpp>

#include "common/datetime.hpp"
#include "mcp/tool_schema.hpp"
#include "schema/names.hpp"

namespace ea::mcp::detail {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

// Login attempts through MCP are limited per "address" like REST ones; stdio has none.
constexpr const char* kClientAddress = "mcp";

object StringProperty(std::string description) {
    return object{{"type", "string"}, {"minLength", 1}, {"description", std::move(description)}};
}

object Schema(object properties, array required) {
    return object{{"$schema", kJsonSchemaDialect},
                  {"type", "object"},
                  {"properties", std::move(properties)},
                  {"required", std::move(required)},
                  {"additionalProperties", false}};
}

Result<std::string> RequiredString(const object& arguments, const char* name) {
    const auto* v = arguments.if_contains(name);
    if (v == nullptr || !v->is_string() || v->as_string().empty()) {
        const std::string problem = std::string(name) + " is required (a non-empty string)";
        return Error{ErrorCode::kInvalidArgument, problem, {{name, problem}}};
    }
    return std::string(v->as_string());
}

std::string Iso(std::chrono::system_clock::time_point t) {
    return FormatDatetime(t);
}

}  // namespace

std::vector<Tool> AuthTools(const schema::Entity& entity) {
    const std::string prefix = schema::SnakeCase(entity.name()) + "_auth_";
    const auto& login = entity.auth()->login_field;
    const auto& password = entity.auth()->password_field;
    const object closed{{"readOnlyHint", false},
                        {"destructiveHint", false},
                        {"idempotentHint", false},
                        {"openWorldHint", false}};
    std::vector<Tool> tools;
    tools.push_back(
        Tool{prefix + "login", "Log in as a " + entity.name(),
             "Check a " + entity.name() + "'s " + login + " and " + password +
                 " and open a session; returns a token usable as a REST bearer token "
                 "(Authorization: Bearer ...) and with the logout and refresh tools, and when it "
                 "expires. This connection keeps acting as its own user.",
             Schema(object{{login, StringProperty("The " + login + ".")},
                           {password, StringProperty("The " + password + ".")}},
                    array{value(login), value(password)}),
             closed, ToolKind::kLogin, &entity});
    tools.push_back(
        Tool{prefix + "logout", "End a " + entity.name() + " session",
             "End the session of a token from " + prefix + "login (or REST login), everywhere.",
             Schema(object{{"token", StringProperty("The session token.")}}, array{"token"}),
             closed, ToolKind::kLogout, &entity});
    tools.push_back(
        Tool{prefix + "refresh", "Extend a " + entity.name() + " session",
             "Extend the session of a token by the session lifetime; returns its new "
             "expiry.",
             Schema(object{{"token", StringProperty("The session token.")}}, array{"token"}),
             closed, ToolKind::kRefresh, &entity});
    return tools;
}

Result<ToolOutput> RunAuthTool(service::AuthService& auth, const service::RequestContext& ctx,
                               const Tool& tool, const object& arguments) {
    const schema::Entity& entity = *tool.entity;
    for (const auto& [key, unused] : arguments) {
        if (!tool.input_schema.at("properties").as_object().contains(key)) {
            const std::string shown(std::string_view(key).substr(0, 64));
            const std::string problem = "unknown argument \"" + shown + "\" for " + tool.name;
            return Error{ErrorCode::kInvalidArgument, problem, {{shown, problem}}};
        }
    }
    switch (tool.kind) {
        case ToolKind::kLogin: {
            auto username = RequiredString(arguments, entity.auth()->login_field.c_str());
            if (!username) {
                return username.error();
            }
            auto password = RequiredString(arguments, entity.auth()->password_field.c_str());
            if (!password) {
                return password.error();
            }
            auto login = auth.Login(ctx, entity, *username, *password, kClientAddress);
            if (!login) {
                return login.error();
            }
            return value(object{{"token", login->token},
                                {"expiresAt", Iso(login->session.expires_at)},
                                {"user", object{{"id", login->session.user_id},
                                                {"username", login->session.username},
                                                {"role", login->session.role}}}});
        }
        case ToolKind::kLogout: {
            auto token = RequiredString(arguments, "token");
            if (!token) {
                return token.error();
            }
            if (auto ended = auth.Logout(ctx, *token); !ended) {
                return ended.error();
            }
            return value(object{{"loggedOut", true}});
        }
        case ToolKind::kRefresh: {
            auto token = RequiredString(arguments, "token");
            if (!token) {
                return token.error();
            }
            auto session = auth.Refresh(entity, *token, ctx.now);
            if (!session) {
                return session.error();
            }
            return value(object{{"expiresAt", Iso(session->expires_at)}});
        }
        default:
            break;
    }
    return Internal("not an auth tool: " + tool.name);
}

}  // namespace ea::mcp::detail
