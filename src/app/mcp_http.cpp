#include "app/mcp_http.hpp"

#include <chrono>
#include <iostream>
#include <utility>

#include "query/query.hpp"

namespace ea::app {

mcp::ServerIdentity McpIdentity(const schema::Schema& schema) {
    mcp::ServerIdentity identity;
    identity.title = schema.project_name();
    identity.instructions =
        "Records of the " + schema.project_name() +
        " data service. Use list_* to find records (filters, sort, pages), get_* for one by id, "
        "and create_/update_/delete_* to change them. Errors say what to fix.";
    return identity;
}

McpHttp::McpHttp(const schema::Schema& schema, service::DocumentService& documents,
                 service::AuthService& auth, mcp::HttpTransportOptions options)
    : auth_(auth) {
    tools_ = std::make_unique<mcp::ToolRegistry>(schema, mcp::ToolServices{documents, auth},
                                                 mcp::ToolSchemaOptions{query::kMaxPageSize});
    // Tool-call log lines go to stdout beside the request log, one JSON object per line.
    server_ =
        std::make_unique<mcp::McpServer>(*tools_, McpIdentity(schema), [](const std::string& line) {
            std::cout << line << "\n" << std::flush;
        });
    transport_ = std::make_unique<mcp::HttpTransport>(
        *server_,
        [this](std::optional<std::string_view> token) {
            return auth_.Authenticate(token, std::chrono::system_clock::now());
        },
        std::move(options));
}

Status McpHttp::Register(http::Router& router) {
    auto* transport = transport_.get();
    Status added[] = {
        router.Add(http::Method::kPost, "/mcp",
                   [transport](const http::Request& request, const http::RouteMatch&) {
                       return transport->Post(request);
                   }),
        router.Add(http::Method::kGet, "/mcp",
                   [transport](const http::Request& request, const http::RouteMatch&) {
                       return transport->Get(request);
                   }),
        router.Add(http::Method::kDelete, "/mcp",
                   [transport](const http::Request& request, const http::RouteMatch&) {
                       return transport->Delete(request);
                   }),
    };
    for (const auto& status : added) {
        if (!status) {
            return status;
        }
    }
    return Ok();
}

}  // namespace ea::app
