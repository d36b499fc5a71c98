#include "mcp/compact_tools.hpp"

#include <string>
#include <utility>

#include <boost/json/array.hpp>

#include "http/target.hpp"
#include "rbac/authorizer.hpp"
#include "schema/names.hpp"
#include "service/schema_description.hpp"

namespace ea::mcp::detail {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

constexpr int kMaxSamples = 5;

Error BadArgument(const std::string& problem, const std::string& field) {
    return Error{ErrorCode::kInvalidArgument, problem, {{field, problem}}};
}

object EntityProperty(const schema::Schema& schema, schema::Operation op) {
    array names;
    for (const auto& entity : schema.entities()) {
        if (entity->Allows(op)) {
            names.emplace_back(entity->name());
        }
    }
    return object{{"type", "string"}, {"enum", std::move(names)}};
}

// No "$schema" in compact mode's schemas: absent, it is 2020-12 (MCP 2025-11-25, "JSON Schema
// Usage"), and its 58 bytes in each of 11 tools are 8% of the listing's 2,000-token budget.
object Input(object properties, array required) {
    object input{{"type", "object"}, {"properties", std::move(properties)}};
    if (!required.empty()) {
        input["required"] = std::move(required);
    }
    input["additionalProperties"] = false;
    return input;
}

object Hints(bool read_only, bool destructive, bool idempotent) {
    object a{{"readOnlyHint", read_only}, {"openWorldHint", false}};
    if (!read_only) {
        a["destructiveHint"] = destructive;
        a["idempotentHint"] = idempotent;
    }
    return a;
}

bool AnyAllows(const schema::Schema& schema, schema::Operation op) {
    for (const auto& entity : schema.entities()) {
        if (entity->Allows(op)) {
            return true;
        }
    }
    return false;
}

object IdProperty() {
    return object{{"type", "string"}, {"minLength", 1}};
}

// The operations ctx.principal is offered on `entity` (its role's rules and the entity's own).
array CallerOperations(const schema::Schema& schema, const service::RequestContext& ctx,
                       const schema::Entity& entity) {
    const rbac::EntityAccess access(schema, ctx.principal, entity);
    array operations;
    for (auto [action, text] :
         {std::pair{rbac::Action::kRead, "read"}, std::pair{rbac::Action::kCreate, "create"},
          std::pair{rbac::Action::kUpdate, "update"}, std::pair{rbac::Action::kDelete, "delete"}}) {
        if (access.Offers(action)) {
            operations.emplace_back(text);
        }
    }
    return operations;
}

}  // namespace

std::vector<Tool> CompactTools(const schema::Schema& schema, const ToolSchemaOptions& options) {
    std::vector<Tool> tools;
    const auto entity = [&](schema::Operation op) { return EntityProperty(schema, op); };
    tools.push_back(Tool{
        "describe_entities", "Describe entities",
        "Start here. Without entity: every entity you may use and its operations. With entity: "
        "its fields (type, required, enum, description); detail \"schemas\" adds the exact "
        "argument schemas of query/create/update for it; samples N adds N records.",
        Input(object{{"entity", entity(schema::kRead)},
                     {"detail", object{{"type", "string"}, {"enum", array{"fields", "schemas"}}}},
                     {"samples",
                      object{{"type", "integer"}, {"minimum", 0}, {"maximum", kMaxSamples}}}},
              array{}),
        Hints(true, false, true), ToolKind::kDescribe, nullptr});
    if (AnyAllows(schema, schema::kRead)) {
        tools.push_back(Tool{
            "query", "Query records",
            "List records of an entity: filter ({\"field\": value} or {\"field\": {\"$gte\": v}}; "
            "$eq $ne $gt $gte $lt $lte $in $nin $exists $and $or), filter_matching "
            "exact|contains|fuzzy, sort [{field, direction}], page, pageSize, count, view. "
            "Returns {data, pagination}.",
            Input(object{{"entity", entity(schema::kRead)},
                         {"filter", object{{"type", "object"}}},
                         {"filter_matching", object{{"type", "string"},
                                                    {"enum", array{"exact", "contains", "fuzzy"}}}},
                         {"sort", object{{"type", "array"}, {"items", object{{"type", "object"}}}}},
                         {"page", object{{"type", "integer"}, {"minimum", 1}}},
                         {"pageSize", object{{"type", "integer"},
                                             {"minimum", 1},
                                             {"maximum", options.max_page_size}}},
                         {"count", object{{"type", "string"},
                                          {"enum", array{"auto", "exact", "estimated", "none"}}}},
                         {"view", object{{"type", "object"}}}},
                  array{"entity"}),
            Hints(true, false, true), ToolKind::kQueryAny, nullptr});
        tools.push_back(Tool{"get", "Get a record", "One record of an entity by id.",
                             Input(object{{"entity", entity(schema::kRead)},
                                          {"id", IdProperty()},
                                          {"view", object{{"type", "object"}}}},
                                   array{"entity", "id"}),
                             Hints(true, false, true), ToolKind::kGetAny, nullptr});
    }
    if (AnyAllows(schema, schema::kCreate)) {
        tools.push_back(Tool{
            "create", "Create a record",
            "Create a record of an entity from data (its fields); returns it.",
            Input(object{{"entity", entity(schema::kCreate)}, {"data", object{{"type", "object"}}}},
                  array{"entity", "data"}),
            Hints(false, false, false), ToolKind::kCreateAny, nullptr});
    }
    if (AnyAllows(schema, schema::kUpdate)) {
        tools.push_back(Tool{
            "update", "Update a record", "Change the fields in data of the record id; returns it.",
            Input(object{{"entity", entity(schema::kUpdate)},
                         {"id", IdProperty()},
                         {"data", object{{"type", "object"}, {"minProperties", 1}}}},
                  array{"entity", "id", "data"}),
            Hints(false, true, true), ToolKind::kUpdateAny, nullptr});
    }
    if (AnyAllows(schema, schema::kDelete)) {
        tools.push_back(
            Tool{"delete", "Delete a record",
                 "Delete the record id (dependants follow on_delete); returns it.",
                 Input(object{{"entity", entity(schema::kDelete)}, {"id", IdProperty()}},
                       array{"entity", "id"}),
                 Hints(false, true, true), ToolKind::kDeleteAny, nullptr});
    }
    return tools;
}

