#include "mcp/http_transport.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include <boost/json/serialize.hpp>

#include "auth/token.hpp"
#include "http/cors.hpp"
#include "http/target.hpp"
#include "mcp/compact_tools.hpp"
#include "mcp/era_stateless.hpp"
#include "mcp/stream_outbox.hpp"

namespace ea::mcp {
namespace {

constexpr std::string_view kSessionHeader = "Mcp-Session-Id";
constexpr std::string_view kVersionHeader = "MCP-Protocol-Version";
constexpr std::string_view kMethodHeader = "Mcp-Method";
constexpr std::string_view kNameHeader = "Mcp-Name";

std::string Lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// A JSON-RPC error as an HTTP response with `status`; `id` null when the request had none.
http::Response RpcErrorResponse(int status, const boost::json::value& id, int code,
                                std::string message) {
    return http::MakeResponse(status, ErrorResponse(id, RpcError{code, std::move(message), {}}),
                              "application/json");
}

// What the client can read: JSON unless its Accept names text/event-stream and not JSON.
bool WantsEventStream(const http::Request& request) {
    const auto accept = request.Header("Accept");
    if (!accept) {
        return false;
    }
    const std::string value = Lower(*accept);
    const bool json = value.find("application/json") != std::string::npos ||
                      value.find("application/*") != std::string::npos ||
                      value.find("*/*") != std::string::npos;
    return !json && value.find("text/event-stream") != std::string::npos;
}

// True when Accept (if sent) allows JSON or an event stream.
bool AcceptsAnswer(const http::Request& request) {
    const auto accept = request.Header("Accept");
    if (!accept) {
        return true;
    }
    const std::string value = Lower(*accept);
    for (std::string_view type :
         {"application/json", "text/event-stream", "application/*", "text/*", "*/*"}) {
        if (value.find(type) != std::string::npos) {
            return true;
        }
    }
    return false;
}

// One answer: JSON, or a single SSE `message` event that ends the stream.
http::Response Answer(const http::Request& request, std::string json) {
    if (WantsEventStream(request)) {
        auto response =
            http::MakeResponse(200, "event: message\ndata: " + json + "\n\n", "text/event-stream");
        response.headers.Set("Cache-Control", "no-cache");
        response.headers.Set("X-Accel-Buffering", "no");
        return response;
    }
    return http::MakeResponse(200, std::move(json), "application/json");
}

// True when Accept names text/event-stream (SDK clients send "application/json,
// text/event-stream"): a POST may then be answered as a stream.
bool AcceptsEventStream(const http::Request& request) {
    const auto accept = request.Header("Accept");
    return accept && Lower(*accept).find("text/event-stream") != std::string::npos;
}

// The progress token a request asked for (params._meta.progressToken), or null.
boost::json::value ProgressTokenOf(const RpcRequest& rpc) {
    if (const auto* meta = rpc.params.if_contains("_meta"); meta && meta->is_object()) {
        if (const auto* token = meta->as_object().if_contains("progressToken");
            token && (token->is_string() || token->is_int64() || token->is_uint64())) {
            return *token;
        }
    }
    return nullptr;
}

std::string ProgressNotification(const boost::json::value& token, int progress,
                                 std::string_view message) {
    boost::json::object params{
        {"progressToken", token}, {"progress", progress}, {"total", 1}, {"message", message}};
    return boost::json::serialize(boost::json::object{
        {"jsonrpc", "2.0"}, {"method", "notifications/progress"}, {"params", std::move(params)}});
}

http::Response Accepted() {
    http::Response response;
    response.status = 202;
    response.content_type = "application/json";
    return response;
}

// The HTTP status the transport rules give a JSON-RPC error code (0: a result).
int StatusOfStateless(int code) {
    switch (code) {
        case rpc_code::kUnsupportedProtocolVersion:
        case rpc_code::kMissingRequiredClientCapability:
        case rpc_code::kHeaderMismatch:
        case rpc_code::kParseError:
        case rpc_code::kInvalidRequest:
            return 400;
        case rpc_code::kMethodNotFound:
            return 404;
        default:
            return 200;
    }
}

std::optional<std::string> DecodeBase64(std::string_view text) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z')
            return c - 'A';
        if (c >= 'a' && c <= 'z')
            return c - 'a' + 26;
        if (c >= '0' && c <= '9')
            return c - '0' + 52;
        if (c == '+' || c == '-')
            return 62;
        if (c == '/' || c == '_')
            return 63;
        return -1;
    };
    while (!text.empty() && text.back() == '=') {
        text.remove_suffix(1);
    }
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        const int v = value(c);
        if (v < 0) {
            return std::nullopt;
        }
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
        }
    }
    return out;
}

