// An aggregate call's arguments -> a checked AggregateQuery: count, sum, avg, min, max over the
// records matching the list filter language, optionally grouped by fields. The one parser both
// faces use: REST with query-string text (metrics=count,avg:cost&groupBy=location), MCP's
// `aggregate` tool with JSON ([{"op": "avg", "field": "cost"}], ["location"]). It checks what the
// schema says (known fields, numeric fields for sum and avg, no arrays or JSON); what a role may
// aggregate is rbac's (rbac/aggregate_guard.hpp).
#pragma once

#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "common/result.hpp"
#include "query/list_query.hpp"
#include "query/query.hpp"
#include "schema/schema.hpp"

namespace ea::query {

enum class AggregateOp { kCount, kSum, kAvg, kMin, kMax };

// "count", "sum", "avg", "min", "max".
std::string_view ToString(AggregateOp op);

struct Metric {
    AggregateOp op = AggregateOp::kCount;
    const schema::Field* field = nullptr;  // null only for count (of records)
    std::string name;                      // the result key: "count", "avg_cost", "count_cost"
};

// Bounds of one aggregate call's shape (the group count is bounded by the service).
constexpr std::size_t kMaxMetrics = 10;
constexpr std::size_t kMaxGroupBy = 3;

struct AggregateQuery {
    FilterPtr filter;  // null: every record
    Matching matching = Matching::kExact;
    double fuzzy_threshold = kDefaultFuzzyThreshold;
    std::vector<Metric> metrics;                 // at least one; count when none was asked for
    std::vector<const schema::Field*> group_by;  // empty: one group of every matching record
    int max_groups = 1000;                       // the store returns at most this many groups
};

// One aggregate call's arguments as an adapter received them; a null member was not given.
struct AggregateArguments {
    boost::json::value filter;  // as ListArguments::filter
    CoerceFrom filter_values = CoerceFrom::kJson;
    boost::json::value filter_matching;
    // An array of {"op", "field"} objects or "op" / "op:field" strings, or that text
    // comma-separated ("count,avg:cost"). Absent: [count].
    boost::json::value metrics;
    // An array of field names, or their comma-separated text.
    boost::json::value group_by;
};

// Errors (kInvalidArgument naming the argument: "metrics", "groupBy", or the filter's own): an
// unknown op or field, sum/avg of a field that is not Integer, Number or Currency, any op but
// count on an Array or JSON field, grouping by an Array or JSON field, a metric named twice,
// more than kMaxMetrics metrics or kMaxGroupBy group fields.
[[nodiscard]] Result<AggregateQuery> BuildAggregateQuery(const schema::Entity& entity,
                                                         const AggregateArguments& arguments,
                                                         const ListDefaults& defaults);

}  // namespace ea::query
