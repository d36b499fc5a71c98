// Internal to mcp/: the five per-entity tools (list, get, create, update, delete): their
// definitions from the Schema, and running one against the DocumentService.
#pragma once

#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "common/result.hpp"
#include "mcp/tool_registry.hpp"

namespace ea::mcp::detail {

// The tools `entity`'s operations allow, in the order list, get, create, update, delete.
std::vector<Tool> EntityTools(const schema::Entity& entity, const ToolSchemaOptions& options);

// The inputSchema of the entity tool of `kind` (list, get, create, update, delete) on `entity`, as
// `offer` prunes it (what EntityTools gives with the default offer). REQUIRES: an entity kind.
boost::json::object EntityInputSchema(ToolKind kind, const schema::Entity& entity,
                                      const ToolSchemaOptions& options,
                                      const rbac::InputOffer& offer);

// The structured result of one call. Errors are the service's, or kInvalidArgument for
// arguments the tool does not take.
Result<ToolOutput> RunEntityTool(service::DocumentService& documents,
                                 const service::RequestContext& ctx, const Tool& tool,
                                 const boost::json::object& arguments);

}  // namespace ea::mcp::detail
