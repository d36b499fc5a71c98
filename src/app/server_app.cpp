#include "app/server_app.hpp"

#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json.hpp>

#include "app/audit_stack.hpp"
#include "app/core.hpp"
#include "app/loopback.hpp"
#include "app/mcp_http.hpp"
#include "app/redis_session_directory.hpp"
#include "app/reload_notices.hpp"
#include "app/rest_face.hpp"
#include "app/shared_state.hpp"
#include "app/system_users.hpp"
#include "common/json_text.hpp"
#include "auth/password.hpp"
#include "auth/session_store.hpp"
#include "auth/token.hpp"
#include "http/cors.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "ratelimit/token_bucket.hpp"
#include "rest/audit_routes.hpp"
#include "rest/error_response.hpp"
#include "rest/rest_api.hpp"
#include "service/admin_service.hpp"
#include "service/auth_service.hpp"
#include "service/change_feed.hpp"
#include "service/session_revoker.hpp"

namespace ea::app {
namespace {

constexpr const char* kAdminName = kAdminUsername;
constexpr const char* kSystemAccount = kSystemAccountId;

std::int64_t NowMillis() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// One JSON line per request on stdout: never a body, a header value or a token. Written straight
// into this thread's buffer (no JSON object built, no temporary strings) and out in one call.
void LogRequest(const http::Request& request, const http::Response& response,
                std::chrono::nanoseconds duration) {
    thread_local std::string line;
    line.clear();
    line += "{\"ts\":";
    line += std::to_string(NowMillis());
    line += response.status >= 500 ? ",\"level\":\"error\"" : ",\"level\":\"info\"";
    line += ",\"msg\":\"request\",\"request_id\":";
    AppendJsonString(request.request_id, line);
    line += ",\"method\":";
    AppendJsonString(request.method_text, line);
    line += ",\"route\":";
    AppendJsonString(response.route.empty() ? std::string_view("(unmatched)") : response.route,
                     line);
    line += ",\"status\":";
    line += std::to_string(response.status);
    line += ",\"duration_ms\":";
    AppendJsonNumber(static_cast<double>(duration.count()) / 1e6, line);
    line += ",\"remote\":";
    AppendJsonString(request.remote_address, line);
    line += ",\"principal\":";
    AppendJsonString(response.principal, line);
    if (!response.log_detail.empty()) {
        line += ",\"detail\":";  // why a 5xx happened: for the operator only
        AppendJsonString(response.log_detail, line);
    }
    line += "}\n";
    std::cout.write(line.data(), static_cast<std::streamsize>(line.size()));
    std::cout.flush();
}

// A handler threw: the client got a 500 naming the request id; the log says what happened.
void LogHandlerException(const http::Request& request, std::string_view what) {
    boost::json::object line{{"ts", NowMillis()},
                             {"level", "error"},
                             {"msg", "handler exception"},
                             {"request_id", request.request_id},
                             {"method", request.method_text},
                             {"detail", std::string(what)}};
    std::cout << boost::json::serialize(line) << "\n" << std::flush;
}

// The audit sinks' failure and recovery lines, beside the request log.
void LogAudit(std::string_view level, std::string_view message) {
    boost::json::object line{{"ts", NowMillis()},
                             {"level", std::string(level)},
                             {"msg", "audit"},
                             {"detail", std::string(message)}};
    std::cout << boost::json::serialize(line) << "\n" << std::flush;
}

// Open mode answers anyone who can reach it, so it refuses requests not addressed to a loopback
// name: a page whose DNS name was rebound to 127.0.0.1 sends its own name as Host.
http::Response MisdirectedOpenModeRequest(const http::Request& request) {
    const auto host = request.Header("Host").value_or("");
    auto response = rest::ProtocolErrorResponse(
        421, "misdirected_request",
        "this server runs with auth.required=false and serves only requests addressed to a "
        "loopback host (localhost, 127.0.0.1, [::1]); Host was '" +
            std::string(host.substr(0, 100)) + "'");
    return response;
}

// Creates `admin` when no administrator exists yet: the password comes from
// EVENTS_API_ADMIN_PASSWORD or is random and printed once. Never a fixed default.
Status EnsureAdmin(Core& core) {
    const auto* user = core.schema->FindEntity("User");
    if (user == nullptr || !user->auth() || user->FindField("role") == nullptr) {
        return Ok();
    }
    query::Query query;
    query.filter = std::make_unique<query::FilterNode>();
    query.filter->kind = query::FilterNode::Kind::kComparison;
    query.filter->comparison =
        query::Comparison{user->FindField("role"), query::Op::kEq, boost::json::string("admin")};
    query.page_size = 1;
    query.count = query::CountMode::kNone;  // one row answers it
    query.time_limited = false;             // start-up, not a client's query
    auto admins = core.store->List(*user, query);
    if (!admins) {
        return admins.error();
    }
    if (!admins->rows.empty()) {
        return Ok();
    }
    std::string password;
    bool generated = false;
    if (const char* given = std::getenv("EVENTS_API_ADMIN_PASSWORD"); given && *given) {
        password = given;
    } else {
        password = auth::NewToken().substr(0, 20);
        generated = true;
    }
    service::RequestContext ctx{Principal::System(), "bootstrap", service::Channel::kCli};
    boost::json::object body{{user->auth()->login_field, kAdminName},
                             {user->auth()->password_field, password},
                             {"email", kAdminEmail},
                             {"role", "admin"},
                             {"isAccountOwner", false},
                             {"accountId", kSystemAccount}};
    // Documented names (docs/cli.md), when the schema has the fields (the default one requires
    // them).
    if (user->FindField("firstName") != nullptr && user->FindField("lastName") != nullptr) {
        body["firstName"] = kAdminFirstName;
        body["lastName"] = kAdminLastName;
    }
    // The system account (when missing) and the admin in one transaction: all or nothing.
    std::vector<service::DocumentService::NewRecord> records;
    if (const auto* account = core.schema->FindEntity("Account");
        account != nullptr && !core.store->Get(*account, kSystemAccount)) {
        records.push_back({account, boost::json::object{{"id", kSystemAccount}}});
    }
    records.push_back({user, std::move(body)});
    if (auto created = core.documents->CreateAll(ctx, records); !created) {
        return created.error();
    }
    if (generated) {
        std::cerr << "\n  Created the first administrator.\n    username: " << kAdminName
                  << "\n    password: " << password
                  << "\n  It is shown only this once; change it with\n"
                     "    events-api user add admin --role admin --password-stdin --update\n\n";
    } else {
        std::cerr << "created the first administrator '" << kAdminName
                  << "' with the password from EVENTS_API_ADMIN_PASSWORD\n";
    }
    return Ok();
}

}  // namespace

struct ServerApp::Parts {
    std::shared_ptr<Core> core;  // the first schema's; the access stack's store is its store
    std::unique_ptr<AccessStack> access;
    std::unique_ptr<AuditStack> audit;
    // Committed writes, for MCP resource subscriptions: through Redis pub/sub to every instance
    // when the sessions are in Redis (shared_state.hpp), else in-process.
    std::unique_ptr<service::ChangeFeed> changes;
    // MCP session-era sessions shared with the other instances (null without Redis).
    std::unique_ptr<mcp::SessionDirectory> mcp_sessions;
    std::unique_ptr<service::ChangeFeedPublisher> change_publisher;
    std::unique_ptr<McpHttp> mcp;  // /mcp: Streamable HTTP
    std::mutex reload_mutex;       // one schema reload at a time
    http::Metrics metrics;
    bool secure_cookies = true;
    RestFaceSlot faces;  // the REST face of the schema in service, swapped by a reload
    std::unique_ptr<http::Server> server;
    // Schema reloads heard from and told to the other instances on the sessions' Redis (null
    // without one). Last, so it stops before anything a reload touches is destroyed.
    std::unique_ptr<ReloadNotices> reload_notices;
};

ServerApp::ServerApp(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
ServerApp::~ServerApp() = default;

Result<std::shared_ptr<const RestFace>> ServerApp::BuildFace(Parts& parts,
                                                             std::shared_ptr<Core> core) {
    auto face = std::make_shared<RestFace>();
    face->core = std::move(core);
    Core& schema_core = *face->core;
    face->admin = std::make_unique<service::AdminService>(
        *schema_core.schema, *schema_core.store,
        [db = SqliteFileOf(schema_core.config.db),
         file = schema_core.config.db.starts_with("sqlite://")] {
            boost::json::object sizes;  // of the SQLite file; a server store has none to measure
            if (!file) {
                return sizes;
            }
            std::error_code ec;
            for (const auto& [name, suffix] :
                 {std::pair{"databaseBytes", ""}, std::pair{"walBytes", "-wal"}}) {
                const auto bytes = std::filesystem::file_size(db.string() + suffix, ec);
                sizes[name] = ec ? 0 : static_cast<std::int64_t>(bytes);
            }
            return sizes;
        });
    // Sessions follow the user (session_revoker.hpp): the access stack's revoker already watches
    // the documents; a wipe through the admin service ends sessions and tokens too, and is heard
    // by resource subscriptions.
    face->admin->AddObserver(*parts.access->revoker);
    face->admin->AddObserver(*parts.access->token_revoker);
    face->admin->AddObserver(*parts.change_publisher);
    face->rest = std::make_unique<rest::RestApi>(
        *schema_core.schema, *schema_core.documents, *parts.access->auth, *face->admin,
        rest::RestOptions{parts.secure_cookies, schema_core.schema->project_name()});
    face->router =
        std::make_unique<http::Router>(http::RouterOptions{true}, rest::ProtocolErrorResponse);
    auto& rest = *face->rest;
    auto& router = *face->router;
    if (auto registered = rest.Register(router); !registered) {
        return registered.error();
    }
    if (parts.audit->log) {
        if (auto registered = rest::RegisterAuditRoutes(rest, router, *parts.audit->log);
            !registered) {
            return registered.error();
        }
    }
    if (auto registered = parts.mcp->Register(router); !registered) {
        return registered.error();
    }
    auto* raw = &parts;
    // Administrators only: a reload is as disruptive as a deploy.
    if (auto added = rest.Add(
            router, http::Method::kPost, "/api/_admin/reload-schema",
            [raw](const http::Request&, const http::RouteMatch&,
                  const service::RequestContext& ctx) {
                if (ctx.principal.role != "admin") {
                    return rest::ProtocolErrorResponse(
                        403, "forbidden", "only an administrator may reload the schema");
                }
                auto reloaded = Reload(*raw);
                if (!reloaded) {
                    return rest::ProtocolErrorResponse(422, "invalid_schema",
                                                       reloaded.error().message);
                }
                boost::json::object body{
                    {"status", "reloaded"},
                    {"entities", static_cast<std::int64_t>(reloaded->entities)},
                    {"mcpTools", static_cast<std::int64_t>(reloaded->mcp_tools)}};
                return http::MakeResponse(200, boost::json::serialize(body), "application/json");
            });
        !added) {
        return added.error();
    }
    // Public: they reveal no data, and probes and scrapers carry no session.
    Status health[] = {
        rest.AddPublic(router, http::Method::kGet, "/healthz",
                       [](const http::Request&, const http::RouteMatch&) {
                           return http::MakeResponse(200, R"({"status":"ok"})", "application/json");
                       }),
        rest.AddPublic(router, http::Method::kGet, "/readyz",
                       [raw](const http::Request&, const http::RouteMatch&) {
                           const Status store = raw->core->store->Ping();
                           const Status session_store = raw->access->sessions->Ping();
                           const bool ready = store.has_value() && session_store.has_value();
                           boost::json::object body{{"status", ready ? "ready" : "unavailable"},
                                                    {"store", store ? "ok" : "down"},
                                                    {"sessions", session_store ? "ok" : "down"}};
                           auto response = http::MakeResponse(
                               ready ? 200 : 503, boost::json::serialize(body), "application/json");
                           // The body says only what is down; the log line says why.
                           for (const Status* status : {&store, &session_store}) {
                               if (!*status) {
                                   const Error& error = status->error();
                                   response.log_detail +=
                                       (response.log_detail.empty() ? "" : "; ") + error.message +
                                       (error.detail.empty() ? "" : ": " + error.detail);
                               }
                           }
                           return response;
                       }),
        rest.AddPublic(router, http::Method::kGet, "/metrics",
                       [raw](const http::Request&, const http::RouteMatch&) {
                           return http::MakeResponse(200, raw->metrics.RenderPrometheus(),
                                                     "text/plain; version=0.0.4");
                       }),
    };
    for (const auto& status : health) {
        if (!status) {
            return status.error();
        }
    }
    return std::shared_ptr<const RestFace>(std::move(face));
}

Result<std::unique_ptr<ServerApp>> ServerApp::Create(const Config& config) {
    auto listen = ParseListen(config.listen);
    if (!listen) {
        return listen.error();
    }
    if (!config.auth_required && !IsLoopbackHost(listen->host)) {
        return InvalidArgument("auth.required=false is only allowed on a loopback address, not " +
                               listen->host);
    }
    auto parts = std::make_unique<Parts>();
    auto core = OpenCore(config);
    if (!core) {
        return core.error();
    }
    parts->core = *std::move(core);
    auto access = OpenAccessStack(config, *parts->core);
    if (!access) {
        return access.error();
    }
    parts->access = *std::move(access);
    parts->access->auth->PrepareLogins();  // the first login then takes as long as any other
    auto audit = OpenAuditStack(config, *parts->core, *parts->access, LogAudit);
    if (!audit) {
        return audit.error();
    }
    parts->audit = *std::move(audit);
    parts->audit->ExportMetrics(parts->metrics);
    if (auto admin = EnsureAdmin(*parts->core); !admin) {
        return admin.error();
    }
    parts->secure_cookies = !IsLoopbackHost(listen->host);
    mcp::HttpTransportOptions mcp_options;
    mcp_options.allowed_origins = config.cors_allowed_origins;
    mcp_options.max_sessions = static_cast<std::size_t>(config.mcp_max_sessions);
    mcp_options.session_idle_timeout = std::chrono::seconds(config.mcp_session_idle_seconds);
    mcp_options.max_result_bytes = static_cast<std::size_t>(config.mcp_max_result_bytes);
    auto shared_redis = OpenSharedRedis(config, "change feed");
    if (!shared_redis) {
        return shared_redis.error();
    }
    const std::string origin = NewInstanceOrigin();
    auto changes = OpenChangeFeed(*shared_redis, origin);
    if (!changes) {
        return changes.error();
    }
    parts->changes = *std::move(changes);
    ExportChangeFeedMetrics(*parts->changes, parts->metrics);
    if (*shared_redis) {
        auto directory =
            RedisSessionDirectory::Open(*shared_redis, origin, mcp_options.session_idle_timeout);
        if (!directory) {
            return directory.error();
        }
        parts->mcp_sessions = *std::move(directory);
        mcp_options.directory = parts->mcp_sessions.get();
    }
    parts->change_publisher = std::make_unique<service::ChangeFeedPublisher>(*parts->changes);
    parts->core->documents->AddObserver(*parts->change_publisher);
    parts->mcp = std::make_unique<McpHttp>(*parts->core->schema, *parts->core->documents,
                                           *parts->access->auth, std::move(mcp_options),
                                           *parts->changes, ToolOptionsFrom(config));
    if (parts->audit->log) {
        parts->mcp->SetAuditLog(parts->audit->log.get());
    }
    auto face = BuildFace(*parts, parts->core);
    if (!face) {
        return face.error();
    }
    parts->faces.Replace(*std::move(face));
    auto* raw = parts.get();

    http::ServerOptions options;
    options.host = listen->host;
    options.port = listen->port;
    options.max_connections = static_cast<std::size_t>(config.max_connections);
    options.trust_proxy = config.trust_proxy;
    http::ServerHooks hooks;
    hooks.render_error = rest::ProtocolErrorResponse;
    hooks.on_handler_exception = LogHandlerException;
    // Counted before the response is written, so a client sees its request in its next /metrics.
    hooks.on_response_ready = [raw](const http::Request& request, const http::Response& response) {
        raw->metrics.CountRequest(response.route.empty() ? "(unmatched)" : response.route,
                                  request.method_text, response.status);
        if (response.status == 500 || response.status == 503) {
            // A 500 is a bug and a 503 an unavailable store or session backend; both deserve
            // an alert of their own.
            raw->metrics.IncrementCounter("server_errors_total",
                                          "Responses 500 (internal) and 503 (backend unavailable)",
                                          {{"status", std::to_string(response.status)}});
        }
    };
    hooks.on_request_complete = [raw](const http::Request& request, const http::Response& response,
                                      std::chrono::nanoseconds duration) {
        raw->metrics.ObserveLatency(response.route.empty() ? "(unmatched)" : response.route,
                                    request.method_text, duration);
        LogRequest(request, response, duration);
    };
    // Counts requests in flight around the whole handler, exceptions included. Each request is
    // routed by the face in service when it arrives and holds that face until it is answered.
    auto routed = [raw, open_mode = !config.auth_required](const http::Request& request) {
        struct InFlight {
            http::Metrics& metrics;
            explicit InFlight(http::Metrics& m) : metrics(m) { metrics.AddInFlight(1); }
            ~InFlight() { metrics.AddInFlight(-1); }
        } in_flight(raw->metrics);
        if (open_mode && !IsLoopbackHostHeader(request.Header("Host").value_or(""))) {
            return MisdirectedOpenModeRequest(request);
        }
        const auto serving = raw->faces.Current();
        return serving->router->Route(request);
    };
    auto with_cors = http::WithCors(http::CorsOptions{config.cors_allowed_origins},
                                    rest::ProtocolErrorResponse, std::move(routed));
    parts->server = std::make_unique<http::Server>(options, std::move(with_cors), hooks);
    if (!config.auth_required) {
        std::cerr << "WARNING: auth.required is false: every request without a session acts as an "
                     "administrator. Use this only for local tools.\n";
    }
    if (*shared_redis) {
        auto notices = ReloadNotices::Open(*shared_redis, origin, [raw] {
            std::cerr << "schema reload announced by another instance\n";
            static_cast<void>(Reload(*raw, /*announce=*/false));
        });
        if (!notices) {
            return notices.error();
        }
        parts->reload_notices = *std::move(notices);
    }
    return std::unique_ptr<ServerApp>(new ServerApp(std::move(parts)));
}

Status ServerApp::Start() {
    return parts_->server->Start();
}
void ServerApp::Stop() {
    parts_->server->Stop();
}
Result<ServerApp::Reloaded> ServerApp::Reload(Parts& parts, bool announce) {
    std::lock_guard lock(parts.reload_mutex);
    auto refused = [](const Error& error) {
        std::string message =
            "schema reload refused, the old schema keeps serving: " + error.message;
        for (const auto& field : error.fields) {
            message += "; " + field.field + ": " + field.message;
        }
        std::cerr << message << "\n";
        return Error{error.code, std::move(message), {}};
    };
    auto opened = OpenCore(parts.core->config);
    if (!opened) {
        return refused(opened.error());
    }
    std::shared_ptr<Core> core = *std::move(opened);
    // The new services are bound like the first ones: the same rate limits and audit trail, and
    // their writes reported so that sessions and tokens follow users and subscriptions hear them.
    core->documents->SetCallLimiter(*parts.access->call_limiter);
    if (parts.audit->sink) {
        core->documents->SetAuditSink(parts.audit->sink.get());
    }
    core->documents->AddObserver(*parts.access->revoker);
    core->documents->AddObserver(*parts.access->token_revoker);
    core->documents->AddObserver(*parts.change_publisher);
    // The REST face is built before anything is swapped: if it cannot be, nothing changes.
    auto face = BuildFace(parts, core);
    if (!face) {
        return refused(face.error());
    }
    const Reloaded reloaded{core->schema->entities().size(), parts.mcp->Install(core)};
    parts.faces.Replace(*std::move(face));
    std::cerr << "schema reloaded: " << reloaded.entities << " entities, " << reloaded.mcp_tools
              << " MCP tools\n";
    if (announce && parts.reload_notices) {
        if (auto told = parts.reload_notices->Announce(); !told) {
            std::cerr << "the other instances were not told of this reload (send them SIGHUP): "
                      << told.error().message << "\n";
        }
    }
    return reloaded;
}

Result<ServerApp::Reloaded> ServerApp::ReloadSchema() {
    return Reload(*parts_);
}

std::uint16_t ServerApp::port() const {
    return parts_->server->port();
}

}  // namespace ea::app