// An Mcp-Name value as the body would hold it: the Base64 sentinel form decoded.
std::optional<std::string> DecodeHeaderValue(std::string_view value) {
    constexpr std::string_view kPrefix = "=?base64?";
    constexpr std::string_view kSuffix = "?=";
    if (value.size() >= kPrefix.size() + kSuffix.size() &&
        value.substr(0, kPrefix.size()) == kPrefix &&
        value.substr(value.size() - kSuffix.size()) == kSuffix) {
        return DecodeBase64(
            value.substr(kPrefix.size(), value.size() - kPrefix.size() - kSuffix.size()));
    }
    return std::string(value);
}

std::string_view StringAt(const boost::json::object& object, std::string_view key) {
    if (const auto* value = object.if_contains(key); value != nullptr && value->is_string()) {
        return value->get_string();
    }
    return {};
}

std::string Clip(std::string_view text) {
    return std::string(text.substr(0, 100));
}

// The 2026-07-28 header rules (Server Validation): a HeaderMismatch message, or nullopt.
std::optional<std::string> CheckStatelessHeaders(const http::Request& request,
                                                 const RpcRequest& rpc) {
    const auto version = request.Header(kVersionHeader);
    if (!version) {
        return "Header mismatch: the MCP-Protocol-Version header is required";
    }
    std::string_view body_version;
    if (const auto* meta = rpc.params.if_contains("_meta"); meta != nullptr && meta->is_object()) {
        body_version = StringAt(meta->get_object(), kProtocolVersionKey);
    }
    if (!body_version.empty() && *version != body_version) {
        return "Header mismatch: MCP-Protocol-Version header value '" + Clip(*version) +
               "' does not match body value '" + Clip(body_version) + "'";
    }
    if (rpc.is_notification) {
        return std::nullopt;  // the revision defines no header rules for notification POSTs
    }
    const auto method = request.Header(kMethodHeader);
    if (!method) {
        return "Header mismatch: the Mcp-Method header is required";
    }
    if (*method != rpc.method) {
        return "Header mismatch: Mcp-Method header value '" + Clip(*method) +
               "' does not match body value '" + Clip(rpc.method) + "'";
    }
    std::string_view name_key;
    if (rpc.method == "tools/call" || rpc.method == "prompts/get") {
        name_key = "name";
    } else if (rpc.method == "resources/read") {
        name_key = "uri";
    }
    if (!name_key.empty()) {
        const auto name = request.Header(kNameHeader);
        if (!name) {
            return "Header mismatch: the Mcp-Name header is required for " + rpc.method;
        }
        const auto decoded = DecodeHeaderValue(*name);
        if (!decoded) {
            return "Header mismatch: Mcp-Name header value is not valid =?base64?...?= text";
        }
        const std::string_view body_name = StringAt(rpc.params, name_key);
        if (*decoded != body_name) {
            return "Header mismatch: Mcp-Name header value '" + Clip(*decoded) +
                   "' does not match body value '" + Clip(body_name) + "'";
        }
    }
    return std::nullopt;
}

// "http://Host" and "https://Host" normalized: the origins of pages this server serves itself.
bool IsOwnOrigin(std::string_view origin, std::string_view host) {
    if (host.empty()) {
        return false;
    }
    for (std::string_view scheme : {"http://", "https://"}) {
        auto own = http::NormalizeOrigin(std::string(scheme) + std::string(host));
        if (own && *own == origin) {
            return true;
        }
    }
    return false;
}

bool IsJsonContentType(const http::Request& request) {
    const auto type = request.Header("Content-Type");
    if (!type) {
        return false;
    }
    const std::string value = Lower(*type);
    return value.rfind("application/json", 0) == 0;
}

