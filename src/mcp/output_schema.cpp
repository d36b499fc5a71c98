#include "mcp/output_schema.hpp"

#include <string>
#include <utility>

#include <boost/json/array.hpp>

#include "mcp/tool_schema.hpp"
#include "query/view.hpp"

namespace ea::mcp::detail {
namespace {

using boost::json::array;
using boost::json::object;
using schema::Entity;
using schema::Field;
using schema::FieldType;

object Nullable(const char* type) {
    return object{{"type", array{type, "null"}}};
}

const char* ScalarType(FieldType type) {
    switch (type) {
        case FieldType::kInteger:
            return "integer";
        case FieldType::kNumber:
        case FieldType::kCurrency:
            return "number";
        case FieldType::kBoolean:
            return "boolean";
        case FieldType::kJson:
            return nullptr;  // any JSON value
        default:
            return "string";
    }
}

// A stored value of `field` as records return it.
object FieldValue(const Field& field) {
    if (field.name == "id") {
        return object{{"type", "string"}};
    }
    if (field.type == FieldType::kArray) {
        object s = Nullable("array");
        if (const char* element = ScalarType(field.element_type)) {
            s["items"] = object{{"type", element}};
        }
        return s;
    }
    const char* type = ScalarType(field.type);
    return type == nullptr ? object{} : Nullable(type);
}

object FieldMessages() {
    return object{
        {"type", "array"},
        {"items", object{{"type", "object"},
                         {"properties", object{{"field", object{{"type", "string"}}},
                                               {"message", object{{"type", "string"}}}}}}}};
}

// Its shape ({code, message, fields?, retryAfterSeconds?}) is documented in docs/mcp/tools.md
// rather than spelled out in each of the 42 schemas: tools/list stays ~15 KB smaller.
object ErrorSchema() {
    return object{{"type", "object"}, {"description", "isError results only"}};
}

// {type: object, properties + error, anyOf [success's required, [error]]}: the success result
// or an isError result.
object ResultSchema(object properties, array required) {
    properties["error"] = ErrorSchema();
    object s{{"$schema", kJsonSchemaDialect},
             {"type", "object"},
             {"properties", std::move(properties)},
             {"additionalProperties", false}};
    if (!required.empty()) {
        // Each branch names the members it requires (strict validators such as ajv's want a
        // required member defined beside the `required`); their schemas are the ones above.
        const auto branch = [](array names) {
            object defined;
            for (const auto& name : names) {
                defined[name.as_string()] = true;
            }
            return object{{"properties", std::move(defined)}, {"required", std::move(names)}};
        };
        s["anyOf"] = array{branch(std::move(required)), branch(array{"error"})};
    }
    return s;
}

object PaginationSchema() {
    const auto integer = [] { return object{{"type", "integer"}}; };
    return object{{"type", "object"},
                  {"properties", object{{"page", integer()},
                                        {"pageSize", integer()},
                                        {"total", Nullable("integer")},
                                        {"totalPages", Nullable("integer")},
                                        {"totalIsEstimate", object{{"type", "boolean"}}},
                                        {"hasMore", object{{"type", "boolean"}}},
                                        {"pageSizeClampedFrom", integer()},
                                        {"truncated", object{{"type", "boolean"}}},
                                        {"returned", integer()},
                                        {"requestedPage", integer()},
                                        {"requestedPageSize", integer()},
                                        {"hint", object{{"type", "string"}}}}},
                  {"required",
                   array{"page", "pageSize", "total", "totalPages", "totalIsEstimate", "hasMore"}},
                  {"additionalProperties", false}};
}

object WarningsSchema() {
    return FieldMessages();
}

object RecordProperties(const Entity& entity) {
    object properties;
    for (const auto& field : entity.fields()) {
        if (!field.write_only) {
            properties[field.name] = FieldValue(field);
        }
    }
    for (const auto& relation : entity.references()) {
        properties[query::ViewName(*relation.field)] = Nullable("object");
    }
    return properties;
}

// An aggregate's metric: a count or sum, an average, a min or max of any scalar type, or null.
object MetricValue() {
    return object{{"anyOf", array{object{{"type", "number"}}, object{{"type", "string"}},
                                  object{{"type", "boolean"}}, object{{"type", "null"}}}}};
}

object StringProperty() {
    return object{{"type", "string"}};
}

}  // namespace

object RecordOutputSchema(const Entity& entity) {
    return object{{"type", "object"},
                  {"properties", RecordProperties(entity)},
                  {"required", array{"id"}},
                  {"additionalProperties", false}};
}

object FieldSelectionSchema(const Entity& entity, const rbac::InputOffer& offer) {
    array names;
    for (const auto* field : offer.ReadableFields(entity)) {
        names.emplace_back(field->name);
    }
    return object{{"type", "array"},
                  {"items", object{{"type", "string"}, {"enum", std::move(names)}}},
                  {"uniqueItems", true},
                  {"description",
                   "Return only these fields (id is always returned); omit for every field. "
                   "Fewer fields keep results small."}};
}

object OutputSchema(const Tool& tool) {
    switch (tool.kind) {
        case ToolKind::kList:
            return ResultSchema(
                object{{"data",
                        object{{"type", "array"}, {"items", RecordOutputSchema(*tool.entity)}}},
                       {"pagination", PaginationSchema()},
                       {"warnings", WarningsSchema()}},
                array{"data", "pagination"});
        case ToolKind::kGet:
        case ToolKind::kCreate:
        case ToolKind::kUpdate:
        case ToolKind::kDelete:
            return ResultSchema(RecordProperties(*tool.entity), array{"id"});
        case ToolKind::kLogin:
            return ResultSchema(
                object{{"token", StringProperty()},
                       {"expiresAt", StringProperty()},
                       {"user", object{{"type", "object"},
                                       {"properties", object{{"id", StringProperty()},
                                                             {"username", StringProperty()},
                                                             {"role", StringProperty()}}},
                                       {"required", array{"id", "username", "role"}},
                                       {"additionalProperties", false}}}},
                array{"token", "expiresAt", "user"});
        case ToolKind::kLogout:
            return ResultSchema(object{{"loggedOut", object{{"type", "boolean"}}}},
                                array{"loggedOut"});
        case ToolKind::kRefresh:
            return ResultSchema(object{{"expiresAt", StringProperty()}}, array{"expiresAt"});
        case ToolKind::kAggregate:
            return ResultSchema(
                object{{"entity", StringProperty()},
                       {"groups",
                        object{{"type", "array"},
                               {"items",
                                object{{"type", "object"},
                                       {"properties", object{{"key", object{{"type", "object"}}}}},
                                       {"required", array{"key"}},
                                       // One member per metric (count, sum_cost, ...).
                                       {"additionalProperties", MetricValue()}}}}},
                       {"truncated", object{{"type", "boolean"}}}},
                array{"entity", "groups", "truncated"});
        case ToolKind::kBatch:
            return ResultSchema(
                object{{"data",
                        object{{"type", "array"},
                               {"items", object{{"type", "object"},
                                                {"properties", object{{"id", StringProperty()}}},
                                                {"required", array{"id"}}}}}},
                       {"count", object{{"type", "integer"}}}},
                array{"data", "count"});
        case ToolKind::kDescribe:
        case ToolKind::kQueryAny:
        case ToolKind::kGetAny:
        case ToolKind::kCreateAny:
        case ToolKind::kUpdateAny:
        case ToolKind::kDeleteAny:
            // Compact tools carry none: what they return depends on the entity argument, and a
            // schema per entity would undo the point of compact mode (tools/list <= 2,000 tokens).
            return object{};
    }
    return ResultSchema(object{}, array{});
}

}  // namespace ea::mcp::detail
