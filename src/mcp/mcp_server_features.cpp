// McpServer's resources, prompts and completions methods (kept beside mcp_server.cpp so the
// dispatch there stays a few lines). What each era says:
//   - capabilities: resources {subscribe: false, listChanged: false}, prompts {listChanged:
//     false}, completions {} (announced from 2025-03-26, the revision that added the capability;
//     2024-11-05 clients may still call completion/complete);
//   - 2026-07-28: resources/list, resources/templates/list, prompts/list and resources/read are
//     CacheableResults (ttlMs, cacheScope); a missing resource is -32602 there, -32002 before.
#include <utility>

#include <boost/json/serialize.hpp>

#include "mcp/era_stateless.hpp"
#include "mcp/mcp_server.hpp"

namespace ea::mcp {
namespace {

using boost::json::object;

// Lists change only with the schema; records change any time, so their reads are never fresh.
constexpr std::int64_t kListsTtlMs = 60'000;
constexpr std::int64_t kSchemaReadTtlMs = 60'000;

}  // namespace

service::RequestContext McpServer::Context(Connection& connection) const {
    return service::RequestContext{
        connection.principal, "mcp-" + connection.name + "-" + std::to_string(++connection.calls),
        service::Channel::kMcp, std::chrono::system_clock::now(),
        connection.name.starts_with("http") ? service::Transport::kHttp
                                            : service::Transport::kStdio};
}

void McpServer::AddCapabilities(object& result, std::string_view version) const {
    auto* capabilities = result.if_contains("capabilities");
    if (capabilities == nullptr || !capabilities->is_object()) {
        return;
    }
    auto& offered = capabilities->as_object();
    if (features_.subscriptions != nullptr) {
        // Announced on a schema reload: the session stream, or a listen stream that asked.
        offered["tools"] = object{{"listChanged", true}};
    }
    if (features_.resources != nullptr) {
        offered["resources"] =
            object{{"subscribe", features_.subscriptions != nullptr}, {"listChanged", false}};
    }
    if (features_.prompts != nullptr) {
        offered["prompts"] = object{{"listChanged", false}};
    }
    if (features_.completions != nullptr && version >= std::string_view("2025-03-26")) {
        offered["completions"] = object{};
    }
    if (version < std::string_view("2026-07-28")) {
        offered["logging"] = object{};  // logging/setLevel, then notifications/message
    }
}

std::optional<std::variant<object, RpcError>> McpServer::Feature(Connection& connection,
                                                                 const RpcRequest& request,
                                                                 bool stateless) const {
    const std::string& method = request.method;
    const auto cacheable = [stateless](std::variant<object, RpcError> answer, std::int64_t ttl_ms) {
        if (auto* result = std::get_if<object>(&answer); result && stateless) {
            AddCacheHints(*result, ttl_ms, true);
        }
        return answer;
    };
    if (features_.resources != nullptr) {
        const ResourceCatalog& resources = *features_.resources;
        if (method == "resources/list") {
            return cacheable(
                Paginate("resources", "resources", resources.ResourcesFor(connection.principal),
                         request.params, features_.page_size),
                kListsTtlMs);
        }
        if (method == "resources/templates/list") {
            return cacheable(Paginate("resources/templates", "resourceTemplates",
                                      resources.TemplatesFor(connection.principal), request.params,
                                      features_.page_size),
                             kListsTtlMs);
        }
        if (features_.subscriptions != nullptr && !stateless &&
            (method == "resources/subscribe" || method == "resources/unsubscribe")) {
            return Subscription(connection, request);
        }
        if (method == "resources/read") {
            const auto* uri = request.params.if_contains("uri");
            if (uri == nullptr || !uri->is_string()) {
                return InvalidParams("Invalid params: resources/read needs params.uri (a string)");
            }
            if (connection.principal_error) {
                return RpcError{kResourceReadRefusedCode, connection.principal_error->message, {}};
            }
            const std::string_view text = uri->as_string();
            const bool is_schema = text.starts_with("events://schema/");
            return cacheable(resources.Read(Context(connection), text, stateless),
                             is_schema ? kSchemaReadTtlMs : 0);
        }
    }
    if (features_.prompts != nullptr) {
        if (method == "prompts/list") {
            return cacheable(Paginate("prompts", "prompts", features_.prompts->listing(),
                                      request.params, features_.page_size),
                             kListsTtlMs);
        }
        if (method == "prompts/get") {
            return features_.prompts->Get(request.params, std::chrono::system_clock::now());
        }
    }
    if (features_.completions != nullptr && method == "completion/complete") {
        if (connection.principal_error) {
            return RpcError{kResourceReadRefusedCode, connection.principal_error->message, {}};
        }
        return features_.completions->Complete(Context(connection), request.params);
    }
    return std::nullopt;
}

std::variant<object, RpcError> McpServer::Subscription(Connection& connection,
                                                       const RpcRequest& request) const {
    const auto* uri = request.params.if_contains("uri");
    if (uri == nullptr || !uri->is_string()) {
        return InvalidParams("Invalid params: " + request.method + " needs params.uri (a string)");
    }
    if (!connection.outbox) {
        return RpcError{
            rpc_code::kInvalidRequest,
            "Invalid Request: resource subscriptions need a channel for notifications "
            "(a Streamable HTTP session with its GET stream, or the HTTP+SSE transport)",
            {}};
    }
    const std::string_view text = uri->as_string();
    if (request.method == "resources/unsubscribe") {
        features_.subscriptions->Unsubscribe(connection.outbox.get(), text);
        return object{};
    }
    if (auto refused = CheckReadable(connection, text, false)) {
        return *std::move(refused);
    }
    if (!features_.subscriptions->Subscribe(connection.outbox, std::string(text))) {
        return RpcError{rpc_code::kInvalidRequest,
                        "Invalid Request: too many subscriptions on this session (at most " +
                            std::to_string(SubscriptionHub::kMaxUrisPerSubscriber) +
                            "); unsubscribe from some first",
                        {}};
    }
    return object{};
}

std::optional<RpcError> McpServer::CheckReadable(Connection& connection, std::string_view uri,
                                                 bool stateless) const {
    if (connection.principal_error) {
        return RpcError{kResourceReadRefusedCode, connection.principal_error->message, {}};
    }
    // Reading it as this principal is the one check of both existence and permission, exactly
    // what resources/read would answer.
    auto read = features_.resources->Read(Context(connection), uri, stateless);
    if (auto* error = std::get_if<RpcError>(&read)) {
        return *std::move(error);
    }
    return std::nullopt;
}

std::variant<ListenFilter, RpcError> McpServer::PlanListen(Connection& connection,
                                                           const RpcRequest& request) const {
    auto version = CheckRequestMeta(request.params);
    if (auto* error = std::get_if<RpcError>(&version)) {
        return *error;
    }
    if (features_.subscriptions == nullptr || features_.resources == nullptr) {
        return MethodNotFound(request.method);
    }
    const auto* notifications = request.params.if_contains("notifications");
    if (notifications == nullptr || !notifications->is_object()) {
        return InvalidParams(
            "Invalid params: subscriptions/listen needs params.notifications (an object: "
            "toolsListChanged, resourceSubscriptions, ...)");
    }
    const auto& asked = notifications->as_object();
    ListenFilter filter;
    if (const auto* tools = asked.if_contains("toolsListChanged")) {
        if (!tools->is_bool()) {
            return InvalidParams(
                "Invalid params: notifications.toolsListChanged must be a boolean");
        }
        filter.tools_list_changed = tools->as_bool();
    }
    if (const auto* uris = asked.if_contains("resourceSubscriptions")) {
        if (!uris->is_array()) {
            return InvalidParams(
                "Invalid params: notifications.resourceSubscriptions must be an array of URIs");
        }
        if (uris->as_array().size() > SubscriptionHub::kMaxUrisPerSubscriber) {
            return InvalidParams("Invalid params: at most " +
                                 std::to_string(SubscriptionHub::kMaxUrisPerSubscriber) +
                                 " resourceSubscriptions per stream");
        }
        for (const auto& uri : uris->as_array()) {
            if (!uri.is_string()) {
                return InvalidParams(
                    "Invalid params: notifications.resourceSubscriptions must hold strings");
            }
            if (auto refused = CheckReadable(connection, uri.as_string(), true)) {
                return *std::move(refused);
            }
            filter.resource_uris.emplace(uri.as_string());
        }
    }
    return filter;
}

std::string McpServer::ListenAcknowledgement(const ListenFilter& filter,
                                             const boost::json::value& subscription_id) {
    object honoured;
    if (filter.tools_list_changed) {
        honoured["toolsListChanged"] = true;
    }
    if (!filter.resource_uris.empty()) {
        boost::json::array uris;
        for (const auto& uri : filter.resource_uris) {
            uris.emplace_back(uri);
        }
        honoured["resourceSubscriptions"] = std::move(uris);
    }
    object params{{"notifications", std::move(honoured)},
                  {"_meta", object{{"io.modelcontextprotocol/subscriptionId", subscription_id}}}};
    return boost::json::serialize(object{{"jsonrpc", "2.0"},
                                         {"method", "notifications/subscriptions/acknowledged"},
                                         {"params", std::move(params)}});
}

}  // namespace ea::mcp
