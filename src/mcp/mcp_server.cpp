#include "mcp/mcp_server.hpp"

#include <exception>
#include <utility>

#include "common/json_text.hpp"
#include "mcp/client_log.hpp"
#include "mcp/era_stateless.hpp"
#include "mcp/error_result.hpp"
#include "service/request_context.hpp"

namespace ea::mcp {
namespace {

using boost::json::object;
using boost::json::value;

using Answer = std::variant<object, RpcError>;

std::int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool IsNotification(std::string_view method) {
    return method.starts_with("notifications/");
}

}  // namespace

McpServer::McpServer(const ToolRegistry& tools, ServerIdentity identity, LogSink log,
                     McpFeatures features)
    : tools_(tools), identity_(std::move(identity)), log_(std::move(log)), features_(features) {}

void McpServer::Log(std::string_view level, std::string_view message, object fields) const {
    if (!log_) {
        return;
    }
    object line{{"ts", NowMs()}, {"level", level}, {"msg", message}};
    for (auto& [key, v] : fields) {
        line[key] = std::move(v);
    }
    log_(ToJsonText(line));
}

std::vector<std::string> McpServer::Handle(Connection& connection, std::string_view text) const {
    std::vector<std::string> out;
    ParsedText parsed = ParseText(text);
    if (parsed.failure) {
        out.push_back(ErrorResponse(nullptr, *parsed.failure));
        return out;
    }
    if (parsed.is_batch &&
        !(connection.session.version && AllowsBatches(*connection.session.version))) {
        out.push_back(ErrorResponse(
            nullptr, RpcError{rpc_code::kInvalidRequest,
                              "Invalid Request: JSON-RPC batches are not supported; send one "
                              "message at a time (only protocol version 2025-03-26 has batches)",
                              {}}));
        return out;
    }
    std::vector<std::string> answers;
    for (const auto& message : parsed.messages) {
        if (const auto* failure = std::get_if<RpcFailure>(&message)) {
            answers.push_back(ErrorResponse(failure->id, failure->error));
        } else if (const auto* request = std::get_if<RpcRequest>(&message)) {
            auto response = Dispatch(connection, *request);
            // Log messages about the request go out before its answer (on stdio: in order).
            for (auto& note : connection.pending) {
                out.push_back(std::move(note));
            }
            connection.pending.clear();
            if (response) {
                answers.push_back(*std::move(response));
            }
        }
    }
    if (parsed.is_batch && !answers.empty()) {
        out.push_back(BatchResponse(answers));
    } else if (!parsed.is_batch) {
        for (auto& answer : answers) {
            out.push_back(std::move(answer));
        }
    }
    return out;
}

std::optional<std::string> McpServer::Dispatch(Connection& connection, const RpcRequest& request,
                                               int* error_code) const {
    Answer answer;
    // The one last-resort catch of the MCP face: a bug in one request answers -32603 and the
    // connection keeps serving.
    try {
        if (request.method != "initialize" && IsStatelessRequest(request.params)) {
            answer = Stateless(connection, request);
        } else {
            answer = Session(connection, request);
        }
    } catch (const std::exception& e) {
        Log("error", "unexpected exception",
            object{{"method", request.method}, {"what", e.what()}});
        answer = RpcError{rpc_code::kInternalError, "Internal error", {}};
    } catch (...) {
        Log("error", "unexpected exception", object{{"method", request.method}});
        answer = RpcError{rpc_code::kInternalError, "Internal error", {}};
    }
    if (request.is_notification) {
        return std::nullopt;  // never answered, even when it failed
    }
    if (auto* error = std::get_if<RpcError>(&answer)) {
        if (error_code != nullptr) {
            *error_code = error->code;
        }
        return ErrorResponse(request.id, *error);
    }
    if (error_code != nullptr) {
        *error_code = 0;
    }
    return ResultResponse(request.id, std::get<object>(std::move(answer)));
}

Answer McpServer::Stateless(Connection& connection, const RpcRequest& request) const {
    auto version = CheckRequestMeta(request.params);
    if (auto* error = std::get_if<RpcError>(&version)) {
        return *error;
    }
    Answer answer;
    if (request.method == "server/discover") {
        auto discovered = DiscoverResult(identity_);
        AddCapabilities(discovered, *std::get_if<std::string_view>(&version));
        answer = std::move(discovered);
    } else if (auto feature = Feature(connection, request, true)) {
        answer = *std::move(feature);
    } else if (request.method == "tools/list") {
        answer = ListTools(connection, request);
        if (auto* result = std::get_if<object>(&answer)) {
            AddCacheHints(*result, kToolsTtlMs, true);
        }
    } else if (request.method == "tools/call") {
        answer = CallTool(connection, request, true);
    } else if (IsNotification(request.method)) {
        return object{};
    } else {
        return MethodNotFound(request.method);
    }
    if (auto* result = std::get_if<object>(&answer)) {
        return Complete(std::move(*result), identity_);
    }
    return answer;
}

Answer McpServer::Session(Connection& connection, const RpcRequest& request) const {
    const std::string& method = request.method;
    if (method == "initialize") {
        auto answer = Initialize(connection.session, request.params, identity_);
        if (auto* result = std::get_if<object>(&answer)) {
            AddCapabilities(*result, *connection.session.version);
        }
        return answer;
    }
    if (method == "notifications/initialized") {
        connection.session.client_initialized = true;
        return object{};
    }
    if (IsNotification(method)) {
        return object{};  // cancelled, progress, roots/list_changed: nothing to do yet
    }
    if (method == "ping") {
        return object{};
    }
    if (method == "server/discover") {
        return InvalidParams("Invalid params: server/discover needs _meta[\"" +
                             std::string(kProtocolVersionKey) + "\"] and _meta[\"" +
                             std::string(kClientCapabilitiesKey) + "\"]");
    }
    if (!connection.session.version) {
        return RpcError{rpc_code::kInvalidRequest,
                        "Invalid Request: not initialized: send initialize first, or give "
                        "params._meta[\"" +
                            std::string(kProtocolVersionKey) + "\"] = \"2026-07-28\"",
                        {}};
    }
    if (method == "logging/setLevel") {
        const auto* level = request.params.if_contains("level");
        const auto parsed = level != nullptr && level->is_string()
                                ? ParseLogLevel(level->as_string())
                                : std::nullopt;
        if (!parsed) {
            return InvalidParams(
                "Invalid params: logging/setLevel needs params.level, one of debug, info, "
                "notice, warning, error, critical, alert, emergency");
        }
        connection.session.log_level = *parsed;
        return object{};
    }
    if (method == "tools/list") {
        return ListTools(connection, request);
    }
    if (method == "tools/call") {
        return CallTool(connection, request, HasStructuredContent(*connection.session.version));
    }
    if (auto feature = Feature(connection, request, false)) {
        return *std::move(feature);
    }
    return MethodNotFound(method);
}

Answer McpServer::ListTools(const Connection& connection, const RpcRequest& request) const {
    // Only what this principal may call (the list differs per principal: cacheScope private).
    return Paginate("tools", "tools",
                    tools_.ListingFor(connection.principal, connection.tools_mode), request.params,
                    features_.page_size);
}

Answer McpServer::CallTool(Connection& connection, const RpcRequest& request,
                           bool structured) const {
    const auto* name = request.params.if_contains("name");
    if (name == nullptr || !name->is_string()) {
        return InvalidParams("Invalid params: tools/call needs params.name (a string)");
    }
    if (connection.principal_error) {
        auto refused = ToolErrorResult(*connection.principal_error);
        if (!structured) {
            refused.erase("structuredContent");
        }
        return refused;
    }
    static const object kNoArguments;
    const object* arguments = &kNoArguments;
    if (const auto* given = request.params.if_contains("arguments"); given && !given->is_null()) {
        if (!given->is_object()) {
            return InvalidParams("Invalid params: params.arguments must be an object");
        }
        arguments = &given->as_object();
    }
    const auto started = std::chrono::steady_clock::now();
    service::RequestContext ctx = Context(connection);
    CallOutcome outcome = tools_.Call(ctx, name->as_string(), *arguments, connection.tools_mode);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    std::string result_kind = "ok";
    if (const auto* error = std::get_if<RpcError>(&outcome)) {
        result_kind = "rpc_error " + std::to_string(error->code);
    } else if (const auto* is_error = std::get<object>(outcome).if_contains("isError");
               is_error && is_error->is_bool() && is_error->as_bool()) {
        result_kind = "tool_error";
    }
    const char* level = result_kind == "ok"           ? "info"
                        : result_kind == "tool_error" ? "warning"
                                                      : "error";
    object fields{{"request_id", ctx.request_id},
                  {"tool", std::string(name->as_string().subview().substr(0, 100))},
                  {"outcome", result_kind},
                  {"duration_ms", ms},
                  {"principal", connection.principal.username}};
    // To a session-era client that asked for log messages: what the server's log says of the
    // call (never its arguments or result), at info, warning (a tool error) or error.
    if (connection.session.log_level && *ParseLogLevel(level) >= *connection.session.log_level) {
        object data = fields;
        data.erase("principal");
        auto note = LogNotification(level, std::move(data));
        // Over HTTP a session's stream carries it (sent now, or replayed when the client opens
        // its GET stream); stdio writes it just before the answer.
        if (connection.outbox) {
            connection.outbox->Deliver(note);
        } else {
            connection.pending.push_back(std::move(note));
        }
    }
    Log(result_kind.starts_with("rpc_error") ? "error" : "info", "tool call", std::move(fields));
    if (auto* result = std::get_if<object>(&outcome)) {
        if (!structured) {
            result->erase("structuredContent");
        }
        return std::move(*result);
    }
    return std::get<RpcError>(std::move(outcome));
}

}  // namespace ea::mcp
