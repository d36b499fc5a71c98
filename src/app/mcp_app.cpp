#include "app/mcp_app.hpp"

#include <chrono>
#include <iostream>
#include <utility>

#include <boost/json/object.hpp>

#include "app/audit_stack.hpp"
#include "app/core.hpp"
#include "app/mcp_stack.hpp"
#include "common/json_text.hpp"
#include "mcp/jsonrpc.hpp"
#include "mcp/stdio_transport.hpp"

namespace ea::app {
namespace {

// Login attempts from stdio count against this "address" in the per-address limiter.
constexpr const char* kStdioAddress = "mcp-stdio";

void LogLine(const std::string& line) {
    std::cerr << line << "\n" << std::flush;
}

void LogEvent(std::string_view level, std::string_view message, boost::json::object fields = {}) {
    boost::json::object line{{"ts", std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count()},
                             {"level", level},
                             {"msg", message}};
    for (auto& [key, value] : fields) {
        line[key] = std::move(value);
    }
    LogLine(ToJsonText(line));
}

const schema::Entity* AuthEntity(const schema::Schema& schema) {
    for (const auto& entity : schema.entities()) {
        if (entity->auth()) {
            return entity.get();
        }
    }
    return nullptr;
}

}  // namespace

struct McpApp::Parts {
    std::unique_ptr<Core> core;
    std::unique_ptr<AccessStack> access;
    std::unique_ptr<AuditStack> audit;
    std::unique_ptr<McpStack> mcp;
    mcp::Connection connection;
    const schema::Entity* users = nullptr;  // the auth entity MCP_USER is in
    std::string session_token;              // the start-up login, ended at exit
    std::chrono::seconds session_ttl{3600};
    std::chrono::system_clock::time_point refresh_at;  // refresh the session from then on
};

namespace {

// Before each message: the start-up session follows its user (a changed role, password or login,
// or the user's removal, ends it: see SessionRevoker), so the principal is re-read from it, and it
// is refreshed once half its lifetime has passed, so a long-running client never sees it expire.
// Once ended, every tool call answers "Not authenticated: ..." until the client restarts the
// server.
void CheckSession(McpApp::Parts& parts) {
    auto& connection = parts.connection;
    if (connection.principal_error &&
        connection.principal_error->code == ErrorCode::kUnauthenticated) {
        return;
    }
    connection.principal_error.reset();
    const auto now = std::chrono::system_clock::now();
    if (now >= parts.refresh_at) {
        if (parts.access->auth->Refresh(*parts.users, parts.session_token, now)) {
            parts.refresh_at = now + parts.session_ttl / 2;
        }
    }
    auto principal = parts.access->auth->Authenticate(parts.session_token, now);
    if (principal) {
        connection.principal = *std::move(principal);
        return;
    }
    Error error = principal.error();
    if (error.code == ErrorCode::kUnauthenticated) {
        error.message = "the session of the service user '" + connection.principal.username +
                        "' has ended (the user was changed or removed); restart the MCP server to "
                        "sign in again";
        LogEvent("warn", "service user session ended",
                 boost::json::object{{"principal", connection.principal.username}});
    }
    connection.principal_error = std::move(error);
}

}  // namespace

McpApp::McpApp(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
McpApp::~McpApp() = default;

Result<std::unique_ptr<McpApp>> McpApp::Create(const Config& config,
                                               const McpCredentials& credentials) {
    if (credentials.username.empty() || credentials.password.empty()) {
        return InvalidArgument(
            "MCP_USER and MCP_PASSWORD must be set to the service user's name and password "
            "(create one with: events-api user add NAME --role ai_agent --password-stdin)");
    }
    mcp::BlockStopSignals();  // before the store or session backend starts a thread
    auto parts = std::make_unique<Parts>();
    auto core = OpenCore(config);
    if (!core) {
        return core.error();
    }
    parts->core = *std::move(core);
    const schema::Entity* users = AuthEntity(*parts->core->schema);
    if (users == nullptr) {
        return InvalidArgument(
            "the schema has no entity with the auth service, so there is no "
            "user for MCP_USER to sign in as");
    }
    auto access = OpenAccessStack(config, *parts->core);
    if (!access) {
        return access.error();
    }
    parts->access = *std::move(access);
    const auto now = std::chrono::system_clock::now();
    auto login = parts->access->auth->Login(*users, credentials.username, credentials.password,
                                            kStdioAddress, now);
    if (!login) {
        Error error = login.error();
        if (error.code == ErrorCode::kUnauthenticated) {
            error.message = "MCP_USER / MCP_PASSWORD: " + error.message;
        }
        return error;
    }
    auto principal = parts->access->auth->Authenticate(login->token, now);
    if (!principal) {
        return principal.error();
    }
    parts->session_token = login->token;
    parts->users = users;
    parts->session_ttl = std::chrono::seconds(config.session_ttl_seconds);
    parts->refresh_at = now + parts->session_ttl / 2;
    parts->connection.principal = *std::move(principal);
    parts->connection.name = "stdio";
    parts->mcp = BuildMcpStack(*parts->core->schema, *parts->core->documents, *parts->access->auth,
                               LogLine, nullptr, ToolOptionsFrom(config));
    auto audit = OpenAuditStack(
        config, *parts->core, *parts->access, [](std::string_view level, std::string_view message) {
            LogEvent(level, "audit", boost::json::object{{"detail", message}});
        });
    if (!audit) {
        return audit.error();
    }
    parts->audit = *std::move(audit);
    parts->mcp->resources->SetAuditLog(parts->audit->log.get());
    return std::unique_ptr<McpApp>(new McpApp(std::move(parts)));
}

int McpApp::RunStdio() {
    auto& parts = *parts_;
    LogEvent("info", "mcp stdio ready",
             boost::json::object{{"principal", parts.connection.principal.username},
                                 {"role", parts.connection.principal.role},
                                 {"tools", parts.mcp->tools->tools().size()}});
    const auto end = mcp::RunStdio(
        [&parts](std::string_view line) {
            CheckSession(parts);
            return parts.mcp->server->Handle(parts.connection, line);
        },
        [] {
            return mcp::ErrorResponse(
                nullptr, mcp::RpcError{mcp::rpc_code::kInvalidRequest,
                                       "Invalid Request: message larger than " +
                                           std::to_string(mcp::kMaxMessageBytes) + " bytes",
                                       {}});
        },
        mcp::kMaxMessageBytes);
    if (auto ended =
            parts.access->auth->Logout(parts.session_token, std::chrono::system_clock::now());
        !ended) {
        LogEvent("warn", "could not end the start-up session",
                 boost::json::object{{"error", ended.error().message}});
    }
    switch (end) {
        case mcp::StdioEnd::kEndOfInput:
            LogEvent("info", "end of input: exiting");
            return 0;
        case mcp::StdioEnd::kSignal:
            LogEvent("info", "signal: exiting");
            return 0;
        case mcp::StdioEnd::kOutputClosed:
            LogEvent("warn", "the client stopped reading: exiting");
            return 1;
        case mcp::StdioEnd::kInputError:
            LogEvent("error", "reading stdin failed");
            return 1;
    }
    return 1;
}

}  // namespace ea::app
