#include "mcp/batch_tool.hpp"

#include <string>
#include <utility>
#include <vector>

#include "mcp/tool_schema.hpp"

namespace ea::mcp::detail {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

Error BadItem(std::size_t index, const std::string& problem) {
    const std::string field = "items[" + std::to_string(index) + "]";
    return Error{ErrorCode::kInvalidArgument, field + ": " + problem, {{field, problem}}};
}

}  // namespace

std::optional<Tool> BatchTool(const schema::Schema& schema) {
    array entities;
    for (const auto& entity : schema.entities()) {
        if (entity->Allows(schema::kCreate) || entity->Allows(schema::kUpdate)) {
            entities.emplace_back(entity->name());
        }
    }
    if (entities.empty()) {
        return std::nullopt;
    }
    object item{
        {"type", "object"},
        {"properties",
         object{
             {"op", object{{"type", "string"}, {"enum", array{"create", "update"}}}},
             {"entity", object{{"type", "string"}, {"enum", std::move(entities)}}},
             {"data", object{{"type", "object"},
                             {"description",
                              "create: the record's fields, as create_<entity> takes them; "
                              "update: the id and the fields to change, as update_<entity>."}}}}},
        {"required", array{"op", "entity", "data"}},
        {"additionalProperties", false}};
    object properties{{"items", object{{"type", "array"},
                                       {"items", std::move(item)},
                                       {"minItems", 1},
                                       {"maxItems", kMaxBatchItems}}}};
    object input{{"$schema", kJsonSchemaDialect},
                 {"type", "object"},
                 {"properties", std::move(properties)},
                 {"required", array{"items"}},
                 {"additionalProperties", false}};
    return Tool{"batch",
                "Create and update records atomically",
                "Create and update records of any entities in one transaction: all succeed or "
                "nothing is written. Each item is checked exactly as create_<entity> or "
                "update_<entity> checks it; errors name the item ([2].email: ...). At most " +
                    std::to_string(kMaxBatchItems) +
                    " items. Example: {\"items\": [{\"op\": \"create\", \"entity\": \"Account\", "
                    "\"data\": {\"id\": \"acc_new\"}}, {\"op\": \"update\", \"entity\": "
                    "\"Profile\", \"data\": {\"id\": \"pro_123\", \"name\": \"Home\"}}]}.",
                std::move(input),
                object{{"title", "Create and update records atomically"},
                       {"readOnlyHint", false},
                       {"destructiveHint", true},
                       {"idempotentHint", false},
                       {"openWorldHint", false}},
                ToolKind::kBatch,
                nullptr};
}

object WithBatchEntityEnum(const object& input_schema, const array& entities) {
    object out = input_schema;
    out["properties"]
        .as_object()["items"]
        .as_object()["items"]
        .as_object()["properties"]
        .as_object()["entity"]
        .as_object()["enum"] = entities;
    return out;
}

Result<ToolOutput> RunBatch(service::DocumentService& documents, const service::RequestContext& ctx,
                            const object& arguments) {
    for (const auto& [key, unused] : arguments) {
        if (key != "items") {
            const std::string shown(std::string_view(key).substr(0, 64));
            const std::string problem =
                "unknown argument \"" + shown + "\" for batch; valid arguments: items";
            return Error{ErrorCode::kInvalidArgument, problem, {{shown, problem}}};
        }
    }
    const auto* items = arguments.if_contains("items");
    if (items == nullptr || !items->is_array() || items->as_array().empty()) {
        const std::string problem = "items is required: a list of {op, entity, data}";
        return Error{ErrorCode::kInvalidArgument, problem, {{"items", problem}}};
    }
    if (items->as_array().size() > kMaxBatchItems) {
        const std::string problem = "at most " + std::to_string(kMaxBatchItems) +
                                    " items per batch, got " +
                                    std::to_string(items->as_array().size());
        return Error{ErrorCode::kTooLarge, problem, {{"items", problem}}};
    }
    std::vector<service::DocumentService::BatchWrite> writes;
    writes.reserve(items->as_array().size());
    for (std::size_t i = 0; i < items->as_array().size(); ++i) {
        const value& item = items->as_array()[i];
        if (!item.is_object()) {
            return BadItem(i, "must be an object {op, entity, data}");
        }
        const object& fields = item.as_object();
        for (const auto& [key, unused] : fields) {
            if (key != "op" && key != "entity" && key != "data") {
                return BadItem(i, "takes op, entity and data, not \"" +
                                      std::string(std::string_view(key).substr(0, 64)) + "\"");
            }
        }
        service::DocumentService::BatchWrite write;
        const auto* op = fields.if_contains("op");
        if (op != nullptr && *op == value("create")) {
            write.op = service::DocumentService::BatchWrite::Op::kCreate;
        } else if (op != nullptr && *op == value("update")) {
            write.op = service::DocumentService::BatchWrite::Op::kUpdate;
        } else {
            return BadItem(i, "op must be create or update");
        }
        const auto* entity = fields.if_contains("entity");
        if (entity == nullptr || !entity->is_string()) {
            return BadItem(i, "entity is required: an entity name");
        }
        auto found = documents.schema().LookupEntity(entity->as_string());
        if (!found) {
            return BadItem(i, found.error().message);
        }
        write.entity = *found;
        const auto* data = fields.if_contains("data");
        if (data == nullptr || !data->is_object()) {
            return BadItem(i, "data is required: an object of fields");
        }
        write.body = data->as_object();
        if (write.op == service::DocumentService::BatchWrite::Op::kUpdate) {
            const auto* id = write.body.if_contains("id");
            if (id == nullptr || !id->is_string() || id->as_string().empty()) {
                return BadItem(i, "an update's data needs the record's id");
            }
            write.id = std::string(id->as_string());
            write.body.erase("id");
            if (write.body.empty()) {
                return BadItem(i, "nothing to update: give at least one field besides id");
            }
        }
        writes.push_back(std::move(write));
    }
    auto stored = documents.WriteAll(ctx, writes);
    if (!stored) {
        return stored.error();
    }
    array data;
    data.reserve(stored->size());
    for (auto& record : *stored) {
        data.emplace_back(std::move(record));
    }
    const auto count = static_cast<std::int64_t>(data.size());
    return value(object{{"data", std::move(data)}, {"count", count}});
}

}  // namespace ea::mcp::detail
