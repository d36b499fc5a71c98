#include "mcp/legacy_sse_transport.hpp"

#include <utility>

#include "http/target.hpp"
#include "mcp/compact_tools.hpp"
#include "mcp/jsonrpc.hpp"

namespace ea::mcp {
namespace {

http::Response Refusal(int status, std::string message) {
    return http::MakeResponse(
        status, ErrorResponse(nullptr, RpcError{rpc_code::kInvalidRequest, std::move(message), {}}),
        "application/json");
}

std::string SessionIdOf(const http::Request& request) {
    auto params = http::ParseQueryString(request.query);
    if (!params) {
        return {};
    }
    for (const auto& [name, value] : *params) {
        if (name == "sessionId") {
            return value;
        }
    }
    return {};
}

}  // namespace

LegacySseTransport::LegacySseTransport(const McpServerSlot& servers, const HttpTransport& admission,
                                       std::size_t max_sessions, std::chrono::seconds idle_timeout,
                                       std::string messages_path)
    : servers_(servers),
      admission_(admission),
      sessions_(max_sessions, idle_timeout),
      messages_path_(std::move(messages_path)) {}

http::Response LegacySseTransport::Get(const http::Request& request) {
    Principal principal;
    if (auto refused = admission_.Admit(request, &principal)) {
        return *std::move(refused);
    }
    // GET /sse?tools=compact: the session's tool set, as on /mcp.
    auto tools_mode = detail::ToolsModeOfQuery(request.query);
    if (!tools_mode) {
        auto response = Refusal(400, tools_mode.error().message);
        response.principal = principal.username;
        return response;
    }
    std::string id;
    auto session = sessions_.Create(OwnerKey(principal), &id, HttpSessionTable::Clock::now());
    if (!session) {
        auto response =
            Refusal(503, "Service unavailable: too many open MCP sessions; retry later");
        response.headers.Set("Retry-After", "5");
        response.principal = principal.username;
        return response;
    }
    {
        std::lock_guard lock(session->mutex);
        session->connection.principal = principal;
        session->connection.name = "sse:" + id.substr(0, 8);
        session->connection.outbox = session->outbox;
        session->connection.tools_mode = *tools_mode;
    }
    if (auto* hub = server()->subscriptions()) {
        hub->AddSession(session->outbox);
    }
    http::Response response;
    response.principal = principal.username;
    // The id is base64url: safe in a query string as it is.
    response.event_stream = [outbox = session->outbox,
                             endpoint = messages_path_ + "?sessionId=" + id](
                                std::shared_ptr<http::EventStream> stream) {
        // Attached first, so a response to a POST made right after `endpoint` has its stream.
        outbox->Attach(stream, std::nullopt);
        stream->Send(http::SseEvent("endpoint", endpoint));
    };
    return response;
}

http::Response LegacySseTransport::Post(const http::Request& request) {
    Principal principal;
    if (auto refused = admission_.Admit(request, &principal)) {
        return *std::move(refused);
    }
    auto response = [&]() -> http::Response {
        const std::string id = SessionIdOf(request);
        if (id.empty()) {
            return Refusal(400,
                           "Bad Request: the sessionId query parameter names the session "
                           "(from the endpoint event of GET /sse)");
        }
        auto session = sessions_.Find(id, OwnerKey(principal), HttpSessionTable::Clock::now());
        if (!session || !session->outbox->HasLiveStream()) {
            return Refusal(404,
                           "Session not found: its event stream ended or it expired; open a "
                           "new one with GET /sse");
        }
        const auto type = request.Header("Content-Type");
        if (!type || !http::EqualsIgnoreCase(type->substr(0, 16), "application/json")) {
            return Refusal(415,
                           "Unsupported Media Type: POST a JSON-RPC message with "
                           "Content-Type: application/json");
        }
        std::vector<std::string> answers;
        {
            std::lock_guard lock(session->mutex);
            session->connection.principal = std::move(principal);
            answers = server()->Handle(session->connection, request.body);
        }
        for (const auto& answer : answers) {
            session->outbox->Deliver(answer);
        }
        return http::MakeResponse(202, "Accepted", "text/plain; charset=utf-8");
    }();
    response.principal = principal.username;
    return response;
}

}  // namespace ea::mcp
