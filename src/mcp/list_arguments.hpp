// Internal to mcp/: a list tool's arguments -> query::Query. MCP list tools default to `exact`
// matching (REST keeps `contains` for compatibility). This is the one place MCP normalises a list
// query, so it can give way to the list normalisation both faces will share.
#pragma once

#include <boost/json/object.hpp>

#include "common/result.hpp"
#include "query/query.hpp"
#include "schema/schema.hpp"

namespace ea::mcp::detail {

struct ListLimits {
    int max_page_size = query::kMaxPageSize;
};

// Reads filter, filter_matching, sort, page, pageSize and view (every one optional) through the
// query layer's JSON parsers. Errors: kInvalidArgument naming the argument.
[[nodiscard]] Result<query::Query> ListQueryFromArguments(const schema::Entity& entity,
                                                          const boost::json::object& arguments,
                                                          const ListLimits& limits);

}  // namespace ea::mcp::detail
