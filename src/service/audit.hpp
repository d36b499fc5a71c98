// The audit trail: one AuditEvent per service operation a face asks for (list, get, create,
// update, delete, batch, login, logout, audit reads), handed to an AuditSink. The service records
// it (audit_scope.hpp), so REST and MCP get it without either face writing audit code; the faces
// only supply the channel and the request id in the RequestContext. Sinks (service/audit/) keep
// events in a JSON-lines file and in a table in the store's database.
//
// An event never holds a secret: no record body is recorded, only ids, and a filter is rendered
// with the values of password, token and secret fields masked (MaskedFilterText).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "common/result.hpp"
#include "query/query.hpp"

namespace ea::service {

enum class AuditOutcome { kOk, kDenied, kError };

struct AuditEvent {
    std::chrono::system_clock::time_point time;
    std::string user_id;
    std::string username;
    std::string role;
    std::string channel;  // "rest", "mcp-stdio", "mcp-http", "mcp", "cli" (ChannelName)
    std::string action;   // "list", "get", "create", "update", "replace", "delete", "batch", ...
    std::string entity;   // the entity's name; "_audit" for reads of the audit trail
    std::vector<std::string> ids;
    std::string filter;  // MaskedFilterText of the query; empty when none
    AuditOutcome outcome = AuditOutcome::kOk;
    std::string error_code;  // ToString(ErrorCode) when not kOk, e.g. "forbidden"
    std::int64_t rows = 0;   // records returned or written
    double duration_ms = 0;
    std::string request_id;
};

// One event, shared by every sink it is handed to (no copy per sink); immutable once submitted.
using AuditEventPtr = std::shared_ptr<const AuditEvent>;

std::string_view ToString(AuditOutcome outcome);

// The event as one JSON object, the JSON-lines file's line and the audit table's record:
// {"time", "userId", "username", "role", "channel", "action", "entity", "ids", "filter",
//  "outcome", "errorCode", "rows", "durationMs", "requestId"} (docs/security.md, "Audit").
// `storage` lets a caller build it in its own memory resource.
boost::json::object ToJson(const AuditEvent& event, boost::json::storage_ptr storage = {});

// Appends boost::json::serialize(ToJson(event)), byte for byte, to `out` without building the
// object: the JSON-lines file's line, written on its writer thread for every event.
void AppendJsonLine(const AuditEvent& event, std::string& out);

// Denied for a refusal of the caller (kForbidden, kUnauthenticated, kRateLimited), error for any
// other failure.
AuditOutcome OutcomeOf(ErrorCode code);

// `filter` in the JSON filter language ({"username": {"$eq": "bob"}}, "$and"/"$or" lists), with
// the value of every comparison on a secret field replaced by "***": a password field, a
// write-only field, or a field whose name contains "password", "token" or "secret" (any case).
std::string MaskedFilterText(const query::FilterNode* filter);

// Receives audit events. Thread-safe; never blocks a request thread for long.
class AuditSink {
public:
    virtual ~AuditSink() = default;

    // Holds room for one event that must not be lost (a write's), before the write runs, so the
    // write is refused rather than done unrecorded. Errors: kUnavailable when the sink cannot
    // promise to keep the event (its queue is full or its backend is failing). A successful
    // Reserve is always followed by Submit(..., true) or Release().
    [[nodiscard]] virtual Status Reserve() = 0;
    // Gives back room Reserve held.
    virtual void Release() = 0;
    // Takes one event: into the room Reserve held when `reserved`; otherwise the event is
    // dropped (and counted) when the sink is full or failing. `event` is never null.
    virtual void Submit(AuditEventPtr event, bool reserved) = 0;
};

}  // namespace ea::service
