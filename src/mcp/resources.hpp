// The MCP resources, built from the Schema once per schema load:
//   events://schema/{Entity}   one per entity: its description, exactly what /api/metadata serves
//                              for it (schema::SchemaDescription), as JSON; listed by
//                              resources/list.
//   events://{plural}/{id}     one template per entity (`events://users/{id}`,
//                              `events://tag_affinities/{id}`): the record, read through
//                              DocumentService::Get as the connection's principal, so every
//                              access rule and the masking of write-only fields hold.
// What each caller is offered follows its role, as tools/list and /api/metadata do: resources and
// templates only of entities the role may read, and each schema resource as
// service::DescribeSchemaFor describes it to that role (no hidden field). Each role's view is
// built on first use and kept, so no request redoes schema work. Reading a schema or a record of
// an entity the role may not read is refused with the service's denial.
// Errors of resources/read: an unknown URI or a missing record is "Resource not found" with
// data {uri}: -32002 in the session era, -32602 in 2026-07-28 (its changelog moved it); a denied
// or refused read is -32000 with the message a tool call would give; a bug is -32603 with the
// request id. Thread-safe after construction.
//   events://audit             the newest audit events (service::AuditLog), listed and readable
//                              for the admin role only (audit_resource.cpp).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "common/principal.hpp"
#include "mcp/jsonrpc.hpp"
#include "schema/schema.hpp"
#include "service/audit/audit_table.hpp"
#include "service/document_service.hpp"
#include "service/request_context.hpp"

namespace ea::mcp {

inline constexpr std::string_view kResourceScheme = "events://";
inline constexpr std::string_view kSchemaTemplateUri = "events://schema/{Entity}";
inline constexpr int kResourceNotFoundCode = -32002;  // session era (2024-11-05 .. 2025-11-25)
inline constexpr int kResourceReadRefusedCode = -32000;

class ResourceCatalog {
public:
    // `documents` (and its schema) must outlive the catalog.
    explicit ResourceCatalog(service::DocumentService& documents);

    // Resource objects for resources/list as `principal` may see them, in schema order.
    const boost::json::array& ResourcesFor(const Principal& principal) const {
        return ViewFor(principal).resources;
    }
    // ResourceTemplate objects for resources/templates/list: events://schema/{Entity}, then one
    // record template per entity `principal` may read, in schema order.
    const boost::json::array& TemplatesFor(const Principal& principal) const {
        return ViewFor(principal).templates;
    }

    // Serves events://audit from `audit` (must outlive the catalog), listed first for the admin
    // role. REQUIRES: before serving.
    void SetAuditLog(service::AuditLog* audit);

    // The ReadResourceResult for `uri` as ctx.principal. `stateless`: the 2026-07-28 error code.
    std::variant<boost::json::object, RpcError> Read(const service::RequestContext& ctx,
                                                     std::string_view uri, bool stateless) const;

    // "events://users/{id}" for `entity`; the URI of a record and of a schema resource.
    static std::string TemplateUri(const schema::Entity& entity);
    static std::string RecordUri(const schema::Entity& entity, std::string_view id);
    static std::string SchemaUri(const schema::Entity& entity);

    // The entity whose record template is `uri_template` (as completion/complete refers to it),
    // or null.
    const schema::Entity* EntityOfTemplate(std::string_view uri_template) const;

private:
    // What one role is offered.
    struct RoleView {
        boost::json::array resources;
        boost::json::array templates;
        // Serialized schema descriptions by entity index; nullopt where the role may not read.
        std::vector<std::optional<std::string>> schema_texts;
    };
    const RoleView& ViewFor(const Principal& principal) const;
    static boost::json::object AuditResource();
    std::variant<boost::json::object, RpcError> ReadAudit(const service::RequestContext& ctx,
                                                          std::string_view uri,
                                                          bool stateless) const;
    RoleView BuildView(const Principal& principal) const;

    service::DocumentService& documents_;
    service::AuditLog* audit_ = nullptr;
    // By role; a role's view never changes once built (the schema is fixed for the catalog).
    mutable std::mutex views_mutex_;
    mutable std::map<std::string, std::unique_ptr<const RoleView>, std::less<>> views_;
    // Each entity's plural ("users") and record template ("events://users/{id}"), made once so a
    // read or a completion derives no names.
    std::vector<std::pair<std::string, const schema::Entity*>> plurals_;
    std::vector<std::pair<std::string, const schema::Entity*>> template_uris_;
};

}  // namespace ea::mcp
