#include "service/audit/audit_table.hpp"

#include "common/datetime.hpp"
#include "common/ids.hpp"
#include "schema/schema_loader.hpp"
#include "service/audit_scope.hpp"

namespace ea::service {
namespace {

constexpr std::string_view kAuditSchemaYaml = R"(project: events-api-audit
AuditEvent:
  description: One audited operation (docs/security.md, "Audit"). Written by the server only.
  operations: r
  search_index: false
  fields:
    time: {type: Datetime, required: true}
    userId: {type: String}
    username: {type: String}
    role: {type: String}
    channel: {type: String, required: true}
    action: {type: String, required: true}
    entity: {type: String}
    ids: {type: "Array[String]"}
    filter: {type: String}
    outcome: {type: String, required: true}
    errorCode: {type: String}
    rows: {type: Integer}
    durationMs: {type: Number}
    requestId: {type: String}
)";
constexpr std::string_view kNoSearchIndex = "  search_index: false\n";

}  // namespace

Result<schema::SchemaPtr> AuditTableSchema(bool search_index) {
    if (search_index) {
        std::string yaml(kAuditSchemaYaml);
        yaml.erase(yaml.find(kNoSearchIndex), kNoSearchIndex.size());
        return schema::LoadSchemaText(yaml, "(built-in audit schema, search index on)");
    }
    return schema::LoadSchemaText(kAuditSchemaYaml, "(built-in audit schema)");
}

Status StoreAuditWriter::Write(std::span<const AuditEvent> events) {
    std::vector<store::DocumentStore::BatchItem> items;
    items.reserve(events.size());
    for (const auto& event : events) {
        Record record = ToJson(event);
        const std::string stamp = FormatDatetime(event.time);
        record["id"] = NewId();
        record["createdAt"] = stamp;
        record["updatedAt"] = stamp;
        items.push_back({&entity_, std::move(record)});
    }
    auto written = store_.Batch(std::move(items));
    if (!written) {
        return written.error();
    }
    return Ok();
}

bool AuditLog::MayRead(const RequestContext& ctx) {
    if (ctx.channel == Channel::kCli) {
        return true;
    }
    return ctx.channel != Channel::kUnset && ctx.principal.authenticated &&
           ctx.principal.role == "admin";
}

Result<store::ListResult> AuditLog::List(const RequestContext& ctx, query::Query query) {
    AuditScope audit(sink_, ctx, "list", "_audit");
    audit.SetFilter(query.filter.get());
    if (!MayRead(ctx)) {
        return audit.Done(Result<store::ListResult>(
            Error{ErrorCode::kForbidden, "only the admin role may read the audit trail"}));
    }
    if (query.sort.empty()) {
        query.sort.push_back({entity_.FindField("time"), true});  // newest first
    }
    return audit.Done(store_.List(entity_, query));
}

}  // namespace ea::service
