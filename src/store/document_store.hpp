// The store ("DocumentManager"): persistence of records, one implementation per backend (SQLite and
// PostgreSQL; both pass tests/store/store_conformance_test.cpp). It enforces the integrity a
// database can: foreign keys (existence on write, on_delete on delete) and unique constraints. It
// does not validate field values (validate/ does, in the service layer) and knows nothing about
// roles, HTTP or MCP. Thread-safe: one instance serves all requests.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/json/object.hpp>

#include "common/record.hpp"
#include "common/result.hpp"
#include "query/aggregate.hpp"
#include "query/query.hpp"
#include "schema/schema.hpp"

namespace ea::store {

// How Page::total was obtained (query::CountMode asks for one; docs/query.md, "Totals").
enum class TotalKind {
    kExact,
    kEstimate,  // SQLite: sampled (store/sqlite/count_estimate.hpp); PostgreSQL: the planner's
                // estimate (docs/deployment.md, "Totals"): how far off each can be
    kNone,      // not counted (count=none): total and total_pages are 0, has_more tells the rest
};

struct Page {
    int page = 1;
    int page_size = query::kDefaultPageSize;
    std::int64_t total = 0;
    std::int64_t total_pages = 0;  // ceil(total / page_size); 0 when empty
    TotalKind total_kind = TotalKind::kExact;
    bool has_more = false;  // a record exists after this page (known in every mode)
    // Set by the service, not the store: the page size the caller asked for when its role's
    // maximum lowered it to page_size; 0 when nothing was clamped.
    int page_size_clamped_from = 0;
};

struct Notice {
    std::string field;
    std::string message;
};

struct ListResult {
    std::vector<Record> rows;
    Page page;
    std::vector<Notice> warnings;
};

// One record with its view embedded, and the same warnings a list gives (a referenced record that
// no longer exists).
struct GetResult {
    Record record;
    std::vector<Notice> warnings;
};

// One group of an aggregate: its group-by values (AggregateQuery::group_by order; empty without
// a group-by) and its metric values (AggregateQuery::metrics order). count is an integer; sum,
// avg, min and max are null when no record of the group has a value; avg is a number, sum an
// integer for Integer fields, min and max of the field's type.
struct AggregateGroup {
    std::vector<boost::json::value> keys;
    std::vector<boost::json::value> values;
};

struct AggregateResult {
    std::vector<AggregateGroup> groups;  // ordered by the group-by values, nulls first
    bool truncated = false;              // more than AggregateQuery::max_groups groups exist
};

struct EntityCount {
    std::string entity;
    std::int64_t count = 0;
};

class DocumentStore {
public:
    virtual ~DocumentStore() = default;

    // One page of `entity` records matching `query`, sorted by query.sort then id (so pages never
    // repeat or skip rows); with fuzzy matching and no sort, best matches first.
    // Errors: kInvalidArgument, kUnavailable.
    [[nodiscard]] virtual Result<ListResult> List(const schema::Entity& entity,
                                                  const query::Query& query) = 0;

    // The record with `id` (lower-cased before lookup), or kNotFound.
    [[nodiscard]] virtual Result<Record> Get(const schema::Entity& entity, std::string_view id) = 0;

    // Get, with `view` (query::ParseView) embedded exactly as List embeds it, from one snapshot:
    // one look-up per view relation. Errors: as Get, and kInvalidArgument for a view spec that is
    // not a reference of `entity`.
    [[nodiscard]] virtual Result<GetResult> GetWithView(
        const schema::Entity& entity, std::string_view id,
        const std::vector<query::ViewSpec>& view) = 0;

    // Inserts `record`, which must be complete and valid (id, createdAt, updatedAt set; values in
    // canonical form, as the validator leaves them). Returns the stored record.
    // Errors: kValidationFailed (a reference names a missing record; fields name them),
    // kConflict (an id or unique constraint is taken; fields name them).
    [[nodiscard]] virtual Result<Record> Create(const schema::Entity& entity,
                                                const Record& record) = 0;

    // Replaces the stored record `id` with `record` (complete and valid, as for Create).
    // Errors: kNotFound, kValidationFailed (missing reference), kConflict.
    [[nodiscard]] virtual Result<Record> Replace(const schema::Entity& entity, std::string_view id,
                                                 const Record& record) = 0;

    // What Update does to the stored record: existing -> the record to store (complete and valid,
    // as for Create; its id is ignored), or an error that Update returns unchanged with nothing
    // written. Called once, inside the write transaction, so it sees the latest committed record
    // and no other write can land between its read and the write: it must be quick and must not
    // block (no password hashing, no I/O, no calls back into the store).
    using Merge = std::function<Result<Record>(const Record& existing)>;

    // Reads `id`, applies `merge` and writes the result, all in one write transaction: two
    // concurrent Updates of one record never lose either change. Returns the stored record.
    // Errors: kNotFound, merge's error, then as Replace (kValidationFailed, kConflict).
    [[nodiscard]] virtual Result<Record> Update(const schema::Entity& entity, std::string_view id,
                                                const Merge& merge) = 0;

    // Deletes `id`, applying each incoming reference's on_delete. Returns the deleted record, or
    // kNotFound. Errors: kConflict (a restrict reference still points here; the message names it).
    [[nodiscard]] virtual Result<Record> Delete(const schema::Entity& entity,
                                                std::string_view id) = 0;

    // A check DeleteIf runs on the stored record inside the write transaction, before anything
    // is deleted; its error aborts the delete and is returned unchanged. Same rules as Merge.
    using Check = std::function<Status(const Record& existing)>;