http::Response SessionNotFound(const boost::json::value& id) {
    return RpcErrorResponse(404, id, rpc_code::kInvalidRequest,
                            "Session not found: it ended or expired; send initialize without "
                            "Mcp-Session-Id to start a new one");
}

// The session directory (another instance's sessions) cannot be reached, or there is no room.
http::Response SessionsUnavailable(const boost::json::value& id) {
    auto response = RpcErrorResponse(503, id, rpc_code::kInternalError,
                                     "Service unavailable: sessions cannot be looked up right "
                                     "now; retry shortly");
    response.headers.Set("Retry-After", "1");
    return response;
}

// ?tools=compact or ?tools=entity on the endpoint (compact_tools.hpp): the tool set of this
// request (stateless era) or session (session era, chosen at initialize). Absent: the default.
Result<std::optional<ToolsMode>> ToolsModeOf(const http::Request& request) {
    return detail::ToolsModeOfQuery(request.query);
}

}  // namespace

HttpTransport::HttpTransport(const McpServerSlot& servers, BearerAuthenticator authenticate,
                             HttpTransportOptions options)
    : servers_(servers),
      authenticate_(std::move(authenticate)),
      options_(std::move(options)),
      sessions_(options_.max_sessions, options_.session_idle_timeout) {
    if (options_.directory != nullptr) {
        options_.directory->Watch([this](std::string_view id) { OnSharedChange(id); });
        options_.directory->KeepAlive([this] { return sessions_.StreamingIds(); });
    }
}

HttpTransport::~HttpTransport() {
    if (options_.directory != nullptr) {
        // Each returns once no call into this transport runs.
        options_.directory->KeepAlive({});
        options_.directory->Watch({});
    }
}

std::shared_ptr<HttpSession> HttpTransport::FindSession(std::string_view id,
                                                        const Principal& principal,
                                                        HttpSessionTable::Clock::time_point now,
                                                        std::optional<SharedSession>* shared,
                                                        bool* unavailable) {
    const std::string owner = OwnerKey(principal);
    auto local = sessions_.Find(id, owner, now);
    if (options_.directory == nullptr) {
        return local;
    }
    auto found = options_.directory->Find(id);
    if (!found) {
        // The directory is down: a session opened here goes on as it is (its state cannot move
        // meanwhile), one opened elsewhere cannot be found.
        *unavailable = local == nullptr;
        return local;
    }
    if (!*found) {
        if (local) {
            sessions_.Forget(id);  // ended or expired on another instance
        }
        return nullptr;
    }
    if (!auth::ConstantTimeEquals((*found)->owner, owner)) {
        return nullptr;
    }
    if (!local) {
        local = sessions_.Adopt(std::string(id), owner, now);
        if (!local) {
            *unavailable = true;
            return nullptr;
        }
        {
            std::lock_guard lock(local->mutex);
            local->connection.principal = principal;
            local->connection.name = "http:" + std::string(id.substr(0, 8));
            local->connection.outbox = local->outbox;
        }
        if (auto* hub = server()->subscriptions()) {
            hub->AddSession(local->outbox);
        }
    }
    *shared = *std::move(*found);
    return local;
}

void HttpTransport::LoadShared(HttpSession& session, std::optional<SharedSession> shared) {
    if (!shared) {
        return;
    }
    session.connection.session = shared->state;
    session.connection.tools_mode = shared->tools_mode;
    if (auto* hub = server()->subscriptions()) {
        hub->SetSubscriptions(session.outbox, shared->subscriptions);
    }
    session.shared = *std::move(shared);
}

void HttpTransport::StoreShared(std::string_view id, HttpSession& session) {
    if (options_.directory == nullptr) {
        return;
    }
    SharedSession now{session.owner, session.connection.session, {}, session.connection.tools_mode};
    if (auto* hub = server()->subscriptions()) {
        now.subscriptions = hub->SubscriptionsOf(session.outbox.get());
    }
    if (now == session.shared) {
        return;
    }
    // Not stored (the directory is down): this instance keeps the change, the next request that
    // changes something stores it all.
    if (options_.directory->Put(id, now)) {
        session.shared = std::move(now);
    }
}

