#include "app/mcp_app.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "app/audit_stack.hpp"
#include "app/core.hpp"
#include "app/mcp_stack.hpp"
#include "app/shared_state.hpp"
#include "common/json_text.hpp"
#include "mcp/jsonrpc.hpp"
#include "mcp/stdio_outbox.hpp"
#include "mcp/stdio_transport.hpp"
#include "mcp/subscriptions.hpp"
#include "service/change_feed.hpp"

namespace ea::app {
namespace {

// Login attempts from stdio count against this "address" in the per-address limiter.
constexpr const char* kStdioAddress = "mcp-stdio";
// The request ids of the start-up login and the logout at exit in the audit trail (the tool calls
// between them are mcp-stdio-1, -2, ...).
constexpr std::string_view kLoginRequestId = "mcp-stdio-login";
constexpr std::string_view kLogoutRequestId = "mcp-stdio-logout";

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
    // The first schema's core: the access stack's AuthService reads users through its store.
    std::unique_ptr<Core> core;
    std::unique_ptr<AccessStack> access;
    std::unique_ptr<AuditStack> audit;
    std::unique_ptr<service::ChangeFeed> changes;
    std::unique_ptr<service::ChangeFeedPublisher> change_publisher;
    std::unique_ptr<mcp::SubscriptionHub> subscriptions;
    std::shared_ptr<mcp::StdioOutbox> outbox;  // this connection's notifications
    bool outbox_is_session = false;            // told of tool-list changes (after initialize)
    // subscriptions/listen requests open on stdio, by their serialized request id.
    std::vector<std::pair<std::string, std::shared_ptr<mcp::ListenOutbox>>> listens;
    std::unique_ptr<Core> reloaded;  // the core of the schema in service after a reload
    std::unique_ptr<McpStack> mcp;   // declared after the cores: destroyed before them
    mcp::Connection connection;
    const schema::Entity* users = nullptr;  // the auth entity MCP_USER is in
    bool access_token = false;              // signed in with MCP_TOKEN (never refreshed or ended)
    std::string session_token;              // the start-up login or MCP_TOKEN
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
    if (!parts.access_token && now >= parts.refresh_at) {
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
        error.message =
            parts.access_token
                ? "the access token (MCP_TOKEN) of the service user '" +
                      connection.principal.username +
                      "' has ended (revoked, expired, or the user was changed or removed); "
                      "configure a new one (events-api token create) and restart the MCP server"
                : "the session of the service user '" + connection.principal.username +
                      "' has ended (the user was changed or removed); restart the MCP server to "
                      "sign in again";
        LogEvent("warn", "service user session ended",
                 boost::json::object{{"principal", connection.principal.username}});
    }
    connection.principal_error = std::move(error);
}

// Binds a core's services like the first one's: the same rate limits and audit trail, and its
// writes reported so that sessions and tokens follow users and subscriptions hear them.
void BindServices(McpApp::Parts& parts, Core& core) {
    core.documents->SetCallLimiter(*parts.access->call_limiter);
    if (parts.audit->sink) {
        core.documents->SetAuditSink(parts.audit->sink.get());
    }
    core.documents->AddObserver(*parts.access->revoker);
    core.documents->AddObserver(*parts.access->token_revoker);
    core.documents->AddObserver(*parts.change_publisher);
}

std::unique_ptr<McpStack> BuildStack(McpApp::Parts& parts, Core& core) {
    auto stack = BuildMcpStack(*core.schema, *core.documents, *parts.access->auth, LogLine,
                               parts.subscriptions.get(), ToolOptionsFrom(core.config),
                               {static_cast<std::size_t>(core.config.mcp_max_result_bytes)});
    stack->resources->SetAuditLog(parts.audit ? parts.audit->log.get() : nullptr);
    return stack;
}

// SIGHUP: the schema re-read and the tools, resources and prompts rebuilt from it, between two
// messages (so no call is running). A schema that does not load changes nothing.
void Reload(McpApp::Parts& parts) {
    auto opened = OpenCore(parts.core->config);
    if (!opened) {
        const Error& error = opened.error();
        std::string message = error.message;
        for (const auto& field : error.fields) {
            message += "; " + field.field + ": " + field.message;
        }
        LogEvent("error", "schema reload refused, the old schema keeps serving",
                 boost::json::object{{"error", message}});
        return;
    }
    BindServices(parts, **opened);
    parts.mcp = BuildStack(parts, **opened);  // the old stack goes before the core it used
    parts.reloaded = *std::move(opened);
    parts.subscriptions->AnnounceToolsChanged();
    LogEvent("info", "schema reloaded",
             boost::json::object{
                 {"tools", parts.mcp->tools->ListingFor(parts.connection.principal).size()}});
}

// subscriptions/listen (2026-07-28) on stdio: the listen request stays open and its notifications
// (tagged with its id) come on stdout until the client cancels it; notifications/cancelled for
// it closes it. Nullopt for any other line (McpServer answers it).
std::optional<std::vector<std::string>> StdioListen(McpApp::Parts& parts, std::string_view line) {
    if (line.find("subscriptions/listen") == std::string_view::npos &&
        line.find("notifications/cancelled") == std::string_view::npos) {
        return std::nullopt;
    }
    auto parsed = mcp::ParseText(line);
    if (parsed.failure || parsed.is_batch || parsed.messages.size() != 1) {
        return std::nullopt;
    }
    const auto* request = std::get_if<mcp::RpcRequest>(&parsed.messages.front());
    if (request == nullptr) {
        return std::nullopt;
    }
    if (request->method == "notifications/cancelled") {
        const auto* id = request->params.if_contains("requestId");
        if (id == nullptr) {
            return std::nullopt;
        }
        const std::string key = boost::json::serialize(*id);
        auto it = std::find_if(parts.listens.begin(), parts.listens.end(),
                               [&](const auto& listen) { return listen.first == key; });
        if (it == parts.listens.end()) {
            return std::nullopt;
        }
        it->second->Close();
        parts.listens.erase(it);
        return std::vector<std::string>{};
    }
    if (request->method != "subscriptions/listen" || request->is_notification) {
        return std::nullopt;
    }
    auto plan = parts.mcp->server->PlanListen(parts.connection, *request);
    if (auto* error = std::get_if<mcp::RpcError>(&plan)) {
        return std::vector<std::string>{mcp::ErrorResponse(request->id, *error)};
    }
    auto& filter = std::get<mcp::ListenFilter>(plan);
    auto acknowledgement = mcp::McpServer::ListenAcknowledgement(filter, request->id);
    auto listen = std::make_shared<mcp::ListenOutbox>(parts.outbox);
    if (!parts.subscriptions->AddListener(listen, std::move(filter), request->id)) {
        return std::vector<std::string>{mcp::ErrorResponse(
            request->id, mcp::RpcError{mcp::rpc_code::kInvalidRequest,
                                       "Invalid Request: too many subscriptions/listen requests "
                                       "are open; cancel one first",
                                       {}})};
    }
    parts.listens.emplace_back(boost::json::serialize(request->id), std::move(listen));
    return std::vector<std::string>{std::move(acknowledgement)};
}

// One input line: its answers, after whatever notifications were queued meanwhile (a log message
// of this call, a change this call made), in the order they were made.
std::vector<std::string> HandleLine(McpApp::Parts& parts, std::string_view line) {
    CheckSession(parts);
    auto answers = StdioListen(parts, line);
    if (!answers) {
        answers = parts.mcp->server->Handle(parts.connection, line);
    }
    if (!parts.outbox_is_session && parts.connection.session.version) {
        // An initialized session-era client is told of tool-list changes, as on HTTP.
        parts.subscriptions->AddSession(parts.outbox);
        parts.outbox_is_session = true;
    }
    auto out = parts.outbox->Take();
    std::move(answers->begin(), answers->end(), std::back_inserter(out));
    return out;
}

}  // namespace

