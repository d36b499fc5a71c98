// Internal to mcp/: the one `aggregate` tool (count, sum, avg, min, max with an optional group-by
// over the list filter language), the entity an enum argument. Definition from the Schema, and
// running it against DocumentService::Aggregate.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "common/result.hpp"
#include "mcp/tool_registry.hpp"

namespace ea::mcp::detail {

// The tool, its `entity` enum listing every entity whose operations allow read; nullopt when none
// does.
std::optional<Tool> AggregateTool(const schema::Schema& schema);

// `input_schema` with the `entity` enum narrowed to `entities` (what one principal may read).
boost::json::object WithEntityEnum(const boost::json::object& input_schema,
                                   const boost::json::array& entities);

// {"entity", "groups": [{"key": {field: value...}, "count": n, "avg_cost": x, ...}],
//  "truncated"}: one group without groupBy.
Result<ToolOutput> RunAggregate(service::DocumentService& documents,
                                const service::RequestContext& ctx,
                                const boost::json::object& arguments);

}  // namespace ea::mcp::detail