void HttpTransport::OnSharedChange(std::string_view id) {
    auto session = sessions_.Peek(id);
    if (!session) {
        return;
    }
    auto found = options_.directory->Find(id);
    if (!found) {
        return;  // the directory went away meanwhile; the next request loads the state
    }
    if (!*found) {
        sessions_.Forget(id);  // DELETE on another instance: the stream here ends too
        return;
    }
    // The stream on this instance hears about subscriptions made on another one.
    if (auto* hub = server()->subscriptions()) {
        hub->SetSubscriptions(session->outbox, (*found)->subscriptions);
    }
}

std::optional<http::Response> HttpTransport::Admit(const http::Request& request,
                                                   Principal* principal) const {
    if (const auto origin = request.Header("Origin")) {
        auto normalized = http::NormalizeOrigin(*origin);
        const bool allowed =
            normalized &&
            (IsOwnOrigin(*normalized, request.Header("Host").value_or("")) ||
             std::find(options_.allowed_origins.begin(), options_.allowed_origins.end(),
                       *normalized) != options_.allowed_origins.end());
        if (!allowed) {
            return RpcErrorResponse(403, nullptr, rpc_code::kInvalidRequest,
                                    "Forbidden: Origin '" + Clip(*origin) +
                                        "' is not allowed to call this MCP endpoint (add it to "
                                        "cors.allowed_origins to allow a browser client)");
        }
    }
    std::optional<std::string_view> token;
    if (const auto header = request.Header("Authorization")) {
        constexpr std::string_view kBearer = "Bearer ";
        if (header->size() > kBearer.size() &&
            http::EqualsIgnoreCase(header->substr(0, kBearer.size()), kBearer)) {
            token = header->substr(kBearer.size());
        }
    }
    auto authenticated = authenticate_(token);
    if (!authenticated) {
        const Error& error = authenticated.error();
        if (error.code == ErrorCode::kUnauthenticated) {
            auto response = RpcErrorResponse(
                401, nullptr, rpc_code::kInvalidRequest,
                token ? "Unauthorized: " + error.message
                      : std::string("Unauthorized: send Authorization: Bearer <token> (an access "
                                    "token from `events-api token create`, or a session token "
                                    "from the REST login, e.g. POST /api/user/auth/login, or the "
                                    "user_auth_login tool)"));
            response.headers.Set("WWW-Authenticate",
                                 token ? R"(Bearer error="invalid_token")" : "Bearer");
            return response;
        }
        auto response = RpcErrorResponse(503, nullptr, rpc_code::kInternalError,
                                         "Service unavailable: retry shortly");
        response.headers.Set("Retry-After", "1");
        response.log_detail = error.message;
        return response;
    }
    *principal = *std::move(authenticated);
    return std::nullopt;
}

http::Response HttpTransport::Post(const http::Request& request) {
    Principal principal;
    if (auto refused = Admit(request, &principal)) {
        return *std::move(refused);
    }
    auto response = [&]() -> http::Response {
        if (!IsJsonContentType(request)) {
            return RpcErrorResponse(415, nullptr, rpc_code::kInvalidRequest,
                                    "Unsupported Media Type: POST a JSON-RPC message with "
                                    "Content-Type: application/json");
        }
        if (!AcceptsAnswer(request)) {
            return RpcErrorResponse(406, nullptr, rpc_code::kInvalidRequest,
                                    "Not Acceptable: Accept must allow application/json or "
                                    "text/event-stream");
        }
        const std::string_view body = request.body;
        const auto first = body.find_first_not_of(" \t\r\n");
        if (first != std::string_view::npos && body[first] == '[') {
            return PostBatch(request, body, principal);
        }
        ParsedText parsed = ParseText(body);
        if (parsed.failure) {
            return RpcErrorResponse(400, nullptr, parsed.failure->code, parsed.failure->message);
        }
        const ParsedMessage& message = parsed.messages.front();
        if (std::holds_alternative<RpcIgnored>(message)) {
            return Accepted();  // a client's response: this server sends no requests to answer
        }
        if (const auto* failure = std::get_if<RpcFailure>(&message)) {
            return http::MakeResponse(400, ErrorResponse(failure->id, failure->error),
                                      "application/json");
        }
        const auto& rpc = std::get<RpcRequest>(message);
        if (rpc.method != "initialize" && IsStatelessRequest(rpc.params)) {
            return PostStateless(request, rpc, principal);
        }
        return PostSession(request, rpc, principal);
    }();
    response.principal = principal.username;
    return response;
}

