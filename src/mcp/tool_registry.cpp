#include "mcp/tool_registry.hpp"

#include <utility>

#include "common/json_text.hpp"
#include "mcp/aggregate_tool.hpp"
#include "mcp/auth_tools.hpp"
#include "mcp/batch_tool.hpp"
#include "mcp/entity_tools.hpp"
#include "mcp/error_result.hpp"
#include "rbac/authorizer.hpp"
#include "rbac/input_offer.hpp"

namespace ea::mcp {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

object Listed(const Tool& tool) {
    return object{{"name", tool.name},
                  {"title", tool.title},
                  {"description", tool.description},
                  {"inputSchema", tool.input_schema},
                  {"annotations", tool.annotations}};
}

// structuredContent must be an object (2025-06-18 and 2025-11-25 say so); a bare array or scalar
// is wrapped.
// Warnings follow as a second text block ("Warnings: ...") so the first stays the exact JSON.
object Success(ToolOutput output) {
    value& structured = output.structured;
    array blocks{object{{"type", "text"}, {"text", ToJsonText(structured)}}};
    if (!output.warnings.empty()) {
        std::string text = "Warnings:";
        for (const auto& warning : output.warnings) {
            text += " " + warning + (&warning == &output.warnings.back() ? "" : ";");
        }
        blocks.push_back(object{{"type", "text"}, {"text", std::move(text)}});
    }
    object content = structured.is_object() ? std::move(structured).as_object()
                                            : object{{"result", std::move(structured)}};
    return object{{"content", std::move(blocks)},
                  {"structuredContent", std::move(content)},
                  {"isError", false}};
}

}  // namespace

std::vector<Tool> ToolRegistry::Definitions(const schema::Schema& schema,
                                            const ToolSchemaOptions& options) {
    std::vector<Tool> tools;
    for (const auto& entity : schema.entities()) {
        for (auto& tool : detail::EntityTools(*entity, options)) {
            tools.push_back(std::move(tool));
        }
        if (entity->auth()) {
            for (auto& tool : detail::AuthTools(*entity)) {
                tools.push_back(std::move(tool));
            }
        }
    }
    if (auto aggregate = detail::AggregateTool(schema)) {
        tools.push_back(*std::move(aggregate));
    }
    if (auto batch = detail::BatchTool(schema)) {
        tools.push_back(*std::move(batch));
    }
    return tools;
}

ToolRegistry::ToolRegistry(const schema::Schema& schema, ToolServices services,
                           ToolSchemaOptions options)
    : services_(services),
      tools_(Definitions(schema, options)),
      schema_(&schema),
      options_(options) {
    listing_.reserve(tools_.size());
    for (std::size_t i = 0; i < tools_.size(); ++i) {
        // Two entities spelling the same snake_case name would collide; the first one wins.
        by_name_.emplace(tools_[i].name, i);
        listing_.push_back(Listed(tools_[i]));
    }
    for (const auto& role : schema.access_policy().roles()) {
        role_listings_.push_back(BuildListingFor(Principal{"", "", role.name, "", true}));
    }
    denied_listing_ = BuildListingFor(Principal{});
}

namespace {

// The entities `principal` may read, in schema order (the aggregate tool's entity enum).
array ReadableEntities(const schema::Schema& schema, const Principal& principal) {
    array names;
    for (const auto& entity : schema.entities()) {
        if (rbac::EntityAccess(schema, principal, *entity).Offers(rbac::Action::kRead)) {
            names.emplace_back(entity->name());
        }
    }
    return names;
}

// The entities `principal` may create or update records of (the batch tool's entity enum).
array WritableEntities(const schema::Schema& schema, const Principal& principal) {
    array names;
    for (const auto& entity : schema.entities()) {
        const rbac::EntityAccess access(schema, principal, *entity);
        if (access.Offers(rbac::Action::kCreate) || access.Offers(rbac::Action::kUpdate)) {
            names.emplace_back(entity->name());
        }
    }
    return names;
}

// Whether `principal` may call `tool`: the auth tools always; an entity tool when the role is
// offered its operation on the entity; aggregate when it may read some entity (the service
// decides each call's entity).
Status MayCall(const schema::Schema& schema, const Principal& principal, const Tool& tool) {
    if (tool.kind == ToolKind::kAggregate) {
        if (ReadableEntities(schema, principal).empty()) {
            return Error{
                ErrorCode::kForbidden,
                rbac::EntityAccess(schema, principal, *schema.entities().front()).Subject() +
                    " cannot read any entity"};
        }
        return Ok();
    }
    if (tool.kind == ToolKind::kBatch) {
        if (WritableEntities(schema, principal).empty()) {
            return Error{
                ErrorCode::kForbidden,
                rbac::EntityAccess(schema, principal, *schema.entities().front()).Subject() +
                    " cannot create or update any entity"};
        }
        return Ok();
    }
    rbac::Action action = rbac::Action::kRead;
    switch (tool.kind) {
        case ToolKind::kList:
        case ToolKind::kGet:
            break;
        case ToolKind::kCreate:
            action = rbac::Action::kCreate;
            break;
        case ToolKind::kUpdate:
            action = rbac::Action::kUpdate;
            break;
        case ToolKind::kDelete:
            action = rbac::Action::kDelete;
            break;
        case ToolKind::kLogin:
        case ToolKind::kLogout:
        case ToolKind::kRefresh:
        case ToolKind::kAggregate:
        case ToolKind::kBatch:
            return Ok();
    }
    if (tool.entity == nullptr) {
        return Ok();
    }
    const rbac::EntityAccess access(schema, principal, *tool.entity);
    if (access.Offers(action)) {
        return Ok();
    }
    if (!access.Allows(action)) {
        return access.Authorize(action);
    }
    return Error{ErrorCode::kMethodNotAllowed,
                 tool.entity->name() + " does not allow " + std::string(rbac::ToString(action))};
}

}  // namespace

