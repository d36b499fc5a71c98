// Internal to mcp/: a list tool's arguments -> query::Query through the list normalisation both
// faces share (query/list_query.hpp), with MCP's defaults: `exact` matching (REST keeps
// `contains` for compatibility).
#pragma once

#include <boost/json/object.hpp>

#include "common/result.hpp"
#include "query/query.hpp"
#include "schema/schema.hpp"

namespace ea::mcp::detail {

// Reads filter, filter_matching, sort, page, pageSize, view, count and fields (every one
// optional).
// Errors: kInvalidArgument naming the argument.
[[nodiscard]] Result<query::Query> ListQueryFromArguments(const schema::Entity& entity,
                                                          const boost::json::object& arguments);

}  // namespace ea::mcp::detail