http::Response HttpTransport::PostStateless(const http::Request& request, const RpcRequest& rpc,
                                            Principal principal) const {
    if (auto mismatch = CheckStatelessHeaders(request, rpc)) {
        return RpcErrorResponse(400, rpc.id, rpc_code::kHeaderMismatch, *std::move(mismatch));
    }
    Connection connection;
    connection.principal = std::move(principal);
    connection.name = "http";
    auto tools_mode = ToolsModeOf(request);
    if (!tools_mode) {
        return RpcErrorResponse(400, rpc.id, rpc_code::kInvalidRequest, tools_mode.error().message);
    }
    connection.tools_mode = *tools_mode;
    if (rpc.method == "subscriptions/listen" && !rpc.is_notification) {
        return Listen(request, rpc, connection);
    }
    int code = 0;
    auto answer = server()->HandleRequest(connection, rpc, &code);
    if (!answer) {
        return Accepted();
    }
    const int status = StatusOfStateless(code);
    if (status != 200) {
        return http::MakeResponse(status, *std::move(answer), "application/json");
    }
    return Answer(request, *std::move(answer));
}

http::Response HttpTransport::Listen(const http::Request& request, const RpcRequest& rpc,
                                     Connection& connection) const {
    auto plan = server()->PlanListen(connection, rpc);
    if (auto* error = std::get_if<RpcError>(&plan)) {
        const int status = StatusOfStateless(error->code);
        return RpcErrorResponse(status == 200 ? 400 : status, rpc.id, error->code,
                                std::move(error->message));
    }
    if (!AcceptsEventStream(request)) {
        return RpcErrorResponse(406, rpc.id, rpc_code::kInvalidRequest,
                                "Not Acceptable: subscriptions/listen answers with an event "
                                "stream; send Accept: text/event-stream");
    }
    http::Response response;
    response.event_stream = [hub = server()->subscriptions(), filter = std::get<ListenFilter>(plan),
                             id = rpc.id](std::shared_ptr<http::EventStream> stream) mutable {
        auto outbox = std::make_shared<StreamOutbox>(stream);
        outbox->Deliver(McpServer::ListenAcknowledgement(filter, id));
        if (!hub->AddListener(outbox, std::move(filter), id)) {
            stream->Close();  // over the bound: the client sees its stream end and may retry
        }
    };
    return response;
}

