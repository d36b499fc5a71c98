#include "mcp/resources.hpp"

#include <utility>

#include "common/json_text.hpp"
#include "mcp/error_result.hpp"
#include "rbac/authorizer.hpp"
#include "schema/names.hpp"
#include "schema/schema_json.hpp"
#include "service/schema_description.hpp"

namespace ea::mcp {
namespace {

using boost::json::object;

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kSchemaPath = "schema/";
constexpr std::string_view kAuditPath = "audit";

RpcError NotFound(std::string_view uri, bool stateless, std::string why) {
    return RpcError{stateless ? rpc_code::kInvalidParams : kResourceNotFoundCode,
                    "Resource not found: " + std::move(why),
                    object{{"uri", std::string(uri.substr(0, 512))}}};
}

object Contents(std::string_view uri, std::string text) {
    return object{{"contents", boost::json::array{object{
                                   {"uri", uri}, {"mimeType", kJson}, {"text", std::move(text)}}}}};
}

}  // namespace

std::string ResourceCatalog::TemplateUri(const schema::Entity& entity) {
    return std::string(kResourceScheme) + schema::PluralSnakeCase(entity.name()) + "/{id}";
}

std::string ResourceCatalog::RecordUri(const schema::Entity& entity, std::string_view id) {
    return std::string(kResourceScheme) + schema::PluralSnakeCase(entity.name()) + "/" +
           std::string(id);
}

std::string ResourceCatalog::SchemaUri(const schema::Entity& entity) {
    return std::string(kResourceScheme) + std::string(kSchemaPath) + entity.name();
}

ResourceCatalog::ResourceCatalog(service::DocumentService& documents) : documents_(documents) {
    for (const auto& entity : documents.schema().entities()) {
        plurals_.emplace_back(schema::PluralSnakeCase(entity->name()), entity.get());
        template_uris_.emplace_back(TemplateUri(*entity), entity.get());
    }
}

const ResourceCatalog::RoleView& ResourceCatalog::ViewFor(const Principal& principal) const {
    std::lock_guard lock(views_mutex_);
    auto it = views_.find(principal.role);
    if (it == views_.end()) {
        it = views_.emplace(principal.role, std::make_unique<const RoleView>(BuildView(principal)))
                 .first;
    }
    return *it->second;
}

ResourceCatalog::RoleView ResourceCatalog::BuildView(const Principal& principal) const {
    const schema::Schema& schema = documents_.schema();
    const auto description = service::DescribeSchemaFor(schema, principal, documents_.backend());
    const auto& described = description.at("entities").as_object();
    RoleView view;
    if (audit_ != nullptr &&
        service::AuditLog::MayRead({principal, "", service::Channel::kMcp})) {
        view.resources.push_back(AuditResource());  // audit_resource.cpp
    }
    view.templates.push_back(object{{"uriTemplate", kSchemaTemplateUri},
                                    {"name", "schema"},
                                    {"title", "Entity schema"},
                                    {"description",
                                     "The schema of one entity (fields, types, rules, operations, "
                                     "references), as /api/metadata describes it."},
                                    {"mimeType", kJson}});
    for (const auto& entity : schema.entities()) {
        const std::string& name = entity->name();
        const auto* entity_json = described.if_contains(name);
        if (entity_json == nullptr) {
            view.schema_texts.emplace_back(std::nullopt);
            continue;
        }
        view.schema_texts.emplace_back(ToJsonText(*entity_json));
        std::string about = entity->description().empty() ? "" : " " + entity->description();
        view.resources.push_back(
            object{{"uri", SchemaUri(*entity)},
                   {"name", "schema_" + schema::SnakeCase(name)},
                   {"title", name + " schema"},
                   {"description", "The " + name +
                                       " entity: its fields, types, rules, operations and "
                                       "references." +
                                       about},
                   {"mimeType", kJson},
                   {"size", view.schema_texts.back()->size()}});
        view.templates.push_back(object{
            {"uriTemplate", TemplateUri(*entity)},
            {"name", schema::SnakeCase(name)},
            {"title", name + " record"},
            {"description", "One " + name + " record by id, as get_" + schema::SnakeCase(name) +
                                " returns it (write-only fields never appear)." + about},
            {"mimeType", kJson}});
    }
    return view;
}

const schema::Entity* ResourceCatalog::EntityOfTemplate(std::string_view uri_template) const {
    for (const auto& [uri, entity] : template_uris_) {
        if (uri == uri_template) {
            return entity;
        }
    }
    return nullptr;
}

std::variant<object, RpcError> ResourceCatalog::Read(const service::RequestContext& ctx,
                                                     std::string_view uri, bool stateless) const {
    if (!uri.starts_with(kResourceScheme)) {
        return NotFound(uri, stateless, "this server's resources start with events://");
    }
    const std::string_view path = uri.substr(kResourceScheme.size());
    if (path == kAuditPath) {
        return ReadAudit(ctx, uri, stateless);
    }
    const schema::Schema& schema = documents_.schema();
    if (path.starts_with(kSchemaPath)) {
        const std::string_view name = path.substr(kSchemaPath.size());
        const auto& entities = schema.entities();
        for (std::size_t i = 0; i < entities.size(); ++i) {
            if (entities[i]->name() != name) {
                continue;
            }
            const auto& text = ViewFor(ctx.principal).schema_texts[i];
            if (!text) {
                const rbac::EntityAccess access(schema, ctx.principal, *entities[i]);
                const auto denied = access.Authorize(rbac::Action::kRead);
                return RpcError{kResourceReadRefusedCode,
                                denied ? "Permission denied" : ToolErrorMessage(denied.error()),
                                object{{"uri", std::string(uri.substr(0, 512))}}};
            }
            return Contents(uri, *text);
        }
        return NotFound(uri, stateless, "no entity '" + std::string(name.substr(0, 64)) + "'");
    }
    const auto slash = path.find('/');
    if (slash == std::string_view::npos || slash + 1 == path.size() ||
        path.find('/', slash + 1) != std::string_view::npos) {
        return NotFound(uri, stateless,
                        "expected events://schema/{Entity} or events://{plural}/{id}");
    }
    const std::string_view plural = path.substr(0, slash);
    const std::string_view id = path.substr(slash + 1);
    const schema::Entity* entity = nullptr;
    for (const auto& [name, candidate] : plurals_) {
        if (name == plural) {
            entity = candidate;
        }
    }
    if (entity == nullptr) {
        return NotFound(uri, stateless, "no entity '" + std::string(plural.substr(0, 64)) + "'");
    }
    auto record = documents_.Get(ctx, *entity, id);
    if (!record) {
        const Error& error = record.error();
        if (error.code == ErrorCode::kNotFound || error.code == ErrorCode::kInvalidArgument) {
            return NotFound(uri, stateless, ToolErrorMessage(error));
        }
        auto mapped = MapToolError(error, ctx.request_id);
        if (auto* rpc = std::get_if<RpcError>(&mapped)) {
            return *rpc;  // a bug: the generic message with the request id
        }
        return RpcError{kResourceReadRefusedCode, ToolErrorMessage(error),
                        object{{"uri", std::string(uri.substr(0, 512))}}};
    }
    return Contents(uri, ToJsonText(boost::json::value(*std::move(record))));
}

}  // namespace ea::mcp
