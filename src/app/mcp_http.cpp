#include "app/mcp_http.hpp"

#include <chrono>
#include <iostream>
#include <utility>

#include "query/query.hpp"

namespace ea::app {

McpHttp::McpHttp(const schema::Schema& schema, service::DocumentService& documents,
                 service::AuthService& auth, mcp::HttpTransportOptions options,
                 service::ChangeFeed& changes)
    : auth_(auth) {
    // Tool-call log lines go to stdout beside the request log, one JSON object per line.
    mcp_ = BuildMcpStack(
        schema, documents, auth,
        [](const std::string& line) { std::cout << line << "\n"
                                                << std::flush; }, &changes);
    transport_ = std::make_unique<mcp::HttpTransport>(
        *mcp_->server,
        [this](std::optional<std::string_view> token) {
            return auth_.Authenticate(token, std::chrono::system_clock::now());
        },
        options);
    legacy_ = std::make_unique<mcp::LegacySseTransport>(
        *mcp_->server, *transport_, options.max_sessions, options.session_idle_timeout);
}

Status McpHttp::Register(http::Router& router) {
    auto* transport = transport_.get();
    auto* legacy = legacy_.get();
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
        router.Add(http::Method::kGet, "/sse",
                   [legacy](const http::Request& request, const http::RouteMatch&) {
                       return legacy->Get(request);
                   }),
        router.Add(http::Method::kPost, "/messages",
                   [legacy](const http::Request& request, const http::RouteMatch&) {
                       return legacy->Post(request);
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
