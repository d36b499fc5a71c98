#include "mcp/entity_tools.hpp"

#include <string>
#include <utility>

#include <boost/json/array.hpp>

#include "mcp/list_arguments.hpp"
#include "mcp/output_schema.hpp"
#include "query/field_selection.hpp"
#include "query/filter_parser.hpp"
#include "query/view.hpp"
#include "schema/names.hpp"
#include "service/pagination.hpp"

namespace ea::mcp::detail {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;
using schema::Entity;

object Annotations(std::string title, bool read_only, bool destructive, bool idempotent) {
    object a{{"title", std::move(title)}, {"readOnlyHint", read_only}};
    if (!read_only) {
        a["destructiveHint"] = destructive;
        a["idempotentHint"] = idempotent;
    }
    a["openWorldHint"] = false;  // the records of this database, nothing beyond
    return a;
}

std::string About(const Entity& entity) {
    return entity.description().empty() ? "" : " " + entity.name() + ": " + entity.description();
}

std::string ExampleId(const Entity& entity) {
    return schema::SnakeCase(entity.name()).substr(0, 3) + "_123";
}

Error BadArgument(const std::string& problem, const std::string& field) {
    return Error{ErrorCode::kInvalidArgument, problem, {{field, problem}}};
}

// Refuses an argument the tool does not take, naming the valid ones, so a model that guessed a
// name learns the right one instead of having its argument silently ignored.
Status OnlyKnown(const Tool& tool, const object& arguments) {
    const auto* properties = tool.input_schema.at("properties").if_object();
    for (const auto& [key, unused] : arguments) {
        if (properties != nullptr && properties->contains(key)) {
            continue;
        }
        std::string valid;
        if (properties != nullptr) {
            for (const auto& [name, unused_schema] : *properties) {
                valid += valid.empty() ? "" : ", ";
                valid += name;
            }
        }
        std::string shown(std::string_view(key).substr(0, 64));
        return BadArgument(
            "unknown argument \"" + shown + "\" for " + tool.name + "; valid arguments: " + valid,
            shown);
    }
    return Ok();
}

Result<std::string> RequiredId(const object& arguments) {
    const auto* id = arguments.if_contains("id");
    if (id == nullptr || !id->is_string() || id->as_string().empty()) {
        return BadArgument("id is required: the record's id as a string", "id");
    }
    return std::string(id->as_string());
}

object ListPayload(store::ListResult result) {
    array data;
    data.reserve(result.rows.size());
    for (auto& row : result.rows) {
        data.emplace_back(std::move(row));
    }
    const auto& page = result.page;
    object out{{"data", std::move(data)}, {"pagination", service::PaginationJson(page)}};
    if (!result.warnings.empty()) {
        array warnings;
        for (const auto& notice : result.warnings) {
            warnings.push_back(object{{"field", notice.field}, {"message", notice.message}});
        }
        out["warnings"] = std::move(warnings);
    }
    return out;
}

Result<ToolOutput> RunList(service::DocumentService& documents, const service::RequestContext& ctx,
                           const Entity& entity, const object& arguments) {
    auto query = ListQueryFromArguments(entity, arguments);
    if (!query) {
        return query.error();
    }
    auto listed = documents.List(ctx, entity, *query);
    if (!listed) {
        return listed.error();
    }
    for (const auto& warning : query->warnings) {
        listed->warnings.push_back({warning.field, warning.message});
    }
    return value(ListPayload(*std::move(listed)));
}

Result<ToolOutput> RunGet(service::DocumentService& documents, const service::RequestContext& ctx,
                          const Entity& entity, const object& arguments) {
    auto id = RequiredId(arguments);
    if (!id) {
        return id.error();
    }
    const auto* selection = arguments.if_contains("fields");
    auto fields = query::ParseFieldSelection(entity, selection ? *selection : value());
    if (!fields) {
        return fields.error();
    }
    const auto* view = arguments.if_contains("view");
    if ((view == nullptr || view->is_null()) && fields->empty()) {
        auto record = documents.Get(ctx, entity, *id);
        if (!record) {
            return record.error();
        }
        return value(*std::move(record));
    }
    auto views = query::ParseView(entity, view ? *view : value());
    if (!views) {
        return views.error();
    }
    auto got = documents.Get(ctx, entity, *id, views->specs, *fields);
    if (!got) {
        return got.error();
    }
    ToolOutput output(value(std::move(got->record)));
    for (const auto& warning : views->warnings) {
        output.warnings.push_back(warning.field + ": " + warning.message);
    }
    for (const auto& notice : got->warnings) {
        output.warnings.push_back(notice.field + ": " + notice.message);
    }
    return output;
}

Result<ToolOutput> RunUpdate(service::DocumentService& documents,
                             const service::RequestContext& ctx, const Entity& entity,
                             const object& arguments) {
    auto id = RequiredId(arguments);
    if (!id) {
        return id.error();
    }
    object changes = arguments;
    changes.erase("id");
    if (changes.empty()) {
        return BadArgument("nothing to update: give at least one field besides id", "id");
    }
    auto record = documents.Patch(ctx, entity, *id, changes);
    if (!record) {
        return record.error();
    }
    return value(*std::move(record));
}

}  // namespace