McpApp::McpApp(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
McpApp::~McpApp() = default;

Result<std::unique_ptr<McpApp>> McpApp::Create(const Config& config,
                                               const McpCredentials& credentials) {
    if (credentials.empty()) {
        return InvalidArgument(
            "set MCP_TOKEN to an access token of the service user (events-api token create "
            "NAME), or MCP_USER and MCP_PASSWORD to its name and password (create one with: "
            "events-api user add NAME --role ai_agent --password-stdin)");
    }
    mcp::BlockStopSignals(true);  // before the store or session backend starts a thread
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
    // The audit trail opens first, so the start-up login is audited like any other (channel
    // mcp-stdio, action login, the tried username and the outcome; never the password), a failed
    // one too: its event is written before the process exits (the sinks drain on destruction).
    auto audit = OpenAuditStack(
        config, *parts->core, *parts->access, [](std::string_view level, std::string_view message) {
            LogEvent(level, "audit", boost::json::object{{"detail", message}});
        });
    if (!audit) {
        return audit.error();
    }
    parts->audit = *std::move(audit);
    const auto now = std::chrono::system_clock::now();
    if (!credentials.token.empty()) {
        // A SHA-256 lookup, no password hashing: the fast way to start.
        auto principal = parts->access->auth->Authenticate(credentials.token, now);
        if (!principal) {
            Error error = principal.error();
            if (error.code == ErrorCode::kUnauthenticated) {
                error.message = "MCP_TOKEN: " + error.message;
            }
            return error;
        }
        parts->session_token = credentials.token;
        parts->access_token = true;
        parts->connection.principal = *std::move(principal);
    } else {
        const service::RequestContext login_ctx{Principal{}, std::string(kLoginRequestId),
                                                service::Channel::kMcp, now,
                                                service::Transport::kStdio};
        auto login = parts->access->auth->Login(login_ctx, *users, credentials.username,
                                                credentials.password, kStdioAddress);
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
        parts->connection.principal = *std::move(principal);
    }
    parts->users = users;
    parts->session_ttl = std::chrono::seconds(config.session_ttl_seconds);
    parts->refresh_at = now + parts->session_ttl / 2;
    parts->connection.name = "stdio";
    // The feed resource subscriptions listen on: with the sessions in Redis the one every `serve`
    // and `mcp` on that Redis shares (shared_state.hpp), so their writes reach this process's
    // subscribers; otherwise this process's own, which hears only its own writes.
    auto shared_redis = OpenSharedRedis(config, "change feed");
    if (!shared_redis) {
        return shared_redis.error();
    }
    auto changes = OpenChangeFeed(*shared_redis, NewInstanceOrigin());
    if (!changes) {
        return changes.error();
    }
    parts->changes = *std::move(changes);
    parts->change_publisher = std::make_unique<service::ChangeFeedPublisher>(*parts->changes);
    parts->core->documents->AddObserver(*parts->change_publisher);
    parts->subscriptions = std::make_unique<mcp::SubscriptionHub>(*parts->changes);
    parts->outbox = std::make_shared<mcp::StdioOutbox>();
    parts->connection.outbox = parts->outbox;
    parts->mcp = BuildStack(*parts, *parts->core);
    return std::unique_ptr<McpApp>(new McpApp(std::move(parts)));
}

int McpApp::RunStdio() {
    auto& parts = *parts_;
    LogEvent("info", "mcp stdio ready",
             boost::json::object{{"principal", parts.connection.principal.username},
                                 {"role", parts.connection.principal.role},
                                 {"tools", parts.mcp->tools->tools().size()}});
    mcp::StdioOptions options;
    options.on_hangup = [&parts] { Reload(parts); };
    options.wake_fd = parts.outbox->wake_fd();
    options.drain = [&parts] { return parts.outbox->Take(); };
    const auto end = mcp::RunStdio(
        [&parts](std::string_view line) { return HandleLine(parts, line); },
        [] {
            return mcp::ErrorResponse(
                nullptr, mcp::RpcError{mcp::rpc_code::kInvalidRequest,
                                       "Invalid Request: message larger than " +
                                           std::to_string(mcp::kMaxMessageBytes) + " bytes",
                                       {}});
        },
        mcp::kMaxMessageBytes, options);
    // An access token outlives the process (it was configured once); a session ends with it.
    const service::RequestContext logout_ctx{
        parts.connection.principal, std::string(kLogoutRequestId), service::Channel::kMcp,
        std::chrono::system_clock::now(), service::Transport::kStdio};
    if (auto ended = parts.access_token
                         ? Status(Ok())
                         : parts.access->auth->Logout(logout_ctx, parts.session_token);
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
