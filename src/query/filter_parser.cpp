#include "query/filter_parser.hpp"

#include <boost/json/error.hpp>
#include <boost/json/parser.hpp>

#include <array>
#include <string>
#include <utility>

#include "query/field_lookup.hpp"

namespace ea::query {
namespace {

namespace json = boost::json;
using detail::QueryError;
using detail::QuoteName;
using schema::Field;
using schema::FieldType;

constexpr std::array<std::pair<std::string_view, Op>, 9> kOps{{
    {"$eq", Op::kEq},
    {"$ne", Op::kNe},
    {"$gt", Op::kGt},
    {"$gte", Op::kGte},
    {"$lt", Op::kLt},
    {"$lte", Op::kLte},
    {"$in", Op::kIn},
    {"$nin", Op::kNin},
    {"$exists", Op::kExists},
}};

constexpr std::string_view kOpList = "$eq, $ne, $gt, $gte, $lt, $lte, $in, $nin, $exists";

// JSON nesting the text parser allows: each $and/$or level is an object plus an array, and a
// field's operator object adds one more, so this is enough for kMaxFilterDepth and no more.
constexpr std::size_t kMaxJsonDepth = 2 * kMaxFilterDepth + 2;

bool IsRange(Op op) { return op == Op::kGt || op == Op::kGte || op == Op::kLt || op == Op::kLte; }

std::string_view JsonKind(const json::value& value) {
    switch (value.kind()) {
        case json::kind::null: return "null";
        case json::kind::bool_: return "a boolean";
        case json::kind::int64:
        case json::kind::uint64:
        case json::kind::double_: return "a number";
        case json::kind::string: return "a string";
        case json::kind::array: return "an array";
        case json::kind::object: return "an object";
    }
    return "a value";
}

FilterPtr MakeComparison(const Field& field, Op op, json::value value) {
    auto node = std::make_unique<FilterNode>();
    node->kind = FilterNode::Kind::kComparison;
    node->comparison = Comparison{&field, op, std::move(value)};
    return node;
}

// One node from several: the node itself when there is one, else an AND of them.
FilterPtr Combine(FilterNode::Kind kind, std::vector<FilterPtr> children) {
    if (children.size() == 1) return std::move(children.front());
    auto node = std::make_unique<FilterNode>();
    node->kind = kind;
    node->children = std::move(children);
    return node;
}

class Parser {
public:
    Parser(const schema::Entity& entity, CoerceFrom from) : entity_(entity), from_(from) {}

    // `path` names this object in messages: "filter", "$and[0]", "$or[1].$and[0]".
    Result<FilterPtr> ParseObject(const json::value& value, std::size_t depth,
                                  const std::string& path) {
        if (!value.is_object()) {
            return QueryError(path + " must be a JSON object, got " + std::string(JsonKind(value)),
                              "filter");
        }
        if (depth > kMaxFilterDepth) {
            return QueryError("filter nests $and/$or deeper than " +
                                  std::to_string(kMaxFilterDepth) + " levels at " + path,
                              "filter");
        }
        const json::object& object = value.get_object();
        if (object.empty()) {
            if (depth == 1) return FilterPtr{};
            return QueryError(path + " is an empty filter object", "filter");
        }
        std::vector<FilterPtr> parts;
        for (const auto& [key_view, operand] : object) {
            const std::string_view key(key_view.data(), key_view.size());
            if (key == "$and" || key == "$or") {
                auto node = ParseLogical(key, operand, depth, path);
                if (!node) return node.error();
                parts.push_back(*std::move(node));
                continue;
            }
            if (!key.empty() && key.front() == '$') {
                std::string message = "unknown operator " + QuoteName(key) + " at " + path +
                                      "; logical operators are $and, $or";
                if (OpFromName(key)) {
                    message = "operator " + QuoteName(key) + " at " + path +
                              " needs a field: {\"field\": {\"" + std::string(key) + "\": value}}";
                }
                return QueryError(std::move(message), "filter");
            }
            auto field = detail::LookupField(entity_, key, "filter");
            if (!field) return field.error();
            if ((*field)->write_only) {
                return QueryError("field '" + (*field)->name + "' cannot be used in a filter",
                                  (*field)->name);
            }
            if (auto status = ParseField(**field, operand, parts); !status) return status.error();
        }
        return Combine(FilterNode::Kind::kAnd, std::move(parts));
    }

private:
    Result<FilterPtr> ParseLogical(std::string_view key, const json::value& operand,
                                   std::size_t depth, const std::string& path) {
        const std::string here = (depth == 1 ? std::string() : path + ".") + std::string(key);
        if (!operand.is_array() || operand.get_array().empty()) {
            return QueryError(here + " must be a non-empty array of filter objects, got " +
                                  (operand.is_array() ? std::string("an empty array")
                                                      : std::string(JsonKind(operand))),
                              "filter");
        }
        std::vector<FilterPtr> children;
        const json::array& items = operand.get_array();
        for (std::size_t i = 0; i < items.size(); ++i) {
            auto child = ParseObject(items[i], depth + 1, here + "[" + std::to_string(i) + "]");
            if (!child) return child.error();
            children.push_back(*std::move(child));
        }
        return Combine(key == "$and" ? FilterNode::Kind::kAnd : FilterNode::Kind::kOr,
                       std::move(children));
    }

