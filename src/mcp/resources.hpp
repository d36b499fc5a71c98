// The MCP resources, built from the Schema once per schema load:
//   events://schema/{Entity}   one per entity: its description, exactly what /api/metadata serves
//                              for it (schema::SchemaDescription), as JSON; listed by
//                              resources/list.
//   events://{plural}/{id}     one template per entity (`events://users/{id}`,
//                              `events://tag_affinities/{id}`): the record, read through
//                              DocumentService::Get as the connection's principal, so every
//                              access rule and the masking of write-only fields hold.
// Errors of resources/read: an unknown URI or a missing record is "Resource not found" with
// data {uri}: -32002 in the session era, -32602 in 2026-07-28 (its changelog moved it); a denied
// or refused read is -32000 with the message a tool call would give; a bug is -32603 with the
// request id. Thread-safe after construction.
//   events://audit             the newest audit events (service::AuditLog), listed and readable
//                              for the admin role only (audit_resource.cpp).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

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

    // Resource objects for resources/list, in schema order.
    const boost::json::array& resources() const { return resources_; }
    // resources() as `principal` sees them: events://audit first for an admin when an audit log
    // is set.
    const boost::json::array& ResourcesFor(const Principal& principal) const;
    // Serves events://audit from `audit` (must outlive the catalog). REQUIRES: before serving.
    void SetAuditLog(service::AuditLog* audit);
    // ResourceTemplate objects for resources/templates/list: events://schema/{Entity}, then one
    // record template per entity in schema order.
    const boost::json::array& templates() const { return templates_; }

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
    std::variant<boost::json::object, RpcError> ReadAudit(const service::RequestContext& ctx,
                                                          std::string_view uri,
                                                          bool stateless) const;

    service::DocumentService& documents_;
    service::AuditLog* audit_ = nullptr;
    boost::json::array admin_resources_;  // events://audit, then resources_
    boost::json::array resources_;
    boost::json::array templates_;
    // Serialized schema descriptions, by entity, made once.
    std::vector<std::string> schema_texts_;
    // Each entity's plural ("users") and record template ("events://users/{id}"), made once so a
    // read or a completion derives no names.
    std::vector<std::pair<std::string, const schema::Entity*>> plurals_;
    std::vector<std::pair<std::string, const schema::Entity*>> template_uris_;
};

}  // namespace ea::mcp
