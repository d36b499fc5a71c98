// The MCP server both transports serve (stdio in `events-api mcp`, Streamable HTTP at /mcp on
// `serve`): the generated tools, resources, prompts and completions over one DocumentService, and
// the McpServer that dispatches to them. Built once per schema load.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "app/config.hpp"
#include "mcp/completions.hpp"
#include "mcp/mcp_server.hpp"
#include "mcp/prompts.hpp"
#include "mcp/resources.hpp"
#include "mcp/subscriptions.hpp"
#include "mcp/tool_registry.hpp"
#include "schema/schema.hpp"
#include "service/auth_service.hpp"
#include "service/document_service.hpp"

namespace ea::app {

struct McpStack {
    std::unique_ptr<mcp::ToolRegistry> tools;
    std::unique_ptr<mcp::ResourceCatalog> resources;
    std::unique_ptr<mcp::PromptCatalog> prompts;
    std::unique_ptr<mcp::Completer> completions;
    std::unique_ptr<mcp::McpServer> server;
};

// Every reference must outlive the stack. `log_line` receives one JSON log line per tool call.
// `subscriptions` (optional, outlives the stack: it outlives schema reloads too): resource
// subscriptions and tool-list change announcements.
std::unique_ptr<McpStack> BuildMcpStack(const schema::Schema& schema,
                                        service::DocumentService& documents,
                                        service::AuthService& auth,
                                        std::function<void(const std::string&)> log_line,
                                        mcp::SubscriptionHub* subscriptions = nullptr,
                                        mcp::ToolSchemaOptions tool_options = {});

// The tool options config sets (mcp.tools).
mcp::ToolSchemaOptions ToolOptionsFrom(const Config& config);

}  // namespace ea::app
