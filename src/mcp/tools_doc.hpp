// docs/mcp/tools.md, generated from the tools a schema gets (`events-api docs tools`): each
// tool's name, title, description, annotations and input fields. Deterministic: the same schema
// gives the same bytes, so a test can compare the committed file with a fresh run.
#pragma once

#include <string>
#include <vector>

#include "mcp/tool_registry.hpp"
#include "schema/schema.hpp"

namespace ea::mcp {

std::string ToolsMarkdown(const schema::Schema& schema, const std::vector<Tool>& tools);

}  // namespace ea::mcp
