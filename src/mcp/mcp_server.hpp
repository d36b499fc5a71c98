// McpServer: the MCP adapter's front. Transport-agnostic: one message text in (a stdio line, an
// HTTP POST body), zero or more serialized messages out. It picks the era of each request:
//   - params._meta names a protocol version: the stateless 2026-07-28 era (era_stateless.hpp),
//     whatever came before on the connection;
//   - otherwise the session era (era_session.hpp): initialize first, then tools; ping any time.
// Methods: initialize, notifications/initialized, ping (session era), server/discover (stateless
// era), tools/list, tools/call, and with McpFeatures resources/list, resources/templates/list,
// resources/read, prompts/list, prompts/get, completion/complete (both). Every list method pages
// with opaque cursors (pagination.hpp). Other notifications are accepted and ignored.
// Batches (a JSON array) are answered only on a connection that negotiated 2025-03-26, the one
// revision that has them; anywhere else they are refused with -32600.
// Thread-safe: the server is immutable; each Connection is used by one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/principal.hpp"
#include "mcp/completions.hpp"
#include "mcp/era_session.hpp"
#include "mcp/jsonrpc.hpp"
#include "mcp/outbox.hpp"
#include "mcp/pagination.hpp"
#include "mcp/prompts.hpp"
#include "mcp/resources.hpp"
#include "mcp/subscriptions.hpp"
#include "mcp/tool_registry.hpp"
#include "service/request_context.hpp"

namespace ea::mcp {

// One client connection: who it acts as and what the session era remembers.
struct Connection {
    Principal principal;
    // Set when the principal can no longer act (its session ended): every tools/call answers it as
    // an isError result until the transport clears it.
    std::optional<Error> principal_error;
    SessionState session;
    std::string name = "stdio";  // in request ids and logs
    std::uint64_t calls = 0;     // numbers the request ids
    // Where server-initiated messages for this client go (resource updates, list changes);
    // null when the transport has no such channel (a stateless POST).
    std::shared_ptr<Outbox> outbox;
    // Notifications made while answering a request (log messages) when there is no outbox
    // (stdio): Handle puts them in its output just before the request's answer.
    std::vector<std::string> pending;
    // The tool set this connection chose (?tools=compact on /mcp); unset: the server's default.
    std::optional<ToolsMode> tools_mode;
};

// Receives one finished JSON log line (no newline). Transports route it: stdio to stderr.
using LogSink = std::function<void(const std::string& line)>;

// What the server offers beside tools; a null member is not offered (no capability is announced
// and its methods answer -32601). Each must outlive the server.
struct McpFeatures {
    const ResourceCatalog* resources = nullptr;
    const PromptCatalog* prompts = nullptr;
    const Completer* completions = nullptr;
    std::size_t page_size = kListPageSize;  // items per list page (tests make it small)
    // Resource subscriptions (resources/subscribe in the session era, subscriptions/listen in
    // 2026-07-28) and tool-list change announcements; needs `resources`.
    SubscriptionHub* subscriptions = nullptr;
};

class McpServer {
public:
    // `tools` must outlive the server.
    McpServer(const ToolRegistry& tools, ServerIdentity identity, LogSink log = {},
              McpFeatures features = {});

    // Handles one message text; the answers to send, in order (empty for notifications).
    std::vector<std::string> Handle(Connection& connection, std::string_view text) const;

    // One request the transport already parsed (HTTP reads it first to check its headers against
    // the body). The serialized response, or nullopt for a notification; `error_code` (when given)
    // receives the JSON-RPC error code of an error response, 0 for a result, so HTTP can pick the
    // status the transport rules tie to it.
    std::optional<std::string> HandleRequest(Connection& connection, const RpcRequest& request,
                                             int* error_code = nullptr) const {
        return Dispatch(connection, request, error_code);
    }

    const ServerIdentity& identity() const { return identity_; }
    SubscriptionHub* subscriptions() const { return features_.subscriptions; }

    // subscriptions/listen (2026-07-28; the transport owns the stream): the filter to honour, or
    // the error to answer. Every URI in resourceSubscriptions must be one this principal may read
    // (else the request is refused with the read's error); notifications the server never sends
    // (prompt and resource list changes) are not honoured.
    std::variant<ListenFilter, RpcError> PlanListen(Connection& connection,
                                                    const RpcRequest& request) const;
    // The notifications/subscriptions/acknowledged message for an honoured `filter`.
    static std::string ListenAcknowledgement(const ListenFilter& filter,
                                             const boost::json::value& subscription_id);

private:
    // The serialized response to one request, or nullopt for a notification.
    std::optional<std::string> Dispatch(Connection& connection, const RpcRequest& request,
                                        int* error_code = nullptr) const;
    std::variant<boost::json::object, RpcError> Stateless(Connection& connection,
                                                          const RpcRequest& request) const;
    std::variant<boost::json::object, RpcError> Session(Connection& connection,
                                                        const RpcRequest& request) const;
    std::variant<boost::json::object, RpcError> ListTools(const Connection& connection,
                                                          const RpcRequest& request) const;
    std::variant<boost::json::object, RpcError> CallTool(Connection& connection,
                                                         const RpcRequest& request,
                                                         bool structured) const;
    // resources/*, prompts/*, completion/complete; nullopt for any other method.
    std::optional<std::variant<boost::json::object, RpcError>> Feature(Connection& connection,
                                                                       const RpcRequest& request,
                                                                       bool stateless) const;
    // resources/subscribe and resources/unsubscribe (session era).
    std::variant<boost::json::object, RpcError> Subscription(Connection& connection,
                                                             const RpcRequest& request) const;
    // The error resources/read would answer for `uri` as this principal, or nullopt.
    std::optional<RpcError> CheckReadable(Connection& connection, std::string_view uri,
                                          bool stateless) const;
    // Adds the resources, prompts and completions capabilities offered to `capabilities`.
    void AddCapabilities(boost::json::object& result, std::string_view version) const;
    service::RequestContext Context(Connection& connection) const;
    void Log(std::string_view level, std::string_view message, boost::json::object fields) const;

    const ToolRegistry& tools_;
    ServerIdentity identity_;
    LogSink log_;
    McpFeatures features_;
};

}  // namespace ea::mcp
