#include "mcp/tool_schema.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include <boost/json/array.hpp>

#include "common/json_text.hpp"
#include "query/filter_parser.hpp"
#include "query/view.hpp"
#include "validate/value_schema.hpp"

namespace ea::mcp {
namespace {

using boost::json::array;
using boost::json::object;
using schema::Entity;
using schema::Field;
using schema::FieldType;

using validate::kIdPattern;

std::string Describe(const Field& field) {
    std::string text = field.description;
    const auto add = [&](const std::string& more) {
        if (!text.empty() && text.back() != '.') {
            text += '.';
        }
        text += text.empty() ? more : " " + more;
    };
    if (field.target != nullptr) {
        add("The id of a " + field.target->name() + ".");
    }
    if (field.type == FieldType::kCurrency) {
        add("At most two decimal places.");
    }
    if (field.pattern) {
        add("Must match: " + field.pattern->message + ".");
    }
    if (field.default_value) {
        add("Default: " + ToJsonText(*field.default_value) + ".");
    }
    return text;
}

// The schema of a value a client writes into `field` (validate/value_schema), described.
object WriteValue(const Field& field) {
    object s = validate::ValueSchema(field);
    if (const auto text = Describe(field); !text.empty()) {
        s["description"] = text;
    }
    return s;
}

object IdProperty(std::string description) {
    return object{
        {"type", "string"}, {"pattern", kIdPattern}, {"description", std::move(description)}};
}

object ObjectSchema(object properties, array required) {
    object s{
        {"$schema", kJsonSchemaDialect}, {"type", "object"}, {"properties", std::move(properties)}};
    if (!required.empty()) {
        s["required"] = std::move(required);
    }
    s["additionalProperties"] = false;
    return s;
}

// {"$eq": v, "$gt": v, ..., "$in": [v], "$exists": bool} for one field, offering only the
// operators the filter parser accepts for its type.
object OperatorObject(const Field& field) {
    const FieldType type = field.type == FieldType::kArray ? field.element_type : field.type;
    object value = validate::OperandSchema(field, type);
    object nullable{{"anyOf", array{value, object{{"type", "null"}}}}};
    object ops;
    if (field.type != FieldType::kJson) {
        ops["$eq"] = nullable;
        ops["$ne"] = nullable;
        const bool ranged = field.type != FieldType::kArray && type != FieldType::kBoolean;
        if (ranged) {
            for (const char* op : {"$gt", "$gte", "$lt", "$lte"}) {
                ops[op] = value;
            }
        }
        const object list{{"type", "array"},
                          {"items", value},
                          {"minItems", 1},
                          {"maxItems", static_cast<std::int64_t>(query::kMaxInValues)}};
        ops["$in"] = list;
        ops["$nin"] = list;
    }
    ops["$exists"] = object{{"type", "boolean"}};
    return object{{"type", "object"},
                  {"properties", std::move(ops)},
                  {"additionalProperties", false},
                  {"minProperties", 1}};
}

// The $defs name of the operator object a field shares with every field of its kind: fields
// with an enum get their own (the values differ), the others one per type, so a list tool's schema
// states each operator set once rather than once per field.
std::string OperatorsName(const Field& field) {
    const FieldType type = field.type == FieldType::kArray ? field.element_type : field.type;
    if (type == FieldType::kString && field.enum_rule) {
        return "ops_" + field.name;
    }
    std::string name = field.type == FieldType::kArray ? "ops_array_" : "ops_";
    switch (type) {
        case FieldType::kString:
            return name + "string";
        case FieldType::kInteger:
            return name + "integer";
        case FieldType::kNumber:
        case FieldType::kCurrency:
            return name + "number";
        case FieldType::kBoolean:
            return name + "boolean";
        case FieldType::kDate:
            return name + "date";
        case FieldType::kDatetime:
            return name + "datetime";
        case FieldType::kObjectId:
            return name + "id";
        case FieldType::kJson:
            return name + "json";
        case FieldType::kArray:
            return name + "array";
    }
    return name;
}

// The recursive filter schema {field: value | operators, $and: [filter], $or: [...]}, and beside
// it in `defs` the operator objects its fields refer to. Only the fields `offer` may filter on.
object FilterSchema(const Entity& entity, object& defs, const rbac::InputOffer& offer) {
    object properties;
    for (const auto& field : entity.fields()) {
        if (!offer.Filterable(entity, field)) {
            continue;
        }
        const std::string ops = OperatorsName(field);
        if (!defs.contains(ops)) {
            defs[ops] = OperatorObject(field);
        }
        object ref{{"$ref", "#/$defs/" + ops}};
        if (field.type == FieldType::kJson) {
            properties[field.name] = std::move(ref);
            continue;
        }
        const FieldType type = field.type == FieldType::kArray ? field.element_type : field.type;
        object property{{"anyOf", array{validate::OperandSchema(field, type),
                                        object{{"type", "null"}}, std::move(ref)}}};
        if (!field.description.empty()) {
            property["description"] = field.description;
        }
        properties[field.name] = std::move(property);
    }
    const object nested{
        {"type", "array"}, {"items", object{{"$ref", "#/$defs/filter"}}}, {"minItems", 1}};
    properties["$and"] = nested;
    properties["$or"] = nested;
    return object{
        {"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
}

// {"account": ["id", "createdAt"], ...}: one key per reference `offer` may embed, the target's
// fields it may embed; nullopt when there is none (no `view` argument is offered).
std::optional<object> ViewSchema(const Entity& entity, const rbac::InputOffer& offer) {
    object properties;
    for (const auto* relation_ptr : offer.EmbeddableRelations(entity)) {
        const auto& relation = *relation_ptr;
        array names;
        for (const auto* field : offer.EmbeddableFields(*relation.to)) {
            names.emplace_back(field->name);
        }
        if (names.empty()) {
            continue;  // an enum must not be empty
        }
        properties[query::ViewName(*relation.field)] = object{
            {"type", "array"},
            {"items", object{{"type", "string"}, {"enum", std::move(names)}}},
            {"uniqueItems", true},
            {"description", "Fields of the " + relation.to->name() + " that " +
                                relation.field->name + " refers to, embedded in the result."}};
    }
    if (properties.empty()) {
        return std::nullopt;
    }
    return object{{"type", "object"},
                  {"properties", std::move(properties)},
                  {"additionalProperties", false},
                  {"description", "Embed fields of referenced records."}};
}

}  // namespace

bool IsWritable(const Field& field) {
    return !field.built_in && !field.auto_generate && !field.auto_update;
}

object CreateInputSchema(const Entity& entity, const rbac::InputOffer& offer) {
    object properties;
    array required;
    properties["id"] = IdProperty("Optional id for the new " + entity.name() +
                                  "; the server chooses one when absent.");
    for (const auto& field : entity.fields()) {
        if (!offer.Settable(entity, field)) {
            continue;
        }
        properties[field.name] = WriteValue(field);
        if (field.required && !field.default_value) {
            required.emplace_back(field.name);
        }
    }
    return ObjectSchema(std::move(properties), std::move(required));
}

object UpdateInputSchema(const Entity& entity, const rbac::InputOffer& offer) {
    object properties;
    properties["id"] = IdProperty("The id of the " + entity.name() + " to change.");
    for (const auto& field : entity.fields()) {
        if (offer.Settable(entity, field)) {
            properties[field.name] = WriteValue(field);
        }
    }
    auto s = ObjectSchema(std::move(properties), array{"id"});
    s["minProperties"] = 2;  // the id and at least one change
    return s;
}

object GetInputSchema(const Entity& entity, const rbac::InputOffer& offer) {
    object properties{{"id", IdProperty("The id of the " + entity.name() + ".")}};
    if (auto view = ViewSchema(entity, offer)) {
        properties["view"] = *std::move(view);
    }
    return ObjectSchema(std::move(properties), array{"id"});
}

object DeleteInputSchema(const Entity& entity) {
    return ObjectSchema(
        object{{"id", IdProperty("The id of the " + entity.name() + " to delete.")}}, array{"id"});
}

object ListInputSchema(const Entity& entity, const ToolSchemaOptions& options,
                       const rbac::InputOffer& offer) {
    array sortable;
    for (const auto* field : offer.SortableFields(entity)) {
        sortable.emplace_back(field->name);
    }
    object properties;
    properties["filter"] = object{
        {"$ref", "#/$defs/filter"},
        {"description",
         "MongoDB-style: {\"field\": value} or {\"field\": {\"$gte\": v, \"$lt\": w}}; operators "
         "$eq $ne $gt $gte $lt $lte $in $nin $exists; combine with $and / $or. Omit for all."}};
    properties["filter_matching"] =
        object{{"type", "string"},
               {"enum", array{"exact", "contains", "fuzzy"}},
               {"default", "exact"},
               {"description",
                "How equality on free-text fields matches: exact, contains "
                "(case-insensitive substring) or fuzzy (forgives typos)."}};
    const bool sortable_any = !sortable.empty();
    properties["sort"] =
        object{{"type", "array"},
               {"items",
                object{{"type", "object"},
                       {"properties",
                        object{{"field", object{{"type", "string"}, {"enum", std::move(sortable)}}},
                               {"direction", object{{"type", "string"},
                                                    {"enum", array{"asc", "desc"}},
                                                    {"default", "asc"}}}}},
                       {"required", array{"field"}},
                       {"additionalProperties", false}}},
               {"description", "Sort keys in order; id breaks ties."}};
    if (!sortable_any) {
        properties.erase("sort");  // nothing to sort by (an enum must not be empty)
    }
    properties["page"] = object{{"type", "integer"}, {"minimum", 1}, {"default", 1}};
    properties["pageSize"] = object{{"type", "integer"},
                                    {"minimum", 1},
                                    {"maximum", options.max_page_size},
                                    {"default", query::kDefaultPageSize}};
    properties["count"] =
        object{{"type", "string"},
               {"enum", array{"auto", "exact", "estimated", "none"}},
               {"default", "auto"},
               {"description",
                "How the total is counted: auto (exact on small or selective results, otherwise "
                "estimated; pagination.totalIsEstimate says which), exact, estimated, or none "
                "(no total; pagination.hasMore says whether another page exists)."}};
    if (auto view = ViewSchema(entity, offer)) {
        properties["view"] = *std::move(view);
    }
    auto s = ObjectSchema(std::move(properties), array{});
    object defs;
    object filter = FilterSchema(entity, defs, offer);
    defs["filter"] = std::move(filter);
    s["$defs"] = std::move(defs);
    return s;
}

std::optional<ToolsMode> ParseToolsMode(std::string_view text) {
    if (text == "entity") {
        return ToolsMode::kPerEntity;
    }
    if (text == "compact") {
        return ToolsMode::kCompact;
    }
    return std::nullopt;
}

}  // namespace ea::mcp