const boost::json::array& ToolRegistry::ListingFor(const Principal& principal) const {
    if (!principal.authenticated) {
        return denied_listing_;
    }
    const schema::RolePolicy* role = schema_->access_policy().FindRole(principal.role);
    if (role == nullptr) {
        return denied_listing_;
    }
    return role_listings_[static_cast<std::size_t>(role - schema_->access_policy().roles().data())];
}

boost::json::array ToolRegistry::BuildListingFor(const Principal& principal) const {
    const rbac::InputOffer offer(*schema_, principal);
    boost::json::array listed;
    listed.reserve(listing_.size());
    for (std::size_t i = 0; i < tools_.size(); ++i) {
        if (!MayCall(*schema_, principal, tools_[i])) {
            continue;
        }
        const ToolKind kind = tools_[i].kind;
        if (tools_[i].entity != nullptr &&
            (kind == ToolKind::kList || kind == ToolKind::kGet || kind == ToolKind::kCreate ||
             kind == ToolKind::kUpdate || kind == ToolKind::kDelete)) {
            // Offered with only the filters, sort keys, embeddings and fields this role may use.
            object tool = listing_[i].as_object();
            tool["inputSchema"] =
                detail::EntityInputSchema(kind, *tools_[i].entity, options_, offer);
            listed.push_back(std::move(tool));
            continue;
        }
        if (tools_[i].kind == ToolKind::kAggregate) {
            // Offered only with the entities this principal may read.
            object tool = listing_[i].as_object();
            tool["inputSchema"] = detail::WithEntityEnum(tools_[i].input_schema,
                                                         ReadableEntities(*schema_, principal));
            listed.push_back(std::move(tool));
            continue;
        }
        if (tools_[i].kind == ToolKind::kBatch) {
            object tool = listing_[i].as_object();
            tool["inputSchema"] = detail::WithBatchEntityEnum(
                tools_[i].input_schema, WritableEntities(*schema_, principal));
            listed.push_back(std::move(tool));
            continue;
        }
        listed.push_back(listing_[i]);
    }
    return listed;
}

const Tool* ToolRegistry::Find(std::string_view name) const {
    const auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : &tools_[it->second];
}

CallOutcome ToolRegistry::Call(const service::RequestContext& ctx, std::string_view name,
                               const object& arguments) const {
    const Tool* tool = Find(name);
    if (tool == nullptr) {
        return InvalidParams("Unknown tool: " + std::string(name.substr(0, 100)));
    }
    if (ctx.channel != service::Channel::kCli) {
        if (auto allowed = MayCall(*schema_, ctx.principal, *tool); !allowed) {
            auto failure = MapToolError(
                services_.documents.AuditRefusal(ctx, tool->name, tool->entity, allowed.error()),
                ctx.request_id);
            if (auto* result = std::get_if<object>(&failure)) {
                return std::move(*result);
            }
            return std::get<RpcError>(std::move(failure));
        }
    }
    const bool is_auth = tool->kind == ToolKind::kLogin || tool->kind == ToolKind::kLogout ||
                         tool->kind == ToolKind::kRefresh;
    auto output = is_auth ? detail::RunAuthTool(services_.auth, ctx, *tool, arguments)
                  : tool->kind == ToolKind::kAggregate
                      ? detail::RunAggregate(services_.documents, ctx, arguments)
                  : tool->kind == ToolKind::kBatch
                      ? detail::RunBatch(services_.documents, ctx, arguments)
                      : detail::RunEntityTool(services_.documents, ctx, *tool, arguments);
    if (!output) {
        auto failure = MapToolError(output.error(), ctx.request_id);
        if (auto* result = std::get_if<object>(&failure)) {
            return std::move(*result);
        }
        return std::get<RpcError>(std::move(failure));
    }
    return Success(*std::move(output));
}

}  // namespace ea::mcp
