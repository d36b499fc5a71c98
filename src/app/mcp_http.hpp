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
#include "mcp/legacy_sse_transport.hpp"
#include "schema/schema.hpp"
#include "service/auth_service.hpp"
#include "service/document_service.hpp"

namespace ea::app {

class McpHttp {
public:
    // Every reference must outlive this. `options.allowed_origins`: cors.allowed_origins.
    // `changes`: the feed resource subscriptions listen on (DocumentService's writes).
    McpHttp(const schema::Schema& schema, service::DocumentService& documents,
            service::AuthService& auth, mcp::HttpTransportOptions options,
            service::ChangeFeed& changes);

    // POST, GET and DELETE on /mcp; GET /sse and POST /messages (legacy HTTP+SSE).
    [[nodiscard]] Status Register(http::Router& router);

private:
    service::AuthService& auth_;
    std::unique_ptr<McpStack> mcp_;
    std::unique_ptr<mcp::HttpTransport> transport_;
    std::unique_ptr<mcp::LegacySseTransport> legacy_;  // GET /sse + POST /messages (2024-11-05)
};

}  // namespace ea::app
