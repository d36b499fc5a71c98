#include "mcp/aggregate_tool.hpp"

#include <string>
#include <utility>

#include "mcp/tool_schema.hpp"
#include "query/aggregate.hpp"
#include "service/aggregate_json.hpp"

namespace ea::mcp::detail {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

Error BadArgument(const std::string& problem, const std::string& field) {
    return Error{ErrorCode::kInvalidArgument, problem, {{field, problem}}};
}

const value& Argument(const object& arguments, const char* name) {
    static const value kNull;
    const auto* found = arguments.if_contains(name);
    return found != nullptr ? *found : kNull;
}

}  // namespace

std::optional<Tool> AggregateTool(const schema::Schema& schema) {
    array entities;
    for (const auto& entity : schema.entities()) {
        if (entity->Allows(schema::kRead)) {
            entities.emplace_back(entity->name());
        }
    }
    if (entities.empty()) {
        return std::nullopt;
    }
    object metric{
        {"type", "object"},
        {"properties",
         object{{"op",
                 object{{"type", "string"}, {"enum", array{"count", "sum", "avg", "min", "max"}}}},
                {"field", object{{"type", "string"},
                                 {"description",
                                  "The field (sum and avg: a numeric one); count without a field "
                                  "counts records."}}}}},
        {"required", array{"op"}},
        {"additionalProperties", false}};
    object properties{
        {"entity", object{{"type", "string"},
                          {"enum", std::move(entities)},
                          {"description", "The entity to aggregate."}}},
        {"filter",
         object{{"type", "object"},
                {"description",
                 "The list tools' filter: {\"field\": value} or {\"field\": {\"$gte\": v}}; "
                 "$eq $ne $gt $gte $lt $lte $in $nin $exists, $and / $or. Omit for all records."}}},
        {"filter_matching", object{{"type", "string"},
                                   {"enum", array{"exact", "contains", "fuzzy"}},
                                   {"default", "exact"}}},
        {"metrics", object{{"type", "array"},
                           {"items", std::move(metric)},
                           {"minItems", 1},
                           {"maxItems", query::kMaxMetrics},
                           {"description", "What to compute; default [{\"op\": \"count\"}]."}}},
        {"groupBy", object{{"type", "array"},
                           {"items", object{{"type", "string"}}},
                           {"maxItems", query::kMaxGroupBy},
                           {"uniqueItems", true},
                           {"description", "Fields to group by: one result per distinct value."}}}};
    object input{{"$schema", kJsonSchemaDialect},
                 {"type", "object"},
                 {"properties", std::move(properties)},
                 {"required", array{"entity"}},
                 {"additionalProperties", false}};
    return Tool{
        "aggregate",
        "Aggregate records",
        "Count records and compute sum, avg, min or max of fields over the records matching a "
        "filter, optionally grouped by fields, without listing them (at most 1000 groups; "
        "truncated says when there were more). Metric keys in the result: count, sum_<field>, "
        "avg_<field>, min_<field>, max_<field>. Example: {\"entity\": \"Event\", \"filter\": "
        "{\"location\": \"Oakland\"}, \"metrics\": [{\"op\": \"count\"}, {\"op\": \"avg\", "
        "\"field\": \"cost\"}]}.",
        std::move(input),
        object{{"title", "Aggregate records"}, {"readOnlyHint", true}, {"openWorldHint", false}},
        ToolKind::kAggregate,
        nullptr};
}

object WithEntityEnum(const object& input_schema, const array& entities) {
    object out = input_schema;
    out["properties"].as_object()["entity"].as_object()["enum"] = entities;
    return out;
}

Result<ToolOutput> RunAggregate(service::DocumentService& documents,
                                const service::RequestContext& ctx, const object& arguments) {
    for (const auto& [key, unused] : arguments) {
        if (key != "entity" && key != "filter" && key != "filter_matching" && key != "metrics" &&
            key != "groupBy") {
            return BadArgument("unknown argument \"" +
                                   std::string(std::string_view(key).substr(0, 64)) +
                                   "\" for aggregate; valid arguments: entity, filter, "
                                   "filter_matching, metrics, groupBy",
                               std::string(std::string_view(key).substr(0, 64)));
        }
    }
    const value& name = Argument(arguments, "entity");
    if (!name.is_string()) {
        return BadArgument("entity is required: the name of the entity to aggregate", "entity");
    }
    auto entity = documents.schema().LookupEntity(name.get_string());
    if (!entity) {
        return entity.error();
    }
    query::AggregateArguments aggregate;
    aggregate.filter = Argument(arguments, "filter");
    aggregate.filter_matching = Argument(arguments, "filter_matching");
    aggregate.metrics = Argument(arguments, "metrics");
    aggregate.group_by = Argument(arguments, "groupBy");
    auto query = query::BuildAggregateQuery(**entity, aggregate, query::kMcpListDefaults);
    if (!query) {
        return query.error();
    }
    // The service rewrites its own copy (row scope); this one names the result's keys.
    query::AggregateQuery asked;
    asked.metrics = query->metrics;
    asked.group_by = query->group_by;
    auto result = documents.Aggregate(ctx, **entity, *std::move(query));
    if (!result) {
        return result.error();
    }
    return value(object{{"entity", (*entity)->name()},
                        {"groups", service::AggregateGroupsJson(asked, *result)},
                        {"truncated", result->truncated}});
}

}  // namespace ea::mcp::detail
