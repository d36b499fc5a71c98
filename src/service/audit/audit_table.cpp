#include "service/audit/audit_table.hpp"

#include <unordered_map>

#include "common/datetime.hpp"
#include "common/ids.hpp"
#include "common/json_text.hpp"
#include "schema/schema_loader.hpp"
#include "service/audit_scope.hpp"

namespace ea::service {
namespace {

constexpr std::string_view kAuditSchemaYaml = R"(project: events-api-audit
AuditEvent:
  description: One audited operation (docs/security.md, "Audit"). Written by the server only.
  operations: r
  search_index: false
  sort_index: false
  fields:
    time: {type: Datetime, required: true, sort_index: true}
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

StoreAuditWriter::StoreAuditWriter(store::DocumentStore& store, const schema::Entity& entity)
    : store_(store), entity_(entity) {
    static const std::unordered_map<std::string_view, Column> kByName = {
        {"id", Column::kId},
        {"time", Column::kStamp},
        {"createdAt", Column::kStamp},
        {"updatedAt", Column::kStamp},
        {"ids", Column::kIds},
        {"userId", Column::kUserId},
        {"username", Column::kUsername},
        {"role", Column::kRole},
        {"channel", Column::kChannel},
        {"action", Column::kAction},
        {"entity", Column::kEntity},
        {"filter", Column::kFilter},
        {"outcome", Column::kOutcome},
        {"errorCode", Column::kErrorCode},
        {"rows", Column::kRows},
        {"durationMs", Column::kDurationMs},
        {"requestId", Column::kRequestId},
    };
    for (const auto& field : entity_.fields()) {
        const auto found = kByName.find(field.name);
        columns_.push_back(found == kByName.end() ? Column::kNull : found->second);
    }
}

Status StoreAuditWriter::Write(std::span<const AuditEventPtr> events) {
    constexpr std::size_t kTextPerEvent = 3;
    cells_.clear();
    cells_.reserve(events.size() * entity_.fields().size());
    // Every string the cells borrow is in place before the first cell points at it.
    text_.resize(events.size() * kTextPerEvent);
    for (std::size_t e = 0; e < events.size(); ++e) {
        const AuditEvent& event = *events[e];
        text_[e * kTextPerEvent] = NewId();
        text_[e * kTextPerEvent + 1] = FormatDatetime(event.time);
        std::string& ids = text_[e * kTextPerEvent + 2];
        ids.clear();
        AppendJsonStrings(event.ids, ids);
    }
    for (std::size_t e = 0; e < events.size(); ++e) {
        const AuditEvent& event = *events[e];
        const std::string* text = &text_[e * kTextPerEvent];
        for (const Column column : columns_) {
            switch (column) {
                case Column::kId:
                    cells_.emplace_back(std::string_view(text[0]));
                    break;
                case Column::kStamp:
                    cells_.emplace_back(std::string_view(text[1]));
                    break;
                case Column::kIds:
                    cells_.emplace_back(std::string_view(text[2]));
                    break;
                case Column::kUserId:
                    cells_.emplace_back(std::string_view(event.user_id));
                    break;
                case Column::kUsername:
                    cells_.emplace_back(std::string_view(event.username));
                    break;
                case Column::kRole:
                    cells_.emplace_back(std::string_view(event.role));
                    break;
                case Column::kChannel:
                    cells_.emplace_back(std::string_view(event.channel));
                    break;
                case Column::kAction:
                    cells_.emplace_back(std::string_view(event.action));
                    break;
                case Column::kEntity:
                    cells_.emplace_back(std::string_view(event.entity));
                    break;
                case Column::kFilter:
                    cells_.emplace_back(std::string_view(event.filter));
                    break;
                case Column::kOutcome:
                    cells_.emplace_back(ToString(event.outcome));
                    break;
                case Column::kErrorCode:
                    cells_.emplace_back(std::string_view(event.error_code));
                    break;
                case Column::kRows:
                    cells_.emplace_back(event.rows);
                    break;
                case Column::kDurationMs:
                    cells_.emplace_back(event.duration_ms);
                    break;
                case Column::kRequestId:
                    cells_.emplace_back(std::string_view(event.request_id));
                    break;
                case Column::kNull:
                    cells_.emplace_back(nullptr);
                    break;
            }
        }
    }
    return store_.Append(entity_, cells_);
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
