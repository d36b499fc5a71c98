// The audit trail's composition (docs/security.md, "Audit"): the JSON-lines file sink, the
// AuditEvent table in the store's database, the fan-out the services record into, and the
// AuditLog that GET /api/_audit and events://audit read. Built by `serve` and `mcp` after the
// core and access stack; `core` and `access` must outlive it.
#pragma once

#include <memory>
#include <string>

#include "app/config.hpp"
#include "app/core.hpp"
#include "common/result.hpp"
#include "service/audit/async_sink.hpp"
#include "service/audit/audit_table.hpp"

namespace ea::http {
class Metrics;
}

namespace ea::app {

struct AuditStack {
    schema::SchemaPtr table_schema;  // the one-entity schema of the AuditEvent table
    store::DocumentStorePtr table_store;
    std::unique_ptr<service::AsyncAuditSink> file;   // null when audit.file is off
    std::unique_ptr<service::AsyncAuditSink> table;  // null when audit.table is false
    std::unique_ptr<service::AuditFanout> sink;
    std::unique_ptr<service::AuditLog> log;  // null without the table

    // Waits for the queued events (tests, shutdown). False when some are still pending.
    bool Flush(std::chrono::milliseconds timeout);
    // events_api_audit_events_{written,dropped,refused}_total, _failures_total and
    // _audit_queue_depth, _audit_sink_healthy, each labelled sink="file"|"table".
    void ExportMetrics(http::Metrics& metrics) const;
};

// The file audit.file names: "" gives <sqlite file>.audit.jsonl (data/audit.jsonl for other
// stores; none for an in-memory database), "off" none.
[[nodiscard]] std::string AuditFilePath(const Config& config);

// Opens the sinks and sets them on core.documents and access.auth. `log` receives the sinks'
// failure and recovery lines. Errors: the file cannot be opened, the table cannot be created, or
// the served schema has an entity named AuditEvent.
[[nodiscard]] Result<std::unique_ptr<AuditStack>> OpenAuditStack(const Config& config, Core& core,
                                                                 AccessStack& access,
                                                                 service::AuditLogFn log);

}  // namespace ea::app