Tool CompactForm(Tool tool) {
    // Compact mode counts its bytes: no "$schema" (see Input), no annotations.title (the tool's
    // own title says it since 2025-06-18).
    tool.input_schema.erase("$schema");
    tool.annotations.erase("title");
    auto& properties = tool.input_schema["properties"].as_object();
    if (tool.kind == ToolKind::kLogin || tool.kind == ToolKind::kLogout ||
        tool.kind == ToolKind::kRefresh) {
        // "The username.", "The session token.": the names say as much.
        for (auto& [name, property] : properties) {
            property.as_object().erase("description");
        }
        if (tool.kind == ToolKind::kLogin) {
            tool.description =
                "Open a session; returns a token (a REST bearer too) for the "
                "logout and refresh tools, and its expiry. This connection keeps "
                "acting as its own user.";
        }
    }
    if (tool.kind == ToolKind::kBatch) {
        // The shared batch tool points at create_<entity>, which compact mode does not list.
        tool.description =
            "Create and update records of any entities in one transaction: all succeed or nothing "
            "is written. Each item is checked exactly as create or update checks it; errors name "
            "the item ([2].email: ...). Example: {\"items\": [{\"op\": \"create\", \"entity\": "
            "\"Account\", \"data\": {\"id\": \"acc_new\"}}, {\"op\": \"update\", \"entity\": "
            "\"Profile\", \"data\": {\"id\": \"pro_123\", \"name\": \"Home\"}}]}.";
        auto& item = properties["items"].as_object()["items"].as_object();
        item["properties"].as_object()["data"].as_object()["description"] =
            "create: the record's fields, as create's data; update: the id and the fields to "
            "change.";
    } else if (tool.kind == ToolKind::kAggregate) {
        // The description and its example say what the argument descriptions did.
        for (auto& [name, property] : properties) {
            property.as_object().erase("description");
        }
        properties["filter"].as_object()["description"] = "query's filter; omit for all records.";
        properties["metrics"]
            .as_object()["items"]
            .as_object()["properties"]
            .as_object()["field"]
            .as_object()
            .erase("description");
    }
    return tool;
}

Result<std::optional<ToolsMode>> ToolsModeOfQuery(std::string_view query) {
    auto params = http::ParseQueryString(query);
    if (!params) {
        return params.error();
    }
    std::optional<ToolsMode> mode;
    for (const auto& [name, text] : *params) {
        if (name == "tools") {
            mode = ParseToolsMode(text);
            if (!mode) {
                return InvalidArgument("Bad Request: tools must be entity or compact");
            }
        }
    }
    return mode;
}

ToolKind PerEntityKind(ToolKind compact) {
    switch (compact) {
        case ToolKind::kQueryAny:
            return ToolKind::kList;
        case ToolKind::kGetAny:
            return ToolKind::kGet;
        case ToolKind::kCreateAny:
            return ToolKind::kCreate;
        case ToolKind::kUpdateAny:
            return ToolKind::kUpdate;
        case ToolKind::kDeleteAny:
            return ToolKind::kDelete;
        default:
            return compact;
    }
}

