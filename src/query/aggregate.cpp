#include "query/aggregate.hpp"

#include <optional>
#include <string>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "query/field_lookup.hpp"
#include "query/value_coercion.hpp"

namespace ea::query {
namespace {

namespace json = boost::json;
using schema::FieldType;

Error BadArgument(std::string_view name, std::string message) {
    return Error{ErrorCode::kInvalidArgument,
                 std::string(name) + ": " + message,
                 {FieldError{std::string(name), message}}};
}

bool IsNumeric(const schema::Field& field) {
    return field.type == FieldType::kInteger || field.type == FieldType::kNumber ||
           field.type == FieldType::kCurrency;
}

bool IsScalar(const schema::Field& field) {
    return field.type != FieldType::kArray && field.type != FieldType::kJson;
}

std::optional<AggregateOp> OpOf(std::string_view text) {
    for (AggregateOp op : {AggregateOp::kCount, AggregateOp::kSum, AggregateOp::kAvg,
                           AggregateOp::kMin, AggregateOp::kMax}) {
        if (detail::EqualsIgnoreCase(text, ToString(op))) {
            return op;
        }
    }
    return std::nullopt;
}

// "a,b , c" -> ["a", "b", "c"] (empty parts dropped).
json::array SplitList(std::string_view text) {
    json::array out;
    while (!text.empty()) {
        const auto comma = text.find(',');
        std::string_view part = text.substr(0, comma);
        while (!part.empty() && part.front() == ' ') {
            part.remove_prefix(1);
        }
        while (!part.empty() && part.back() == ' ') {
            part.remove_suffix(1);
        }
        if (!part.empty()) {
            out.emplace_back(part);
        }
        if (comma == std::string_view::npos) {
            break;
        }
        text.remove_prefix(comma + 1);
    }
    return out;
}

// An array, or the comma-separated text of one; null stays empty.
Result<json::array> ListOf(std::string_view name, const json::value& value) {
    if (value.is_null()) {
        return json::array{};
    }
    if (value.is_string()) {
        return SplitList(value.get_string());
    }
    if (value.is_array()) {
        return value.get_array();
    }
    return BadArgument(name, "must be a list, got " + DescribeValue(value));
}

Result<Metric> ParseMetric(const schema::Entity& entity, const json::value& item) {
    std::string_view op_text;
    std::string_view field_name;
    if (item.is_string()) {
        const std::string_view text = item.get_string();
        const auto colon = text.find(':');
        op_text = text.substr(0, colon);
        if (colon != std::string_view::npos) {
            field_name = text.substr(colon + 1);
        }
    } else if (item.is_object()) {
        const auto& object = item.get_object();
        for (const auto& [key, unused] : object) {
            if (key != "op" && key != "field") {
                return BadArgument("metrics",
                                   "a metric takes op and field, not " + detail::QuoteName(key));
            }
        }
        const auto* op = object.if_contains("op");
        if (op == nullptr || !op->is_string()) {
            return BadArgument("metrics", "each metric needs an op: count, sum, avg, min or max");
        }
        op_text = op->get_string();
        if (const auto* field = object.if_contains("field");
            field != nullptr && !field->is_null()) {
            if (!field->is_string()) {
                return BadArgument("metrics", "a metric's field must be a field name");
            }
            field_name = field->get_string();
        }
    } else {
        return BadArgument("metrics", "each metric is {\"op\", \"field\"} or \"op:field\", got " +
                                          DescribeValue(item));
    }
    const auto op = OpOf(op_text);
    if (!op) {
        return BadArgument("metrics", "unknown op " + detail::QuoteName(op_text) +
                                          "; ops: count, sum, avg, min, max");
    }
    Metric metric{*op, nullptr, std::string(ToString(*op))};
    if (field_name.empty()) {
        if (*op != AggregateOp::kCount) {
            return BadArgument("metrics", std::string(ToString(*op)) + " needs a field");
        }
        return metric;
    }
    auto field = detail::LookupField(entity, field_name, "metrics");
    if (!field) {
        return field.error();
    }
    const schema::Field& f = **field;
    if ((*op == AggregateOp::kSum || *op == AggregateOp::kAvg) && !IsNumeric(f)) {
        return BadArgument("metrics", std::string(ToString(*op)) + " needs a numeric field; " +
                                          entity.name() + "." + f.name + " is " +
                                          schema::TypeName(f.type, f.element_type));
    }
    if (*op != AggregateOp::kCount && !IsScalar(f)) {
        return BadArgument("metrics", std::string(ToString(*op)) + " cannot take " + entity.name() +
                                          "." + f.name + " (" +
                                          schema::TypeName(f.type, f.element_type) + ")");
    }
    metric.field = &f;
    metric.name += "_" + f.name;
    return metric;
}

}  // namespace

std::string_view ToString(AggregateOp op) {
    switch (op) {
        case AggregateOp::kCount:
            return "count";
        case AggregateOp::kSum:
            return "sum";
        case AggregateOp::kAvg:
            return "avg";
        case AggregateOp::kMin:
            return "min";
        case AggregateOp::kMax:
            return "max";
    }
    return "count";
}

Result<AggregateQuery> BuildAggregateQuery(const schema::Entity& entity,
                                           const AggregateArguments& arguments,
                                           const ListDefaults& defaults) {
    ListArguments list;
    list.filter = arguments.filter;
    list.filter_values = arguments.filter_values;
    list.filter_matching = arguments.filter_matching;
    auto listed = BuildListQuery(entity, list, defaults);
    if (!listed) {
        return listed.error();
    }
    AggregateQuery out;
    out.filter = std::move(listed->filter);
    out.matching = listed->matching;
    out.fuzzy_threshold = listed->fuzzy_threshold;

    auto metrics = ListOf("metrics", arguments.metrics);
    if (!metrics) {
        return metrics.error();
    }
    if (metrics->size() > kMaxMetrics) {
        return BadArgument("metrics", "at most " + std::to_string(kMaxMetrics) + " metrics");
    }
    for (const auto& item : *metrics) {
        auto metric = ParseMetric(entity, item);
        if (!metric) {
            return metric.error();
        }
        for (const auto& seen : out.metrics) {
            if (seen.name == metric->name) {
                return BadArgument("metrics", metric->name + " is asked for twice");
            }
        }
        out.metrics.push_back(*std::move(metric));
    }
    if (out.metrics.empty()) {
        out.metrics.push_back(Metric{AggregateOp::kCount, nullptr, "count"});
    }

    auto group_by = ListOf("groupBy", arguments.group_by);
    if (!group_by) {
        return group_by.error();
    }
    if (group_by->size() > kMaxGroupBy) {
        return BadArgument("groupBy", "at most " + std::to_string(kMaxGroupBy) + " fields");
    }
    for (const auto& item : *group_by) {
        if (!item.is_string()) {
            return BadArgument("groupBy", "must list field names, got " + DescribeValue(item));
        }
        auto field = detail::LookupField(entity, item.get_string(), "groupBy");
        if (!field) {
            return field.error();
        }
        if (!IsScalar(**field)) {
            return BadArgument("groupBy",
                               "cannot group by " + entity.name() + "." + (*field)->name + " (" +
                                   schema::TypeName((*field)->type, (*field)->element_type) + ")");
        }
        for (const auto* seen : out.group_by) {
            if (seen == *field) {
                return BadArgument("groupBy", (*field)->name + " is named twice");
            }
        }
        out.group_by.push_back(*field);
    }
    return out;
}

}  // namespace ea::query