    Status ParseField(const Field& field, const json::value& operand,
                      std::vector<FilterPtr>& out) {
        if (!operand.is_object()) return AddComparison(field, Op::kEq, "$eq", operand, out);
        const json::object& ops = operand.get_object();
        if (ops.empty()) {
            return QueryError("field '" + field.name + "': empty operator object; use one of " +
                                  std::string(kOpList),
                              field.name);
        }
        for (const auto& [name_view, value] : ops) {
            const std::string_view name(name_view.data(), name_view.size());
            const auto op = OpFromName(name);
            if (!op) {
                std::string message = "field '" + field.name + "': unknown operator " +
                                      QuoteName(name) + "; valid operators: " +
                                      std::string(kOpList);
                if (name.empty() || name.front() != '$') {
                    message += " (an object value is read as operators; JSON fields cannot be "
                               "compared)";
                }
                return QueryError(std::move(message), field.name);
            }
            if (auto status = AddComparison(field, *op, name, value, out); !status) {
                return status.error();
            }
        }
        return Ok();
    }

    Status AddComparison(const Field& field, Op op, std::string_view op_name,
                         const json::value& value, std::vector<FilterPtr>& out) {
        const std::string prefix = "field '" + field.name + "': ";
        const std::string op_text(op_name);
        if (++comparisons_ > kMaxComparisons) {
            return QueryError("filter has more than " + std::to_string(kMaxComparisons) +
                                  " comparisons",
                              "filter");
        }
        if (op == Op::kExists) {
            std::optional<bool> exists;
            if (value.is_bool()) exists = value.get_bool();
            if (from_ == CoerceFrom::kText && value.is_string()) {
                exists = ParseBoolText(value.get_string());
            }
            if (!exists) {
                return QueryError(prefix + "$exists takes true or false, got " +
                                      DescribeValue(value),
                                  field.name);
            }
            out.push_back(MakeComparison(field, op, json::value(*exists)));
            return Ok();
        }
        if (field.type == FieldType::kJson) {
            return QueryError(prefix + "JSON fields cannot be compared with " + op_text +
                                  "; only $exists applies",
                              field.name);
        }
        if (IsRange(op) && (field.type == FieldType::kBoolean || field.type == FieldType::kArray)) {
            return QueryError(prefix + op_text + " does not apply to " +
                                  schema::TypeName(field.type, field.element_type) +
                                  " fields; use $eq, $ne, $in or $nin",
                              field.name);
        }
        if (value.is_null()) {
            if (op != Op::kEq && op != Op::kNe) {
                return QueryError(prefix + "null only works with $eq and $ne (is null / is not "
                                           "null), not " + op_text,
                                  field.name);
            }
            out.push_back(MakeComparison(field, op, json::value(nullptr)));
            return Ok();
        }
        if (op == Op::kIn || op == Op::kNin) return AddIn(field, op, op_text, value, out);
        if (value.is_array() || value.is_object()) {
            std::string message = prefix + op_text + " takes a single value, got " +
                                  std::string(JsonKind(value));
            if (value.is_array()) message += "; use $in to match any of several values";
            return QueryError(std::move(message), field.name);
        }
        auto coerced = CoerceValue(field, value, from_);
        if (!coerced) return coerced.error();
        out.push_back(MakeComparison(field, op, *std::move(coerced)));
        return Ok();
    }

