// McpServer's resources, prompts and completions methods (kept beside mcp_server.cpp so the
// dispatch there stays a few lines). What each era says:
//   - capabilities: resources {subscribe: false, listChanged: false}, prompts {listChanged:
//     false}, completions {} (announced from 2025-03-26, the revision that added the capability;
//     2024-11-05 clients may still call completion/complete);
//   - 2026-07-28: resources/list, resources/templates/list, prompts/list and resources/read are
//     CacheableResults (ttlMs, cacheScope); a missing resource is -32602 there, -32002 before.
#include <utility>

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
    if (features_.resources != nullptr) {
        offered["resources"] = object{{"subscribe", false}, {"listChanged", false}};
    }
    if (features_.prompts != nullptr) {
        offered["prompts"] = object{{"listChanged", false}};
    }
    if (features_.completions != nullptr && version >= std::string_view("2025-03-26")) {
        offered["completions"] = object{};
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
                                      resources.templates(), request.params, features_.page_size),
                             kListsTtlMs);
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

}  // namespace ea::mcp