    // Delete, when `check` passes on the record as stored at the moment of the delete (e.g. an
    // expected version: no other write can land between the check and the delete).
    // Errors: as Delete, plus check's error.
    [[nodiscard]] virtual Result<Record> DeleteIf(const schema::Entity& entity, std::string_view id,
                                                  const Check& check) = 0;

    // Creates or replaces many records in one transaction: all or nothing. Each item is an
    // (entity, record) pair; for a replace, record["id"] names the target, and with a `merge` the
    // stored record is what merge makes of the existing one, read inside the transaction (as
    // Update does; record then needs only the id). On failure the error's fields are prefixed
    // with the item index ("[3].email").
    struct BatchItem {
        const schema::Entity* entity = nullptr;
        Record record;
        bool replace = false;
        Merge merge = {};
    };
    [[nodiscard]] virtual Result<std::vector<Record>> Batch(std::vector<BatchItem> items) = 0;

    // One column value of a row given to Append: null, an integer (a Boolean field's 0 or 1), a
    // number, or text (an Array or JSON field as its JSON text). Text is borrowed for the call.
    using Cell = std::variant<std::nullptr_t, std::int64_t, double, std::string_view>;

    // Inserts rows into `entity`'s table in one transaction, all or nothing, and reads nothing
    // back: the write path of an insert-only log (the audit trail). `cells` holds the rows one
    // after another, each one Cell per field of entity.fields() in that order, complete and
    // canonical as Create wants them, each with a new id. The rows read back as Create would
    // have stored them. Errors: as Batch (kConflict for a taken id, kValidationFailed for an
    // invalid id), and kInvalidArgument when cells.size() is not a multiple of the field count.
    // The default (append_default.cpp) builds each row's Record and runs Batch; a backend may
    // insert directly when nothing but the id can conflict (no reference, unique or search index).
    [[nodiscard]] virtual Status Append(const schema::Entity& entity, std::span<const Cell> cells);

    // count, sum, avg, min and max of the records of `entity` matching query.filter (same
    // semantics as List's), one result per distinct combination of query.group_by values, at
    // most query.max_groups of them (truncated says more exist); bounded in time as List is
    // (StoreConfig::query_timeout). Without a group-by there is exactly one group, also when no
    // record matches (count 0). Errors: kInvalidArgument, kUnavailable (the time limit).
    // The SQL is shared (sql/aggregate_builder.hpp); a backend only runs it. The default answers
    // kInternal, for a backend that has not wired it yet.
    [[nodiscard]] virtual Result<AggregateResult> Aggregate(const schema::Entity& entity,
                                                            const query::AggregateQuery& query);

    // Bulk loading, for importers (seed-demo). Between BeginBulkLoad and EndBulkLoad a backend may
    // defer index upkeep and relax durability (a crash mid-load may lose the load, never the
    // data committed before it; the next open repairs what was deferred); EndBulkLoad rebuilds
    // what was deferred and restores normal operation. Writes still check ids, references and
    // uniques. Searches (contains, fuzzy) may miss rows until EndBulkLoad. Default: no-ops.
    [[nodiscard]] virtual Status BeginBulkLoad() { return Ok(); }
    [[nodiscard]] virtual Status EndBulkLoad() { return Ok(); }

    // Record counts per entity, for reports.
    [[nodiscard]] virtual Result<std::vector<EntityCount>> Count() = 0;

    // Whether the backend answers, cheaply (no table is scanned), for readiness probes.
    // Errors: kUnavailable.
    [[nodiscard]] virtual Status Ping() = 0;

    // Drops and re-creates every table (db init). Errors: kUnavailable.
    [[nodiscard]] virtual Status Reset() = 0;

    // Backend name for reports: "sqlite" or "postgresql".
    virtual std::string_view backend() const = 0;
};

using DocumentStorePtr = std::unique_ptr<DocumentStore>;

// How hard a backend works to keep an acknowledged write through an OS crash or power loss.
enum class Durability {
    kFull,    // a commit is on stable storage before it is acknowledged (SQLite synchronous=FULL)
    kNormal,  // faster; a power loss may lose the last commits, never corrupt (synchronous=NORMAL)
};

// SQLite readers map this much of the database file by default: SQLite's own cap in Debian's
// build (SQLITE_MAX_MMAP_SIZE 0x7fff0000), so a file of up to ~2 GiB is read from memory.
inline constexpr std::int64_t kDefaultSqliteMmapBytes = std::int64_t{2047} << 20;

struct StoreConfig {
    std::string url;  // "sqlite://PATH" (":memory:" allowed) or "postgresql://..."
    Durability durability = Durability::kFull;
    // The longest one List may run (its count, page and views); past it the query is interrupted
    // and List fails with kUnavailable naming the limit. Zero: no limit.
    std::chrono::microseconds query_timeout{0};
    // PostgreSQL: connections at most (opened on demand); a request finding all busy waits a
    // bounded time, then fails with kUnavailable. SQLite ignores it.
    int pool_size = 8;
    // SQLite: how much of the database file each read connection maps into memory (PRAGMA
    // mmap_size; SQLite caps it, at 2 GiB in Debian's build). Zero: none, every page is read().
    // PostgreSQL ignores it.
    std::int64_t mmap_bytes = kDefaultSqliteMmapBytes;
    // PostgreSQL: the longest wait for a connection, a free pooled one or a new one opening
    // (libpq's connect_timeout counts whole seconds, at least 2); past it kUnavailable.
    std::chrono::milliseconds timeout{5000};
};

// Opens the backend named by `config.url` and migrates its tables to `schema` (creating tables,
// adding columns, indexes and search indexes). The only function that knows every backend.
// `schema` must outlive the store.
[[nodiscard]] Result<DocumentStorePtr> OpenStore(const StoreConfig& config,
                                                 const schema::Schema& schema);

}  // namespace ea::store