    Status AddIn(const Field& field, Op op, const std::string& op_text, const json::value& value,
                 std::vector<FilterPtr>& out) {
        const std::string prefix = "field '" + field.name + "': ";
        if (!value.is_array() || value.get_array().empty()) {
            return QueryError(prefix + op_text + " takes a non-empty array, got " +
                                  (value.is_array() ? std::string("an empty array")
                                                    : std::string(JsonKind(value))),
                              field.name);
        }
        const json::array& items = value.get_array();
        if (items.size() > kMaxInValues) {
            return QueryError(prefix + op_text + " has " + std::to_string(items.size()) +
                                  " values; the limit is " + std::to_string(kMaxInValues),
                              field.name);
        }
        json::array coerced_items;
        coerced_items.reserve(items.size());
        for (std::size_t i = 0; i < items.size(); ++i) {
            const std::string where = prefix + op_text + "[" + std::to_string(i) + "]: ";
            const json::value& item = items[i];
            if (item.is_null() || item.is_array() || item.is_object()) {
                return QueryError(where + "expected a single value, got " +
                                      std::string(JsonKind(item)) +
                                      (item.is_null() ? " (use $eq null to match nulls)" : ""),
                                  field.name);
            }
            auto coerced = CoerceValue(field, item, from_);
            if (!coerced) {
                const auto& field_errors = coerced.error().fields;
                const std::string problem =
                    field_errors.empty() ? coerced.error().message : field_errors.front().message;
                return QueryError(where + problem, field.name);
            }
            coerced_items.push_back(*std::move(coerced));
        }
        out.push_back(MakeComparison(field, op, json::value(std::move(coerced_items))));
        return Ok();
    }

    const schema::Entity& entity_;
    CoerceFrom from_;
    std::size_t comparisons_ = 0;
};

bool IsBlank(std::string_view text) {
    for (char c : text) {
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
    }
    return true;
}

}  // namespace

Result<FilterPtr> ParseFilter(const schema::Entity& entity, const json::value& filter,
                              CoerceFrom from) {
    Parser parser(entity, from);
    return parser.ParseObject(filter, 1, "filter");
}

Result<FilterPtr> ParseFilterText(const schema::Entity& entity, std::string_view json_text) {
    if (json_text.size() > kMaxFilterTextBytes) {
        return QueryError("filter is " + std::to_string(json_text.size()) +
                              " bytes; the limit is " + std::to_string(kMaxFilterTextBytes),
                          "filter");
    }
    if (IsBlank(json_text)) return FilterPtr{};
    json::parse_options options;
    options.max_depth = kMaxJsonDepth;
    options.allow_invalid_utf8 = false;
    json::parser parser(json::storage_ptr(), options);
    json::error_code ec;
    const std::size_t consumed = parser.write(json_text.data(), json_text.size(), ec);
    if (ec == json::error::too_deep) {
        return QueryError("filter nests deeper than " + std::to_string(kMaxFilterDepth) +
                              " $and/$or levels",
                          "filter");
    }
    if (ec) {
        return QueryError("filter is not valid JSON (at byte " + std::to_string(consumed) +
                              "): " + ec.message(),
                          "filter");
    }
    const json::value value = parser.release();
    return ParseFilter(entity, value, CoerceFrom::kJson);
}

std::string_view OpName(Op op) {
    for (const auto& [name, candidate] : kOps) {
        if (candidate == op) return name;
    }
    return "$?";
}

std::optional<Op> OpFromName(std::string_view name) {
    for (const auto& [candidate, op] : kOps) {
        if (candidate == name) return op;
    }
    return std::nullopt;
}

}  // namespace ea::query
