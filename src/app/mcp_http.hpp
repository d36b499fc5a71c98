// The MCP face on `events-api serve`: the tools, the McpServer and the Streamable HTTP transport
// at /mcp, authenticated through the same AuthService as REST (a REST login token is an MCP
// bearer token and the other way round).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/mcp_stack.hpp"
#include "common/result.hpp"
#include "http/router.hpp"
#include "mcp/http_transport.hpp"
#include "schema/schema.hpp"
#include "service/auth_service.hpp"
#include "service/document_service.hpp"

namespace ea::app {

class McpHttp {
public:
    // Every reference must outlive this. `options.allowed_origins`: cors.allowed_origins.
    McpHttp(const schema::Schema& schema, service::DocumentService& documents,
            service::AuthService& auth, mcp::HttpTransportOptions options);

    // Serves the resource events://audit from `log` (admins only). REQUIRES: before Register.
    void SetAuditLog(service::AuditLog* log) { mcp_->resources->SetAuditLog(log); }

    // POST, GET and DELETE on /mcp.
    [[nodiscard]] Status Register(http::Router& router);

private:
    service::AuthService& auth_;
    std::unique_ptr<McpStack> mcp_;
    std::unique_ptr<mcp::HttpTransport> transport_;
};

}  // namespace ea::app
