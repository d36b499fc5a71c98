// The MCP face on `events-api serve`: the tools, the McpServer and the Streamable HTTP transport
// at /mcp (plus the legacy HTTP+SSE one at /sse), authenticated through the same AuthService as
// REST (a REST login token is an MCP bearer token and the other way round). Resource
// subscriptions listen on the server's ChangeFeed. A schema reload (Install) swaps in tools,
// resources and prompts built from a new Core, announces the change to connected clients, and
// lets requests already running finish on the old ones.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/core.hpp"
#include "app/mcp_stack.hpp"
#include "common/result.hpp"
#include "http/router.hpp"
#include "mcp/http_transport.hpp"
#include "mcp/legacy_sse_transport.hpp"
#include "mcp/server_slot.hpp"
#include "mcp/subscriptions.hpp"
#include "schema/schema.hpp"
#include "service/auth_service.hpp"
#include "service/change_feed.hpp"
#include "service/document_service.hpp"

namespace ea::app {

class McpHttp {
public:
    // Every reference must outlive this. `options.allowed_origins`: cors.allowed_origins.
    // `changes`: the feed resource subscriptions listen on (DocumentService's writes).
    McpHttp(const schema::Schema& schema, service::DocumentService& documents,
            service::AuthService& auth, mcp::HttpTransportOptions options,
            service::ChangeFeed& changes, mcp::ToolSchemaOptions tool_options = {});

    // Serves the resource events://audit from `log` (admins only), now and after every reload.
    // REQUIRES: before Register.
    void SetAuditLog(service::AuditLog* log);

    // POST, GET and DELETE on /mcp; GET /sse and POST /messages (legacy HTTP+SSE).
    [[nodiscard]] Status Register(http::Router& router);

    // Serves the tools, resources and prompts of `core` (a Core opened for a reloaded schema)
    // from now on, and sends notifications/tools/list_changed to every session and listener
    // that asked. The number of tools the new schema gives an administrator.
    std::size_t Install(std::unique_ptr<Core> core);

private:
    // One schema's MCP face; `core` is null for the first one (the server's own Core).
    struct Generation {
        std::unique_ptr<Core> core;
        std::unique_ptr<McpStack> stack;  // declared after `core`: destroyed before it
    };
    std::shared_ptr<const mcp::McpServer> Serve(std::shared_ptr<Generation> generation);

    service::AuthService& auth_;
    mcp::ToolSchemaOptions tool_options_;  // every generation's (mcp.tools)
    service::AuditLog* audit_log_ = nullptr;
    McpStack* first_stack_ = nullptr;  // owned by the first generation, which servers_ holds
    mcp::SubscriptionHub subscriptions_;
    std::unique_ptr<mcp::McpServerSlot> servers_;
    std::unique_ptr<mcp::HttpTransport> transport_;
    std::unique_ptr<mcp::LegacySseTransport> legacy_;
};

}  // namespace ea::app
