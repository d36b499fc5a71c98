#include "app/mcp_http.hpp"

#include <chrono>
#include <iostream>
#include <utility>

#include "query/query.hpp"

namespace ea::app {
namespace {

// Tool-call log lines go to stdout beside the request log, one JSON object per line.
void LogLine(const std::string& line) {
    std::cout << line << "\n" << std::flush;
}

}  // namespace

McpHttp::McpHttp(const schema::Schema& schema, service::DocumentService& documents,
                 service::AuthService& auth, mcp::HttpTransportOptions options,
                 service::ChangeFeed& changes, mcp::ToolSchemaOptions tool_options)
    : auth_(auth), tool_options_(tool_options), subscriptions_(changes) {
    auto first = std::make_shared<Generation>();
    first->stack = BuildMcpStack(schema, documents, auth, LogLine, &subscriptions_, tool_options_);
    first_stack_ = first->stack.get();
    servers_ = std::make_unique<mcp::McpServerSlot>(Serve(std::move(first)));
    transport_ = std::make_unique<mcp::HttpTransport>(
        *servers_,
        [this](std::optional<std::string_view> token) {
            return auth_.Authenticate(token, std::chrono::system_clock::now());
        },
        options);
    legacy_ = std::make_unique<mcp::LegacySseTransport>(
        *servers_, *transport_, options.max_sessions, options.session_idle_timeout);
}

std::shared_ptr<const mcp::McpServer> McpHttp::Serve(std::shared_ptr<Generation> generation) {
    const mcp::McpServer* server = generation->stack->server.get();
    // Shares ownership of the whole generation: the server lives while any request holds it.
    return std::shared_ptr<const mcp::McpServer>(std::move(generation), server);
}

void McpHttp::SetAuditLog(service::AuditLog* log) {
    audit_log_ = log;
    first_stack_->resources->SetAuditLog(log);
}

std::size_t McpHttp::Install(std::unique_ptr<Core> core) {
    auto next = std::make_shared<Generation>();
    next->core = std::move(core);
    next->stack = BuildMcpStack(*next->core->schema, *next->core->documents, auth_, LogLine,
                                &subscriptions_, tool_options_);
    next->stack->resources->SetAuditLog(audit_log_);
    const std::size_t tools = next->stack->tools->ListingFor(Principal::System()).size();
    servers_->Replace(Serve(std::move(next)));
    subscriptions_.AnnounceToolsChanged();
    return tools;
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
