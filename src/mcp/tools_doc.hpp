// docs/mcp/tools.md, generated from the tools a schema gets (`events-api docs tools`): each
// tool's name, title, description, annotations and input fields, for both tool sets. Deterministic:
// the same schema gives the same bytes, so a test can compare the committed file with a fresh run.
#pragma once

#include <string>
#include <vector>

#include "mcp/tool_registry.hpp"
#include "schema/schema.hpp"

namespace ea::mcp {

// `tools`: the per-entity set; `compact_tools`: compact mode's (ToolRegistry::CompactDefinitions).
std::string ToolsMarkdown(const schema::Schema& schema, const std::vector<Tool>& tools,
                          const std::vector<Tool>& compact_tools);

}  // namespace ea::mcp
