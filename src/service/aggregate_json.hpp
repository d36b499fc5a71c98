// An aggregate's answer as JSON, the same on every face (REST's data, the MCP tool's structured
// result): [{"key": {"location": "Oakland"}, "count": 3, "avg_cost": 20.0}, ...].
#pragma once

#include <boost/json/array.hpp>

#include "query/aggregate.hpp"
#include "store/document_store.hpp"

namespace ea::service {

// One object per group: "key" holds the group-by values by field name ({} without a group-by),
// then each metric under its Metric::name. `query` is the one the caller parsed (its metrics and
// group_by name the columns).
boost::json::array AggregateGroupsJson(const query::AggregateQuery& query,
                                       const store::AggregateResult& result);

}  // namespace ea::service
