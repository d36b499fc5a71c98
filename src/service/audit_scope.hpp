// AuditScope: records one service operation as one AuditEvent. Built at the start of the
// operation (it starts the clock), told what the operation returned, it submits the event once.
// For a write, BeforeWrite() reserves the event's room in the sink first: when the sink cannot
// promise to keep the event, the write is refused (kUnavailable) before anything changes and
// the refusal itself is submitted unreserved (counted as dropped if it cannot be kept). That is
// the fail-closed policy of docs/security.md, "Audit". Without a sink, every call is a no-op.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/record.hpp"
#include "common/result.hpp"
#include "service/audit.hpp"
#include "service/request_context.hpp"
#include "store/document_store.hpp"

namespace ea::service {

// "rest", "mcp-stdio", "mcp-http", "mcp", "cli" or "unset".
std::string_view ChannelName(const RequestContext& ctx);

class AuditScope {
public:
    AuditScope(AuditSink* sink, const RequestContext& ctx, std::string_view action,
               std::string_view entity);
    AuditScope(const AuditScope&) = delete;
    AuditScope& operator=(const AuditScope&) = delete;
    // Submits the event if Done was not called (an early return): recorded as an error.
    ~AuditScope();

    // Reserves the event's room (see the header comment). Errors: kUnavailable naming the audit
    // trail; the event is then recorded as that error.
    [[nodiscard]] Status BeforeWrite();

    void SetId(std::string_view id);
    void SetFilter(const query::FilterNode* filter);
    // The principal when the context has none yet (a login names who tried).
    void SetUsername(std::string_view username);
    // Who the operation turned out to be for (a successful login).
    void SetPrincipal(std::string_view user_id, std::string_view username, std::string_view role);

    // Records the outcome, the ids and the row count of `result` and submits the event; returns
    // `result` unchanged.
    template <typename T>
    Result<T> Done(Result<T> result) {
        if (sink_ != nullptr && !done_) {
            if (result) {
                Count(*result);
            }
            Finish(result ? Ok() : Status(result.error()));
        }
        return result;
    }
    Status Done(Status status) {
        if (sink_ != nullptr && !done_) {
            Finish(status);
        }
        return status;
    }

private:
    void Count(const Record& record);
    void Count(const std::vector<Record>& records);
    void Count(const store::ListResult& list);
    void Count(const store::GetResult& got);
    template <typename T>
    void Count(const T&) {
        event_.rows = 0;
    }
    void Finish(const Status& status);

    AuditSink* sink_;
    AuditEvent event_;
    std::chrono::steady_clock::time_point start_;
    bool reserved_ = false;
    bool done_ = false;
};

}  // namespace ea::service
