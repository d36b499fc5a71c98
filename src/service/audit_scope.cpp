#include "service/audit_scope.hpp"

namespace ea::service {
namespace {

// Ids kept per event: a batch of thousands names its first ones and counts the rest in `rows`.
constexpr std::size_t kMaxIds = 100;

}  // namespace

std::string_view ChannelName(const RequestContext& ctx) {
    switch (ctx.channel) {
        case Channel::kRest:
            return "rest";
        case Channel::kMcp:
            return ctx.transport == Transport::kStdio  ? "mcp-stdio"
                   : ctx.transport == Transport::kHttp ? "mcp-http"
                                                       : "mcp";
        case Channel::kCli:
            return "cli";
        case Channel::kUnset:
            break;
    }
    return "unset";
}

AuditScope::AuditScope(AuditSink* sink, const RequestContext& ctx, std::string_view action,
                       std::string_view entity)
    : sink_(sink) {
    if (sink_ == nullptr) {
        return;
    }
    start_ = std::chrono::steady_clock::now();
    event_.time = std::chrono::system_clock::now();
    event_.user_id = ctx.principal.user_id;
    event_.username = ctx.principal.username;
    event_.role = ctx.principal.role;
    event_.channel = ChannelName(ctx);
    event_.action = action;
    event_.entity = entity;
    event_.request_id = ctx.request_id;
}

AuditScope::~AuditScope() {
    if (sink_ != nullptr && !done_) {
        Finish(Error{ErrorCode::kInternal, "the operation ended without an outcome"});
    }
}

Status AuditScope::BeforeWrite() {
    if (sink_ == nullptr) {
        return Ok();
    }
    if (auto reserved = sink_->Reserve(); !reserved) {
        Error refused{ErrorCode::kUnavailable,
                      "the audit trail cannot record this write right now, so it was refused and "
                      "nothing changed; retry shortly"};
        Finish(refused);
        return refused;
    }
    reserved_ = true;
    return Ok();
}

void AuditScope::SetId(std::string_view id) {
    if (sink_ != nullptr && !id.empty()) {
        event_.ids.clear();
        event_.ids.emplace_back(id.substr(0, 64));  // built in place: no temporary to copy
    }
}

void AuditScope::SetFilter(const query::FilterNode* filter) {
    if (sink_ != nullptr) {
        event_.filter = MaskedFilterText(filter);
    }
}

void AuditScope::SetUsername(std::string_view username) {
    if (sink_ != nullptr && event_.username.empty()) {
        event_.username = username.substr(0, 64);
    }
}

void AuditScope::SetPrincipal(std::string_view user_id, std::string_view username,
                              std::string_view role) {
    if (sink_ != nullptr) {
        event_.user_id = user_id;
        event_.username = username;
        event_.role = role;
    }
}

void AuditScope::Count(const Record& record) {
    event_.rows = 1;
    if (const auto* id = record.if_contains("id"); id != nullptr && id->is_string()) {
        event_.ids.clear();
        event_.ids.emplace_back(id->get_string());
    }
}

void AuditScope::Count(const std::vector<Record>& records) {
    event_.rows = static_cast<std::int64_t>(records.size());
    event_.ids.clear();
    for (const auto& record : records) {
        if (event_.ids.size() == kMaxIds) {
            break;
        }
        if (const auto* id = record.if_contains("id"); id != nullptr && id->is_string()) {
            event_.ids.emplace_back(id->get_string());
        }
    }
}

void AuditScope::Count(const store::ListResult& list) {
    event_.rows = static_cast<std::int64_t>(list.rows.size());
}

void AuditScope::Count(const store::GetResult& got) {
    Count(got.record);
}

void AuditScope::Finish(const Status& status) {
    done_ = true;
    if (!status) {
        event_.outcome = OutcomeOf(status.error().code);
        event_.error_code = ToString(status.error().code);
    }
    event_.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
            .count();
    // The event moves into one shared copy that every sink keeps (AuditFanout hands it on).
    sink_->Submit(std::make_shared<const AuditEvent>(std::move(event_)), reserved_);
    reserved_ = false;
}

}  // namespace ea::service
