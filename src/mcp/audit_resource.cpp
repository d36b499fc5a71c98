// ResourceCatalog's events://audit: the newest audit events, for the admin role only (listed and
// readable; any other principal neither sees nor reads it, as GET /api/_audit answers it 403).
#include "common/json_text.hpp"
#include "mcp/error_result.hpp"
#include "mcp/resources.hpp"

namespace ea::mcp {
namespace {

using boost::json::object;

constexpr std::string_view kAuditUri = "events://audit";
constexpr int kAuditResourcePage = 100;

}  // namespace

object ResourceCatalog::AuditResource() {
    return object{{"uri", kAuditUri},
                  {"name", "audit"},
                  {"title", "Audit trail"},
                  {"description",
                   "The newest audit events (who did what, through which channel, with which "
                   "outcome), newest first; admin only. GET /api/_audit pages and filters them."},
                  {"mimeType", "application/json"}};
}

void ResourceCatalog::SetAuditLog(service::AuditLog* audit) {
    std::lock_guard lock(views_mutex_);
    audit_ = audit;
    views_.clear();  // built before: without it
}

std::variant<object, RpcError> ResourceCatalog::ReadAudit(const service::RequestContext& ctx,
                                                          std::string_view uri,
                                                          bool stateless) const {
    const object not_found_data{{"uri", std::string(uri.substr(0, 512))}};
    if (audit_ == nullptr || !service::AuditLog::MayRead(ctx)) {
        // Not listed for this principal, so not found either (nothing to tell apart); the
        // refused read is still audited.
        if (audit_ != nullptr) {
            (void)audit_->List(ctx, query::Query{});
        }
        return RpcError{stateless ? rpc_code::kInvalidParams : kResourceNotFoundCode,
                        "Resource not found: no resource events://audit for this principal",
                        not_found_data};
    }
    query::Query query;
    query.page_size = kAuditResourcePage;
    query.count = query::CountMode::kNone;
    auto events = audit_->List(ctx, std::move(query));
    if (!events) {
        return RpcError{kResourceReadRefusedCode, ToolErrorMessage(events.error()), not_found_data};
    }
    boost::json::array rows;
    for (auto& row : events->rows) {
        rows.emplace_back(std::move(row));
    }
    boost::json::value body =
        object{{"events", std::move(rows)}, {"hasMore", events->page.has_more}};
    return object{{"contents", boost::json::array{object{{"uri", uri},
                                                         {"mimeType", "application/json"},
                                                         {"text", ToJsonText(body)}}}}};
}

}  // namespace ea::mcp