http::Response HttpTransport::PostSession(const http::Request& request, const RpcRequest& rpc,
                                          Principal principal) {
    const auto now = HttpSessionTable::Clock::now();
    const auto session_id = request.Header(kSessionHeader);
    const auto header_version = request.Header(kVersionHeader);
    if (header_version && std::find(kSessionVersions.begin(), kSessionVersions.end(),
                                    *header_version) == kSessionVersions.end()) {
        std::string supported;
        for (auto version : kSessionVersions) {
            supported += (supported.empty() ? "" : ", ") + std::string(version);
        }
        const bool stateless_version =
            std::find(kStatelessVersions.begin(), kStatelessVersions.end(), *header_version) !=
            kStatelessVersions.end();
        return RpcErrorResponse(
            400, rpc.id, stateless_version ? rpc_code::kHeaderMismatch : rpc_code::kInvalidRequest,
            stateless_version
                ? "Header mismatch: MCP-Protocol-Version is " + Clip(*header_version) +
                      " but params._meta[\"" + std::string(kProtocolVersionKey) + "\"] is missing"
                : "Bad Request: unsupported MCP-Protocol-Version '" + Clip(*header_version) +
                      "' (supported: " + supported + ")");
    }
    if (rpc.method == "initialize") {
        if (session_id) {
            return RpcErrorResponse(400, rpc.id, rpc_code::kInvalidRequest,
                                    "Bad Request: initialize starts a new session; send it "
                                    "without an Mcp-Session-Id header");
        }
        Connection connection;
        connection.principal = principal;
        connection.name = "http";
        auto tools_mode = ToolsModeOf(request);
        if (!tools_mode) {
            return RpcErrorResponse(400, rpc.id, rpc_code::kInvalidRequest,
                                    tools_mode.error().message);
        }
        connection.tools_mode = *tools_mode;
        int code = 0;
        auto answer = server()->HandleRequest(connection, rpc, &code);
        if (!answer) {
            return Accepted();  // an initialize sent as a notification: nothing to answer
        }
        if (code != 0) {
            return http::MakeResponse(200, *std::move(answer), "application/json");
        }
        std::string id;
        auto session = sessions_.Create(OwnerKey(principal), &id, now);
        if (!session) {
            auto response = RpcErrorResponse(
                503, rpc.id, rpc_code::kInternalError,
                "Service unavailable: too many open MCP sessions; end unused ones (DELETE /mcp) "
                "or retry later");
            response.headers.Set("Retry-After", "5");
            return response;
        }
        {
            std::lock_guard lock(session->mutex);
            session->connection = std::move(connection);
            session->connection.name = "http:" + id.substr(0, 8);
            session->connection.outbox = session->outbox;
            StoreShared(id, *session);
            if (options_.directory != nullptr && !session->shared.state.version) {
                // Not in the directory: the next request may land on an instance that cannot
                // find it, so the session is not handed out.
                session.reset();
            }
        }
        if (!session) {
            sessions_.Forget(id);
            auto response = RpcErrorResponse(503, rpc.id, rpc_code::kInternalError,
                                             "Service unavailable: the session could not be "
                                             "stored; retry shortly");
            response.headers.Set("Retry-After", "1");
            return response;
        }
        if (auto* hub = server()->subscriptions()) {
            hub->AddSession(session->outbox);
        }
        auto response = Answer(request, *std::move(answer));
        response.headers.Set(std::string(kSessionHeader), id);
        return response;
    }
    if (!session_id) {
        return RpcErrorResponse(400, rpc.id, rpc_code::kInvalidRequest,
                                "Bad Request: the Mcp-Session-Id header is required (send "
                                "initialize first to get one)");
    }
    std::optional<SharedSession> shared;
    bool unavailable = false;
    auto session = FindSession(*session_id, principal, now, &shared, &unavailable);
    if (!session) {
        return unavailable ? SessionsUnavailable(rpc.id) : SessionNotFound(rpc.id);
    }
    if (AcceptsEventStream(request) && !rpc.is_notification && !ProgressTokenOf(rpc).is_null()) {
        return StreamAnswer(session, std::string(*session_id), std::move(shared), rpc,
                            std::move(principal));
    }
    std::lock_guard lock(session->mutex);
    LoadShared(*session, std::move(shared));
    Connection& connection = session->connection;
    connection.principal = std::move(principal);  // the same user, its current role
    auto answer = server()->HandleRequest(connection, rpc);
    StoreShared(*session_id, *session);
    if (!answer) {
        return Accepted();
    }
    return Answer(request, *std::move(answer));
}

http::Response HttpTransport::StreamAnswer(std::shared_ptr<HttpSession> session, std::string id,
                                           std::optional<SharedSession> shared, RpcRequest rpc,
                                           Principal principal) {
    http::Response response;
    response.principal = principal.username;
    response.event_stream =
        [this, session = std::move(session), id = std::move(id), shared = std::move(shared),
         rpc = std::move(rpc),
         principal = std::move(principal)](std::shared_ptr<http::EventStream> stream) mutable {
            const auto token = ProgressTokenOf(rpc);
            std::lock_guard lock(session->mutex);
            LoadShared(*session, std::move(shared));
            Connection& connection = session->connection;
            connection.principal = std::move(principal);
            stream->Send(http::SseEvent("message", ProgressNotification(token, 0, rpc.method)));
            auto answer = server()->HandleRequest(connection, rpc);
            StoreShared(id, *session);
            stream->Send(http::SseEvent("message", ProgressNotification(token, 1, "done")));
            if (answer) {
                stream->Send(http::SseEvent("message", *answer));
            }
            stream->Close();
        };
    return response;
}