object EntityInputSchema(ToolKind kind, const Entity& entity, const ToolSchemaOptions& options,
                         const rbac::InputOffer& offer) {
    switch (kind) {
        case ToolKind::kList: {
            object list_schema = ListInputSchema(entity, options, offer);
            list_schema["properties"].as_object()["fields"] = FieldSelectionSchema(entity, offer);
            return list_schema;
        }
        case ToolKind::kGet: {
            object get_schema = GetInputSchema(entity, offer);
            get_schema["properties"].as_object()["fields"] = FieldSelectionSchema(entity, offer);
            return get_schema;
        }
        case ToolKind::kCreate:
            return CreateInputSchema(entity, offer);
        case ToolKind::kUpdate:
            return UpdateInputSchema(entity, offer);
        default:
            return DeleteInputSchema(entity);
    }
}

std::vector<Tool> EntityTools(const Entity& entity, const ToolSchemaOptions& options) {
    const std::string singular = schema::SnakeCase(entity.name());
    const std::string plural = schema::PluralSnakeCase(entity.name());
    const std::string& name = entity.name();
    std::vector<Tool> tools;
    if (entity.Allows(schema::kRead)) {
        object list_schema = EntityInputSchema(ToolKind::kList, entity, options, {});
        object get_schema = EntityInputSchema(ToolKind::kGet, entity, options, {});
        tools.push_back(Tool{
            "list_" + plural, "List " + plural,
            "List " + name + " records, " + std::to_string(query::kDefaultPageSize) +
                " per page by default, with filters, sorting, pagination and embedded references." +
                About(entity) +
                " Example: {\"filter\": {\"createdAt\": {\"$gte\": \"2026-01-01\"}}, \"sort\": "
                "[{\"field\": \"createdAt\", \"direction\": \"desc\"}], \"pageSize\": 10}. The "
                "result has data and pagination {page, pageSize, total, totalPages, "
                "totalIsEstimate, hasMore}; a page over the result size budget is cut to whole "
                "rows (pagination.truncated, with how to continue). Ask for only the fields you "
                "need with fields: [\"id\", ...].",
            std::move(list_schema), Annotations("List " + plural, true, false, true),
            ToolKind::kList, &entity});
        tools.push_back(Tool{"get_" + singular, "Get a " + singular,
                             "Get one " + name + " by id." + About(entity) +
                                 " Example: {\"id\": \"" + ExampleId(entity) + "\"}.",
                             std::move(get_schema),
                             Annotations("Get a " + singular, true, false, true), ToolKind::kGet,
                             &entity});
    }
    if (entity.Allows(schema::kCreate)) {
        tools.push_back(Tool{
            "create_" + singular, "Create a " + singular,
            "Create a " + name + " from its fields; returns the stored record." + About(entity),
            CreateInputSchema(entity), Annotations("Create a " + singular, false, false, false),
            ToolKind::kCreate, &entity});
    }
    if (entity.Allows(schema::kUpdate)) {
        tools.push_back(Tool{"update_" + singular, "Update a " + singular,
                             "Change some fields of a " + name +
                                 ": give its id and only the fields to change; returns the "
                                 "updated record." +
                                 About(entity),
                             UpdateInputSchema(entity),
                             Annotations("Update a " + singular, false, true, true),
                             ToolKind::kUpdate, &entity});
    }
    if (entity.Allows(schema::kDelete)) {
        tools.push_back(Tool{"delete_" + singular, "Delete a " + singular,
                             "Delete a " + name +
                                 " by id (records that depend on it follow the schema's "
                                 "on_delete rules); returns the deleted record." +
                                 About(entity),
                             DeleteInputSchema(entity),
                             Annotations("Delete a " + singular, false, true, true),
                             ToolKind::kDelete, &entity});
    }
    return tools;
}

Result<ToolOutput> RunEntityTool(service::DocumentService& documents,
                                 const service::RequestContext& ctx, const Tool& tool,
                                 const object& arguments) {
    if (auto known = OnlyKnown(tool, arguments);
        !known && tool.kind != ToolKind::kCreate && tool.kind != ToolKind::kUpdate) {
        // Create and update leave unknown fields to the validator, which names them alongside
        // every other field problem.
        return known.error();
    }
    const Entity& entity = *tool.entity;
    switch (tool.kind) {
        case ToolKind::kList:
            return RunList(documents, ctx, entity, arguments);
        case ToolKind::kGet:
            return RunGet(documents, ctx, entity, arguments);
        case ToolKind::kCreate: {
            auto record = documents.Create(ctx, entity, arguments);
            if (!record) {
                return record.error();
            }
            return value(*std::move(record));
        }
        case ToolKind::kUpdate:
            return RunUpdate(documents, ctx, entity, arguments);
        case ToolKind::kDelete: {
            auto id = RequiredId(arguments);
            if (!id) {
                return id.error();
            }
            auto record = documents.Delete(ctx, entity, *id);
            if (!record) {
                return record.error();
            }
            return value(*std::move(record));
        }
        default:
            break;
    }
    return Internal("not an entity tool: " + tool.name);
}

}  // namespace ea::mcp::detail
