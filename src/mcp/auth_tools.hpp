// Internal to mcp/: {entity}_auth_login, _logout and _refresh for an entity with the auth service.
// They use the same AuthService and session store as REST, so a token from user_auth_login is a
// REST bearer token and the other way round. They do not change who this MCP connection acts as
// (the stdio process stays its service user); see docs/mcp/setup.md.
#pragma once

#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "common/result.hpp"
#include "mcp/tool_registry.hpp"

namespace ea::mcp::detail {

std::vector<Tool> AuthTools(const schema::Entity& entity);

Result<ToolOutput> RunAuthTool(service::AuthService& auth, const service::RequestContext& ctx,
                               const Tool& tool, const boost::json::object& arguments);

}  // namespace ea::mcp::detail
