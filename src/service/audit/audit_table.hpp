// The audit trail as a table in the store's database: the built-in entity AuditEvent (its own
// one-entity schema, kAuditEntity), opened through the ordinary DocumentStore interface on the
// configured store URL, so every backend (SQLite now, PostgreSQL later) holds it the same way
// and reads use the ordinary list query (filter, sort, page, pageSize, count). A wipe of the data
// (db init) does not touch it: it is not an entity of the served schema.
//
// StoreAuditWriter appends events (one transaction per batch, DocumentStore::Append: the event's
// fields bound as the row's columns, no Record built, nothing read back); AuditLog reads them for
// admins.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "schema/schema.hpp"
#include "service/audit/async_sink.hpp"
#include "service/request_context.hpp"
#include "store/document_store.hpp"

namespace ea::service {

inline constexpr const char* kAuditEntity = "AuditEvent";
// The table sink's linger (AsyncAuditSink): fewer, larger transactions beside the data's own.
inline constexpr std::chrono::milliseconds kAuditTableLinger{20};

// The audit table's schema (fields as ToJson names them, plus id, createdAt, updatedAt). Its
// free-text columns have no search index (`search_index: false`): audit rows are found by exact
// and range filters, and the index's upkeep was most of the table's write cost (contains and
// fuzzy still answer, by a scan; docs/performance.md). `search_index` true gives the table as it
// was with the index, for the audit benchmark's comparison only.
[[nodiscard]] Result<schema::SchemaPtr> AuditTableSchema(bool search_index = false);

class StoreAuditWriter final : public AuditWriter {
public:
    // `store` was opened on AuditTableSchema(); both must outlive the writer.
    StoreAuditWriter(store::DocumentStore& store, const schema::Entity& entity);
    // The row of each event holds what ToJson(event) holds, plus a new id, and createdAt and
    // updatedAt equal to its time.
    [[nodiscard]] Status Write(std::span<const AuditEventPtr> events) override;

private:
    // Where each column's value comes from, in the table's column order (found once).
    enum class Column {
        kId,
        kStamp,
        kIds,
        kUserId,
        kUsername,
        kRole,
        kChannel,
        kAction,
        kEntity,
        kFilter,
        kOutcome,
        kErrorCode,
        kRows,
        kDurationMs,
        kRequestId,
        kNull
    };

    store::DocumentStore& store_;
    const schema::Entity& entity_;
    std::vector<Column> columns_;
    // Reused by every batch (the writer runs on one thread): the cells and the text they borrow.
    std::vector<store::DocumentStore::Cell> cells_;
    std::vector<std::string> text_;  // per event: id, time, ids as JSON
};

// What admins read: `GET /api/_audit` and the MCP resource events://audit. Each read is itself
// audited (entity "_audit") through `sink` (may be null).
class AuditLog {
public:
    AuditLog(store::DocumentStore& store, const schema::Entity& entity, AuditSink* sink)
        : store_(store), entity_(entity), sink_(sink) {}

    // The entity list queries are parsed against.
    const schema::Entity& entity() const { return entity_; }

    // Whether `ctx` may read the audit trail: an authenticated admin on an API channel (or the
    // CLI).
    static bool MayRead(const RequestContext& ctx);

    // One page of events; without a sort, newest first. Errors: kForbidden (not an admin),
    // kInvalidArgument, kUnavailable.
    [[nodiscard]] Result<store::ListResult> List(const RequestContext& ctx, query::Query query);

private:
    store::DocumentStore& store_;
    const schema::Entity& entity_;
    AuditSink* sink_;
};

}  // namespace ea::service