http::Response HttpTransport::PostBatch(const http::Request& request, std::string_view body,
                                        Principal principal) {
    const auto session_id = request.Header(kSessionHeader);
    std::shared_ptr<HttpSession> session;
    std::optional<SharedSession> shared;
    if (session_id) {
        bool unavailable = false;
        session = FindSession(*session_id, principal, HttpSessionTable::Clock::now(), &shared,
                              &unavailable);
        if (!session) {
            return unavailable ? SessionsUnavailable(nullptr) : SessionNotFound(nullptr);
        }
    }
    if (!session) {
        return RpcErrorResponse(400, nullptr, rpc_code::kInvalidRequest,
                                "Invalid Request: JSON-RPC batches are not supported; send one "
                                "message at a time (only protocol version 2025-03-26 has batches)");
    }
    std::lock_guard lock(session->mutex);
    LoadShared(*session, std::move(shared));
    session->connection.principal = std::move(principal);
    auto answers = server()->Handle(session->connection, body);
    StoreShared(*session_id, *session);
    if (answers.empty()) {
        return Accepted();
    }
    return Answer(request, std::move(answers.front()));
}

http::Response HttpTransport::Get(const http::Request& request) {
    Principal principal;
    if (auto refused = Admit(request, &principal)) {
        return *std::move(refused);
    }
    auto response = [&]() -> http::Response {
        if (!AcceptsEventStream(request)) {
            return RpcErrorResponse(406, nullptr, rpc_code::kInvalidRequest,
                                    "Not Acceptable: GET /mcp opens an event stream; send Accept: "
                                    "text/event-stream");
        }
        const auto session_id = request.Header(kSessionHeader);
        if (!session_id) {
            return RpcErrorResponse(400, nullptr, rpc_code::kInvalidRequest,
                                    "Bad Request: the Mcp-Session-Id header names the session "
                                    "whose stream to open (send initialize first to get one)");
        }
        std::optional<SharedSession> shared;
        bool unavailable = false;
        auto session = FindSession(*session_id, principal, HttpSessionTable::Clock::now(), &shared,
                                   &unavailable);
        if (!session) {
            return unavailable ? SessionsUnavailable(nullptr) : SessionNotFound(nullptr);
        }
        {
            std::lock_guard lock(session->mutex);
            LoadShared(*session, std::move(shared));  // the subscriptions this stream serves
        }
        std::optional<std::uint64_t> last_event_id;
        if (const auto header = request.Header("Last-Event-ID")) {
            last_event_id = SessionOutbox::ParseEventId(*header);
        }
        // Checked and claimed at once: the stream itself opens after this answer is sent.
        if (!last_event_id && !session->outbox->ClaimStream()) {
            return RpcErrorResponse(409, nullptr, rpc_code::kInvalidRequest,
                                    "Conflict: this session's stream is already open (one GET "
                                    "stream per session; resume with Last-Event-ID)");
        }
        http::Response stream;
        stream.event_stream = [outbox = session->outbox,
                               last_event_id](std::shared_ptr<http::EventStream> opened) {
            outbox->Attach(std::move(opened), last_event_id);
        };
        return stream;
    }();
    response.principal = principal.username;
    return response;
}

http::Response HttpTransport::Delete(const http::Request& request) {
    Principal principal;
    if (auto refused = Admit(request, &principal)) {
        return *std::move(refused);
    }
    const auto session_id = request.Header(kSessionHeader);
    http::Response response;
    if (!session_id) {
        response = RpcErrorResponse(400, nullptr, rpc_code::kInvalidRequest,
                                    "Bad Request: the Mcp-Session-Id header names the session to "
                                    "end");
    } else if (options_.directory != nullptr) {
        std::optional<SharedSession> shared;
        bool unavailable = false;
        auto session = FindSession(*session_id, principal, HttpSessionTable::Clock::now(), &shared,
                                   &unavailable);
        if (!session) {
            response = unavailable ? SessionsUnavailable(nullptr)
                                   : RpcErrorResponse(404, nullptr, rpc_code::kInvalidRequest,
                                                      "Session not found: it ended or expired");
        } else if (auto removed = options_.directory->Remove(*session_id); !removed) {
            response = SessionsUnavailable(nullptr);
        } else {
            sessions_.Forget(*session_id);
            response.status = 204;
        }
    } else if (!sessions_.Remove(*session_id, OwnerKey(principal))) {
        response = RpcErrorResponse(404, nullptr, rpc_code::kInvalidRequest,
                                    "Session not found: it ended or expired");
    } else {
        response.status = 204;
    }
    response.principal = principal.username;
    return response;
}

}  // namespace ea::mcp
