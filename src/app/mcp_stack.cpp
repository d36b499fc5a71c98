#include "app/mcp_stack.hpp"

#include <utility>

#include "query/query.hpp"

namespace ea::app {
namespace {

// What both transports tell clients about themselves.
mcp::ServerIdentity Identity(const schema::Schema& schema) {
    mcp::ServerIdentity identity;
    identity.title = schema.project_name();
    identity.instructions =
        "Records of the " + schema.project_name() +
        " data service. Use list_* to find records (filters, sort, pages), get_* for one by id, "
        "and create_/update_/delete_* to change them; with the compact tool set (?tools=compact), "
        "describe_entities first, then query, get, create, update, delete naming the entity. "
        "Errors say what to fix.";
    return identity;
}

}  // namespace

std::unique_ptr<McpStack> BuildMcpStack(const schema::Schema& schema,
                                        service::DocumentService& documents,
                                        service::AuthService& auth,
                                        std::function<void(const std::string&)> log_line,
                                        mcp::SubscriptionHub* subscriptions,
                                        mcp::ToolSchemaOptions tool_options) {
    auto stack = std::make_unique<McpStack>();
    stack->tools = std::make_unique<mcp::ToolRegistry>(schema, mcp::ToolServices{documents, auth},
                                                       tool_options);
    stack->resources = std::make_unique<mcp::ResourceCatalog>(documents);
    stack->prompts = std::make_unique<mcp::PromptCatalog>(schema);
    stack->completions =
        std::make_unique<mcp::Completer>(documents, *stack->prompts, *stack->resources);
    mcp::McpFeatures features{stack->resources.get(), stack->prompts.get(),
                              stack->completions.get()};
    features.subscriptions = subscriptions;
    stack->server = std::make_unique<mcp::McpServer>(*stack->tools, Identity(schema),
                                                     std::move(log_line), features);
    return stack;
}

mcp::ToolSchemaOptions ToolOptionsFrom(const Config& config) {
    mcp::ToolSchemaOptions options;
    options.max_page_size = query::kMaxPageSize;
    options.mode = mcp::ParseToolsMode(config.mcp_tools).value_or(mcp::ToolsMode::kPerEntity);
    return options;
}

}  // namespace ea::app