std::string PerEntityToolName(ToolKind compact, const schema::Entity& entity) {
    const std::string singular = schema::SnakeCase(entity.name());
    switch (compact) {
        case ToolKind::kQueryAny:
            return "list_" + schema::PluralSnakeCase(entity.name());
        case ToolKind::kGetAny:
            return "get_" + singular;
        case ToolKind::kCreateAny:
            return "create_" + singular;
        case ToolKind::kUpdateAny:
            return "update_" + singular;
        case ToolKind::kDeleteAny:
            return "delete_" + singular;
        default:
            return {};
    }
}

Result<object> PerEntityArguments(ToolKind compact, const object& arguments) {
    object out;
    if (compact == ToolKind::kCreateAny || compact == ToolKind::kUpdateAny) {
        for (const auto& [key, unused] : arguments) {
            if (key != "entity" && key != "data" && key != "id") {
                const std::string shown(std::string_view(key).substr(0, 64));
                return BadArgument("unknown argument \"" + shown + "\"; valid arguments: entity, " +
                                       (compact == ToolKind::kUpdateAny ? "id, " : "") + "data",
                                   shown);
            }
        }
        const auto* data = arguments.if_contains("data");
        if (data == nullptr || !data->is_object()) {
            return BadArgument("data is required: an object of the record's fields", "data");
        }
        out = data->as_object();
        if (compact == ToolKind::kUpdateAny) {
            out.erase("id");
            if (const auto* id = arguments.if_contains("id")) {
                out["id"] = *id;
            }
        }
        return out;
    }
    out = arguments;
    out.erase("entity");
    return out;
}

Result<ToolOutput> RunDescribe(service::DocumentService& documents,
                               const service::RequestContext& ctx, const ToolRegistry& registry,
                               const object& arguments) {
    for (const auto& [key, unused] : arguments) {
        if (key != "entity" && key != "detail" && key != "samples") {
            const std::string shown(std::string_view(key).substr(0, 64));
            return BadArgument(
                "unknown argument \"" + shown + "\"; valid arguments: entity, detail, samples",
                shown);
        }
    }
    const schema::Schema& schema = documents.schema();
    const auto* name = arguments.if_contains("entity");
    if (name == nullptr || name->is_null()) {
        array entities;
        for (const auto& entity : schema.entities()) {
            array operations = CallerOperations(schema, ctx, *entity);
            if (operations.empty()) {
                continue;
            }
            entities.push_back(object{{"name", entity->name()},
                                      {"description", entity->description()},
                                      {"operations", std::move(operations)}});
        }
        return value(object{{"entities", std::move(entities)}});
    }
    if (!name->is_string()) {
        return BadArgument("entity must be an entity name", "entity");
    }
    auto entity = schema.LookupEntity(name->as_string());
    if (!entity) {
        return entity.error();
    }
    const rbac::EntityAccess access(schema, ctx.principal, **entity);
    if (ctx.channel != service::Channel::kCli) {
        if (auto allowed = access.Authorize(rbac::Action::kRead); !allowed) {
            return allowed.error();
        }
    }
    auto described = service::DescribeSchemaFor(schema, ctx.principal, documents.backend());
    object out{{"entity", (*entity)->name()}};
    if (const auto* found = described.at("entities").as_object().if_contains((*entity)->name())) {
        out["description"] = *found;
        // What this caller may do, not what the schema allows anyone.
        out["description"].as_object()["operations"] = CallerOperations(schema, ctx, **entity);
    }
    const auto* detail = arguments.if_contains("detail");
    if (detail != nullptr && *detail == value("schemas")) {
        object schemas;
        for (ToolKind kind : {ToolKind::kQueryAny, ToolKind::kCreateAny, ToolKind::kUpdateAny}) {
            if (const Tool* tool = registry.Find(PerEntityToolName(kind, **entity))) {
                schemas[kind == ToolKind::kQueryAny    ? "query"
                        : kind == ToolKind::kCreateAny ? "create.data"
                                                       : "update.data"] = tool->input_schema;
            }
        }
        out["schemas"] = std::move(schemas);
    } else if (detail != nullptr && !detail->is_null() && *detail != value("fields")) {
        return BadArgument("detail must be fields or schemas", "detail");
    }
    if (const auto* samples = arguments.if_contains("samples");
        samples != nullptr && !samples->is_null()) {
        if (!samples->is_int64() || samples->as_int64() < 0 || samples->as_int64() > kMaxSamples) {
            return BadArgument(
                "samples must be an integer from 0 to " + std::to_string(kMaxSamples), "samples");
        }
        if (samples->as_int64() > 0) {
            query::Query q;
            q.page_size = static_cast<int>(samples->as_int64());
            q.count = query::CountMode::kNone;
            auto listed = documents.List(ctx, **entity, q);
            if (!listed) {
                return listed.error();
            }
            array rows;
            for (auto& row : listed->rows) {
                rows.emplace_back(std::move(row));
            }
            out["samples"] = std::move(rows);
        }
    }
    return value(std::move(out));
}

}  // namespace ea::mcp::detail
