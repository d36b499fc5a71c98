// Internal to mcp/: compact mode's generic tools (config mcp.tools: compact, or ?tools=compact on
// /mcp): describe_entities, query, get, create, update, delete taking an entity name, beside the
// shared aggregate and batch tools and the auth tools: 8 generic tools whatever the schema's
// size, so a client's context holds a few KB of tool definitions instead of one set per entity.
// query/get/create/update/delete run the per-entity tool of that entity (list_events for
// {"entity": "Event"}) through the same code path: the same argument checks, validation, rules
// and messages.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "common/result.hpp"
#include "mcp/tool_registry.hpp"

namespace ea::mcp::detail {

// The tools=entity|compact parameter of a query string (`/mcp?tools=compact`, `/sse?tools=...`);
// nullopt when absent. kInvalidArgument "Bad Request: tools must be entity or compact".
Result<std::optional<ToolsMode>> ToolsModeOfQuery(std::string_view query);

// describe_entities, query, get, create, update, delete (those some entity's operations allow).
std::vector<Tool> CompactTools(const schema::Schema& schema, const ToolSchemaOptions& options);

// A tool shared with the per-entity set (aggregate, batch, the auth tools) as compact mode lists
// it: without "$schema", its text naming compact mode's tools.
Tool CompactForm(Tool tool);

// The per-entity tool kind a compact query/get/create/update/delete stands for.
ToolKind PerEntityKind(ToolKind compact);

// The per-entity tool's name for `entity` ("list_events" for kQueryAny and Event).
std::string PerEntityToolName(ToolKind compact, const schema::Entity& entity);

// The compact call's arguments as the per-entity tool takes them: without `entity`; create's
// `data` becomes the arguments, update's `data` plus `id`. kInvalidArgument for a missing or
// malformed `data`.
Result<boost::json::object> PerEntityArguments(ToolKind compact,
                                               const boost::json::object& arguments);

// describe_entities: {entities: [...]} without an entity; one entity's fields (as the caller
// may see them), with detail "schemas" the per-entity tools' input schemas, and `samples` records.
Result<ToolOutput> RunDescribe(service::DocumentService& documents,
                               const service::RequestContext& ctx, const ToolRegistry& registry,
                               const boost::json::object& arguments);

}  // namespace ea::mcp::detail
