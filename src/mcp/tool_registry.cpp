#include "mcp/tool_registry.hpp"

#include <utility>

#include "common/json_text.hpp"
#include "mcp/aggregate_tool.hpp"
#include "mcp/auth_tools.hpp"
#include "mcp/batch_tool.hpp"
#include "mcp/compact_tools.hpp"
#include "mcp/entity_tools.hpp"
#include "mcp/error_result.hpp"
#include "rbac/authorizer.hpp"

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

std::vector<Tool> ToolRegistry::CompactDefinitions(const schema::Schema& schema,
                                                   const ToolSchemaOptions& options) {
    std::vector<Tool> tools = detail::CompactTools(schema, options);
    if (auto aggregate = detail::AggregateTool(schema)) {
        tools.push_back(detail::CompactForm(*std::move(aggregate)));
    }
    if (auto batch = detail::BatchTool(schema)) {
        tools.push_back(detail::CompactForm(*std::move(batch)));
    }
    for (const auto& entity : schema.entities()) {
        if (entity->auth()) {
            for (auto& tool : detail::AuthTools(*entity)) {
                tools.push_back(detail::CompactForm(std::move(tool)));
            }
        }
    }
    return tools;
}

ToolRegistry::ToolRegistry(const schema::Schema& schema, ToolServices services,
                           ToolSchemaOptions options)
    : services_(services),
      tools_(Definitions(schema, options)),
      schema_(&schema),
      default_mode_(options.mode) {
    listing_.reserve(tools_.size());
    for (std::size_t i = 0; i < tools_.size(); ++i) {
        // Two entities spelling the same snake_case name would collide; the first one wins.
        by_name_.emplace(tools_[i].name, i);
        listing_.push_back(Listed(tools_[i]));
    }
    compact_.tools = CompactDefinitions(schema, options);
    for (std::size_t i = 0; i < compact_.tools.size(); ++i) {
        compact_.by_name.emplace(compact_.tools[i].name, i);
        compact_.listing.push_back(Listed(compact_.tools[i]));
    }
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

// The entities `principal` is offered `action` on.
array OfferedEntities(const schema::Schema& schema, const Principal& principal,
                      rbac::Action action) {
    array names;
    for (const auto& entity : schema.entities()) {
        if (rbac::EntityAccess(schema, principal, *entity).Offers(action)) {
            names.emplace_back(entity->name());
        }
    }
    return names;
}

// The action a generic (compact) tool's entity enum is about.
std::optional<rbac::Action> GenericAction(ToolKind kind) {
    switch (kind) {
        case ToolKind::kDescribe:
        case ToolKind::kQueryAny:
        case ToolKind::kGetAny:
            return rbac::Action::kRead;
        case ToolKind::kCreateAny:
            return rbac::Action::kCreate;
        case ToolKind::kUpdateAny:
            return rbac::Action::kUpdate;
        case ToolKind::kDeleteAny:
            return rbac::Action::kDelete;
        default:
            return std::nullopt;
    }
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
    if (const auto action = GenericAction(tool.kind)) {
        if (OfferedEntities(schema, principal, *action).empty()) {
            return Error{
                ErrorCode::kForbidden,
                rbac::EntityAccess(schema, principal, *schema.entities().front()).Subject() +
                    " cannot " + std::string(rbac::ToString(*action)) + " any entity"};
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
        default:
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

boost::json::array ToolRegistry::ListingFor(const Principal& principal,
                                            std::optional<ToolsMode> mode) const {
    const bool compact = mode.value_or(default_mode_) == ToolsMode::kCompact;
    const std::vector<Tool>& tools = compact ? compact_.tools : tools_;
    const array& listing = compact ? compact_.listing : listing_;
    boost::json::array listed;
    listed.reserve(listing.size());
    for (std::size_t i = 0; i < tools.size(); ++i) {
        const Tool& tool = tools[i];
        if (!MayCall(*schema_, principal, tool)) {
            continue;
        }
        // The generic tools are offered only with the entities this principal may use so.
        if (tool.kind == ToolKind::kAggregate) {
            object entry = listing[i].as_object();
            entry["inputSchema"] =
                detail::WithEntityEnum(tool.input_schema, ReadableEntities(*schema_, principal));
            listed.push_back(std::move(entry));
        } else if (tool.kind == ToolKind::kBatch) {
            object entry = listing[i].as_object();
            entry["inputSchema"] = detail::WithBatchEntityEnum(
                tool.input_schema, WritableEntities(*schema_, principal));
            listed.push_back(std::move(entry));
        } else if (const auto action = GenericAction(tool.kind)) {
            object entry = listing[i].as_object();
            entry["inputSchema"] = detail::WithEntityEnum(
                tool.input_schema, OfferedEntities(*schema_, principal, *action));
            listed.push_back(std::move(entry));
        } else {
            listed.push_back(listing[i]);
        }
    }
    return listed;
}

const Tool* ToolRegistry::Find(std::string_view name) const {
    const auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : &tools_[it->second];
}

const Tool* ToolRegistry::Find(std::string_view name, ToolsMode mode) const {
    if (mode == ToolsMode::kPerEntity) {
        return Find(name);
    }
    const auto it = compact_.by_name.find(name);
    return it == compact_.by_name.end() ? nullptr : &compact_.tools[it->second];
}

Result<ToolOutput> ToolRegistry::Run(const service::RequestContext& ctx, const Tool& tool,
                                     const object& arguments) const {
    switch (tool.kind) {
        case ToolKind::kLogin:
        case ToolKind::kLogout:
        case ToolKind::kRefresh:
            return detail::RunAuthTool(services_.auth, ctx, tool, arguments);
        case ToolKind::kAggregate:
            return detail::RunAggregate(services_.documents, ctx, arguments);
        case ToolKind::kBatch:
            return detail::RunBatch(services_.documents, ctx, arguments);
        case ToolKind::kDescribe:
            return detail::RunDescribe(services_.documents, ctx, *this, arguments);
        case ToolKind::kQueryAny:
        case ToolKind::kGetAny:
        case ToolKind::kCreateAny:
        case ToolKind::kUpdateAny:
        case ToolKind::kDeleteAny: {
            // The per-entity tool of the named entity, through the same checks as a direct call.
            const auto* name = arguments.if_contains("entity");
            if (name == nullptr || !name->is_string()) {
                const std::string problem = "entity is required: an entity name";
                return Error{ErrorCode::kInvalidArgument, problem, {{"entity", problem}}};
            }
            auto entity = schema_->LookupEntity(name->as_string());
            if (!entity) {
                return entity.error();
            }
            const Tool* target = Find(detail::PerEntityToolName(tool.kind, **entity));
            if (target == nullptr) {
                const auto action = GenericAction(tool.kind);
                return Error{ErrorCode::kMethodNotAllowed,
                             (*entity)->name() + " does not allow " +
                                 std::string(rbac::ToString(action.value_or(rbac::Action::kRead)))};
            }
            if (ctx.channel != service::Channel::kCli) {
                // Refused as a call of the per-entity tool by name is: the same message and the
                // same audit event (its action the per-entity tool's name).
                if (auto allowed = MayCall(*schema_, ctx.principal, *target); !allowed) {
                    return services_.documents.AuditRefusal(ctx, target->name, target->entity,
                                                            allowed.error());
                }
            }
            auto forwarded = detail::PerEntityArguments(tool.kind, arguments);
            if (!forwarded) {
                return forwarded.error();
            }
            return detail::RunEntityTool(services_.documents, ctx, *target, *forwarded);
        }
        default:
            return detail::RunEntityTool(services_.documents, ctx, tool, arguments);
    }
}

CallOutcome ToolRegistry::Call(const service::RequestContext& ctx, std::string_view name,
                               const object& arguments, std::optional<ToolsMode> mode) const {
    const Tool* tool = Find(name, mode.value_or(default_mode_));
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
    auto output = Run(ctx, *tool, arguments);
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
