#include "store/sqlite/sqlite_store.hpp"

#include <sqlite3.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include "common/ids.hpp"
#include "store/sql/view_embed.hpp"
#include "store/sql/ddl.hpp"
#include "store/sql/select_builder.hpp"
#include "store/sqlite/count_estimate.hpp"
#include "store/sqlite/fuzzy_search.hpp"
#include "store/sqlite/search_index.hpp"
#include "store/sqlite/sqlite_functions.hpp"

namespace ea::store::sqlite {
namespace {

using boost::json::value;
using Params = std::vector<value>;

constexpr int kBusyTimeoutMs = 5000;
// Plan budgets, in SQLite virtual-machine instructions (see Impl::List and Impl::Count). A row
// examined costs ~7-10 instructions, so 100,000 is ~10,000 rows: a few milliseconds.
constexpr std::int64_t kSortScanBudget = 100'000;
// A count through an unselective index range runs ~3 instructions per matching row at ~350 ns
// each (a random table read per row), measured on 1M Events; a table scan counts 1M rows in
// ~115 ms. One instruction per 8 table rows (~45 ms on 1M rows) lets the index plan finish when
// it matches up to ~4% of the table, and caps what a wrong guess wastes at ~40% of a scan.
constexpr std::int64_t kTableRowsPerCountOp = 8;
constexpr std::int64_t kMinCountBudget = 20'000;
// Page cache of each read connection (SQLite's default is 2 MB, 500 pages). A sorted, filtered
// page walks the sort index and reads one table row per index entry, nearly each on its own
// leaf page: page 10 of a filter keeping 17% of rows touches ~1,500 leaf pages. A cache smaller
// than that misses on every page of every walk (LRU over a loop larger than itself), and each
// miss is a read from the OS, ~20x a cached row. 16 MB (4,096 pages) holds the walk for the
// first ~25 pages of such a list. Memory: at most 16 MB per reader, all of it SQLite's page cache.
constexpr const char* kReaderCachePragma = "PRAGMA cache_size = -16384";
constexpr std::string_view kMetaTable = "_schema_meta";

// No logging library yet: database details go to stderr, never into an Error a client sees.
void LogInternal(std::string_view what, std::string_view detail) {
    std::fprintf(stderr, "events-api store: %.*s: %.*s\n", static_cast<int>(what.size()),
                 what.data(), static_cast<int>(detail.size()), detail.data());
}

std::string Quote(std::string_view name) { return sql::Dialect::QuoteIdentifier(name); }

std::string JoinNames(const std::vector<std::string>& names, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) {
            out += separator;
        }
        out += names[i];
    }
    return out;
}

// The value a record holds for `field`, ready to bind: JSON and Array values as their JSON text.
value BindableValue(const Record& record, const schema::Field& field) {
    const value* v = record.if_contains(field.name);
    if (v == nullptr || v->is_null()) {
        return nullptr;
    }
    if (field.type == schema::FieldType::kJson || field.type == schema::FieldType::kArray) {
        return value(boost::json::serialize(*v));
    }
    return *v;
}

value ColumnValue(sqlite3_stmt* stmt, int column, const schema::Field& field) {
    const int type = sqlite3_column_type(stmt, column);
    if (type == SQLITE_NULL) {
        return nullptr;
    }
    switch (field.type) {
        case schema::FieldType::kBoolean: return sqlite3_column_int64(stmt, column) != 0;
        case schema::FieldType::kInteger:
            if (type == SQLITE_FLOAT) {
                return sqlite3_column_double(stmt, column);
            }
            return static_cast<std::int64_t>(sqlite3_column_int64(stmt, column));
        case schema::FieldType::kNumber:
        case schema::FieldType::kCurrency: return sqlite3_column_double(stmt, column);
        default: break;
    }
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
    const std::string_view view(text == nullptr ? "" : text,
                                static_cast<std::size_t>(sqlite3_column_bytes(stmt, column)));
    if (field.type == schema::FieldType::kJson || field.type == schema::FieldType::kArray) {
        boost::system::error_code ec;
        value parsed = boost::json::parse(view, ec);
        if (!ec) {
            return parsed;
        }
        // Written by something other than this store: hand back the text rather than fail.
    }
    return value(boost::json::string(view));
}

// Statements used for every write and get, built once per entity at open.
struct EntitySql {
    std::string select_by_id;
    std::string exists_by_id;
    std::string insert;
    std::string update;
    std::string delete_by_id;
    std::string rowid_by_id;
    std::vector<const schema::Field*> update_fields;  // update's parameter order (id last)
    // Search index upkeep (empty when the entity has no free-text field). fts_insert adds rowid
    // ?1 with values ?2.. (one per free-text field); fts_delete removes it, given the values it
    // was added with (the contentless FTS5 'delete' command needs them); fts_old_values reads
    // those from the table by id. Plain VALUES statements on purpose: an INSERT ... SELECT
    // opens a statement savepoint, at which FTS5 flushes its pending terms (~3x slower writes).
    std::vector<const schema::Field*> free_text;
    std::string fts_insert;
    std::string fts_delete;
    std::string fts_old_values;
};

EntitySql BuildEntitySql(const schema::Entity& entity) {
    EntitySql out;
    const std::string table = Quote(sql::TableName(entity));
    const std::string columns = sql::ColumnList(entity);
    out.select_by_id = "SELECT " + columns + " FROM " + table + " WHERE \"id\" = ?1";
    out.exists_by_id = "SELECT 1 FROM " + table + " WHERE \"id\" = ?1";
    out.delete_by_id = "DELETE FROM " + table + " WHERE \"id\" = ?1";
    out.rowid_by_id = "SELECT \"_rowid\" FROM " + table + " WHERE \"id\" = ?1";
    {
        SearchIndexSql index = BuildSearchIndexSql(entity);
        out.free_text = std::move(index.fields);
        out.fts_insert = std::move(index.insert);
        out.fts_delete = std::move(index.remove);
        out.fts_old_values = std::move(index.old_values);
    }
    std::string placeholders;
    std::string sets;
    std::size_t index = 0;
    for (std::size_t i = 0; i < sql::ColumnFields(entity).size(); ++i) {
        ++index;
        placeholders += (index > 1 ? ", ?" : "?") + std::to_string(index);
    }
    out.insert = "INSERT INTO " + table + " (" + columns + ") VALUES (" + placeholders + ")";
    index = 0;
    for (const auto& field : sql::ColumnFields(entity)) {
        if (field.name == "id") {
            continue;
        }
        ++index;
        sets += (index > 1 ? ", " : "") + Quote(field.name) + " = ?" + std::to_string(index);
        out.update_fields.push_back(&field);
    }
    out.update = "UPDATE " + table + " SET " + sets + " WHERE \"id\" = ?" + std::to_string(index + 1);
    return out;
}

// "a User", "an Account": entity names appear in client-facing messages.
std::string WithArticle(const std::string& name) {
    const char first = name.empty() ? 'x' : static_cast<char>(name[0] | 0x20);
    // "u" is left out on purpose: "a User", "a Url" (a spelling rule cannot see sounds).
    const bool vowel = first == 'a' || first == 'e' || first == 'i' || first == 'o';
    return (vowel ? "an " : "a ") + name;
}

// The client-facing error of a List that ran past its time limit (the limit is named so the
// operator knows which setting it is; sub-millisecond limits exist only in tests).
Error QueryTimeoutError(std::chrono::microseconds limit) {
    const auto us = limit.count();
    const std::string amount =
        us % 1000 == 0 ? std::to_string(us / 1000) + " ms" : std::to_string(us) + " us";
    return Unavailable("the query took longer than the " + amount +
                       " limit (limits.query_timeout_ms); narrow the filter or the search");
}

const char* SynchronousPragma(Durability durability) {
    return durability == Durability::kNormal ? "PRAGMA synchronous = NORMAL"
                                             : "PRAGMA synchronous = FULL";
}

}  // namespace

class SqliteStore::Impl {
public:
    Impl(sqlite3* db, const schema::Schema& schema) : db_(db), schema_(schema), cache_(db) {
        for (const auto& entity : schema.entities()) {
            entity_sql_.emplace(entity.get(), BuildEntitySql(*entity));
        }
        // Runs inside List, on this connection, with the store's mutex held.
        dialect_.SetTrigramDocCounts([this](const schema::Entity& entity,
                                            const schema::Field& field,
                                            const std::vector<std::string>& trigrams) {
            return TrigramDocCounts(entity, field, trigrams);
        });
    }
    ~Impl() {
        cache_.Clear();
        sqlite3_close_v2(db_);
    }

    sqlite3* db() const { return db_; }
    const sql::Dialect& dialect() const { return dialect_; }
    StatementCache& cache() { return cache_; }
    void Configure(const SqliteStore::Options& options) { options_ = options; }
    const SqliteStore::Options& options() const { return options_; }
    std::function<void(std::string_view)>& observer() { return observer_; }

    // ---- Low level -------------------------------------------------------------------------

    // Maps an SQLite failure to our vocabulary. The SQLite message is logged, never returned.
    Error DbError(int rc, std::string_view what) const {
        const std::string detail = sqlite3_errmsg(db_);
        const int primary = rc & 0xFF;
        if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
            return Unavailable("the database is busy; try again");
        }
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
            return Conflict("a record with these values already exists");
        }
        if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
            return Error{ErrorCode::kValidationFailed, "a referenced record does not exist"};
        }
        if (primary == SQLITE_TOOBIG) {
            return InvalidArgument("a value is too large");
        }
        if (detail.find("LIKE or GLOB pattern too complex") != std::string::npos) {
            return InvalidArgument("the contains search text is too long");
        }
        if (detail.find("Expression tree is too large") != std::string::npos ||
            detail.find("too many terms") != std::string::npos) {
            return InvalidArgument("the filter is too large or nested too deeply");
        }
        LogInternal(what, detail);
        if (primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN ||
            primary == SQLITE_READONLY) {
            return Unavailable("the database is unavailable");
        }
        return Internal("database error");
    }

    // Prepares (cached) and binds `sql`, then calls on_row(stmt) for each row. on_row returns
    // false to stop early.
    template <class OnRow>
    Status Query(const std::string& sql, const Params& params, OnRow&& on_row) {
        int rc = SQLITE_OK;
        StatementLease stmt = cache_.Get(sql, &rc);
        if (!stmt) {
            return DbError(rc, "prepare");
        }
        if (rc = stmt->Bind(params); rc != SQLITE_OK) {
            return DbError(rc, "bind");
        }
        while (true) {
            rc = stmt->Step();
            if (rc == SQLITE_DONE) {
                return Ok();
            }
            if (rc == SQLITE_INTERRUPT && interrupts_.deadline_hit) {
                return QueryTimeoutError(options_.query_timeout);
            }
            if (rc != SQLITE_ROW) {
                return DbError(rc, "step");
            }
            if (!on_row(stmt->get())) {
                return Ok();
            }
        }
    }

    // Like Query, but gives up once the statement has run about `budget` virtual-machine
    // instructions: returns false then (on_row may have seen some rows; the caller discards
    // them). For trying a plan that is fast when it works and bounded when it does not.
    template <class OnRow>
    Result<bool> QueryWithin(const std::string& sql, const Params& params, std::int64_t budget,
                             OnRow&& on_row) {
        int rc = SQLITE_OK;
        StatementLease stmt = cache_.Get(sql, &rc);
        if (!stmt) {
            return DbError(rc, "prepare");
        }
        if (rc = stmt->Bind(params); rc != SQLITE_OK) {
            return DbError(rc, "bind");
        }
        interrupts_.budget_left = budget;
        interrupts_.budget_on = true;
        ProgressScope progress(*this);
        struct EndBudget {
            Interrupts& interrupts;
            ~EndBudget() { interrupts.budget_on = false; }
        } end_budget{interrupts_};
        while (true) {
            rc = stmt->Step();
            if (rc == SQLITE_DONE) {
                return true;
            }
            if (rc == SQLITE_INTERRUPT && interrupts_.deadline_hit) {
                return QueryTimeoutError(options_.query_timeout);
            }
            if (rc == SQLITE_INTERRUPT && interrupts_.budget_left < 0) {
                return false;
            }
            if (rc != SQLITE_ROW) {
                return DbError(rc, "step");
            }
            if (!on_row(stmt->get())) {
                return true;
            }
        }
    }

    // What the progress handler checks every kCheckEvery virtual-machine instructions: a plan's
    // instruction budget (QueryWithin) and the List's deadline (options_.query_timeout). SQLite
    // has one progress handler per connection, so both share it.
    struct Interrupts {
        std::int64_t budget_left = 0;
        bool budget_on = false;
        std::optional<std::chrono::steady_clock::time_point> deadline;
        bool deadline_hit = false;
        int users = 0;  // nested ProgressScopes
    };
    static constexpr int kCheckEvery = 1000;

    static int OnProgress(void* context) {
        auto* in = static_cast<Interrupts*>(context);
        if (in->budget_on) {
            in->budget_left -= kCheckEvery;
            if (in->budget_left < 0) {
                return 1;
            }
        }
        if (in->deadline && std::chrono::steady_clock::now() >= *in->deadline) {
            in->deadline_hit = true;
            return 1;
        }
        return 0;
    }

    // Installs the progress handler for its lifetime (the outermost of nested scopes does).
    class ProgressScope {
    public:
        explicit ProgressScope(Impl& impl) : impl_(impl) {
            if (impl_.interrupts_.users++ == 0) {
                sqlite3_progress_handler(impl_.db_, kCheckEvery, &Impl::OnProgress,
                                         &impl_.interrupts_);
            }
        }
        ~ProgressScope() {
            if (--impl_.interrupts_.users == 0) {
                sqlite3_progress_handler(impl_.db_, 0, nullptr, nullptr);
            }
        }
        ProgressScope(const ProgressScope&) = delete;
        ProgressScope& operator=(const ProgressScope&) = delete;

    private:
        Impl& impl_;
    };

    // Arms the List deadline (when a query timeout is configured) for its lifetime.
    class DeadlineScope {
    public:
        DeadlineScope(Impl& impl, bool armed) : impl_(impl) {
            if (armed && impl_.options_.query_timeout.count() > 0) {
                impl_.interrupts_.deadline =
                    std::chrono::steady_clock::now() + impl_.options_.query_timeout;
                impl_.interrupts_.deadline_hit = false;
                progress_.emplace(impl_);
            }
        }
        ~DeadlineScope() {
            progress_.reset();
            impl_.interrupts_.deadline.reset();
            impl_.interrupts_.deadline_hit = false;
        }
        DeadlineScope(const DeadlineScope&) = delete;
        DeadlineScope& operator=(const DeadlineScope&) = delete;

    private:
        Impl& impl_;
        std::optional<ProgressScope> progress_;
    };

    Status Exec(const std::string& sql, const Params& params = {}) {
        return Query(sql, params, [](sqlite3_stmt*) { return true; });
    }

    Result<bool> Exists(const std::string& sql, const Params& params) {
        bool found = false;
        auto status = Query(sql, params, [&](sqlite3_stmt*) {
            found = true;
            return false;
        });
        if (!status) {
            return status.error();
        }
        return found;
    }

    Result<std::int64_t> Scalar(const std::string& sql, const Params& params) {
        std::int64_t out = 0;
        auto status = Query(sql, params, [&](sqlite3_stmt* stmt) {
            out = sqlite3_column_int64(stmt, 0);
            return false;
        });
        if (!status) {
            return status.error();
        }
        return out;
    }

    // A write transaction (BEGIN IMMEDIATE: takes the write lock up front, so a busy database
    // fails at BEGIN rather than half-way). Rolls back unless committed.
    class Transaction {
    public:
        explicit Transaction(Impl& impl) : impl_(impl) {}
        ~Transaction() {
            if (open_) {
                (void)impl_.Exec("ROLLBACK");
            }
        }
        Status Begin(bool immediate = true) {
            auto status = impl_.Exec(immediate ? "BEGIN IMMEDIATE" : "BEGIN");
            open_ = status.has_value();
            return status;
        }
        Status Commit() {
            auto status = impl_.Exec("COMMIT");
            if (status) {
                open_ = false;
            }
            return status;
        }

    private:
        Impl& impl_;
        bool open_ = false;
    };

    // ---- Migration -------------------------------------------------------------------------

    Result<bool> TableExists(const std::string& name) {
        return Exists("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?1",
                      {value(name)});
    }

    Result<std::optional<std::string>> Meta(const std::string& key) {
        std::optional<std::string> out;
        auto status = Query("SELECT value FROM \"_schema_meta\" WHERE key = ?1", {value(key)},
                            [&](sqlite3_stmt* stmt) {
                                const auto* text =
                                    reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
                                out = text == nullptr ? "" : text;
                                return false;
                            });
        if (!status) {
            return status.error();
        }
        return out;
    }

    Status SetMeta(const std::string& key, const std::string& text) {
        return Exec("INSERT INTO \"_schema_meta\" (key, value) VALUES (?1, ?2) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    {value(key), value(text)});
    }

    // Brings the database up to `schema_`, additively: creates missing tables, adds missing
    // columns (a new required field needs a default, which fills existing rows, or an empty
    // table), creates missing indexes (and drops the sort indexes of fields now `sort_index:
    // false`) and (re)builds search indexes whose layout changed. Never
    // drops a table or column holding data; columns of fields removed from the schema are kept
    // and ignored. Column type changes are not migrated.
    Status Migrate() {
        if (auto s = Exec("CREATE TABLE IF NOT EXISTS \"_schema_meta\" "
                          "(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
            !s) {
            return s;
        }
        Transaction tx(*this);
        if (auto s = tx.Begin(); !s) {
            return s;
        }
        for (const auto& entity : schema_.entities()) {
            if (auto s = MigrateTable(*entity); !s) {
                return s;
            }
        }
        for (const auto& entity : schema_.entities()) {
            for (const auto& index : sql::IndexesFor(*entity)) {
                if (auto s = CreateIndex(*entity, index); !s) {
                    return s;
                }
            }
            for (const auto& name : sql::UnwantedSortIndexNames(*entity)) {  // sort_index: false
                if (auto s = Exec("DROP INDEX IF EXISTS " + Quote(name)); !s) {
                    return s;
                }
            }
            if (auto s = SyncSearchIndex(*entity); !s) {
                return s;
            }
        }
        if (auto s = SetMeta("schema_version", schema_.version()); !s) {
            return s;
        }
        return tx.Commit();
    }

    Status MigrateTable(const schema::Entity& entity) {
        const std::string& table = sql::TableName(entity);
        auto exists = TableExists(table);
        if (!exists) {
            return exists.error();
        }
        if (!*exists) {
            return Exec(sql::CreateTableSql(dialect_, entity));
        }
        std::set<std::string> columns;
        auto status = Query("SELECT name FROM pragma_table_info(?1)", {value(table)},
                            [&](sqlite3_stmt* stmt) {
                                const auto* name =
                                    reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
                                columns.insert(name == nullptr ? "" : name);
                                return true;
                            });
        if (!status) {
            return status;
        }
        if (columns.count("_rowid") == 0 || columns.count("id") == 0) {
            return InvalidArgument("table " + table +
                                   " exists but was not created by events-api; rename or drop it");
        }
        for (const auto& field : sql::ColumnFields(entity)) {
            if (columns.count(field.name) != 0) {
                continue;
            }
            if (field.required && !field.default_value) {
                auto has_rows = Exists("SELECT 1 FROM " + Quote(table) + " LIMIT 1", {});
                if (!has_rows) {
                    return has_rows.error();
                }
                if (*has_rows) {
                    return InvalidArgument("cannot add required field " + entity.name() + "." +
                                           field.name +
                                           ": the table already has rows; give the field a "
                                           "default or make it optional");
                }
            }
            if (auto s = Exec(sql::AddColumnSql(dialect_, entity, field)); !s) {
                return s;
            }
            if (field.default_value && !field.default_value->is_null()) {
                Record holder;
                holder[field.name] = *field.default_value;
                if (auto s = Exec("UPDATE " + Quote(table) + " SET " + Quote(field.name) +
                                      " = ?1 WHERE " + Quote(field.name) + " IS NULL",
                                  {BindableValue(holder, field)});
                    !s) {
                    return s;
                }
            }
        }
        return Ok();
    }

    Status CreateIndex(const schema::Entity& entity, const sql::IndexDef& index) {
        auto status = Exec(sql::CreateIndexSql(dialect_, entity, index));
        if (!status && index.unique && status.error().code == ErrorCode::kConflict) {
            std::vector<std::string> names;
            for (const auto* field : index.fields) {
                names.push_back(field->name);
            }
            return InvalidArgument("cannot make " + entity.name() + "(" + JoinNames(names, ", ") +
                                   ") unique: existing rows share values");
        }
        return status;
    }

    // The FTS5 trigram index of `entity`'s free-text fields. It is contentless (it stores only
    // the index, not a copy of the text), so a removal replays the old values through the
    // 'delete' command. The store maintains it with explicit statements next to each write
    // (FtsAdd, FtsRemove), not triggers: FTS5 flushes its pending terms at every statement
    // savepoint, and a trigger makes each INSERT open one, which measured ~3x slower writes.
    // Consequence: rows must be written through this store (another writer would leave the
    // index stale; a rebuild is a version bump of kFtsVersion away).
    Status SyncSearchIndex(const schema::Entity& entity) {
        const SearchIndexSql index = BuildSearchIndexSql(entity);
        const std::string fts = FtsTableName(entity);
        const std::string meta_key = "fts:" + entity.name();
        auto stored = Meta(meta_key);
        if (!stored) {
            return stored.error();
        }
        auto exists = TableExists(fts);
        if (!exists) {
            return exists.error();
        }
        if (!index.fields.empty() && *exists && *stored == index.signature) {
            return Ok();
        }
        for (const char* suffix : {"_ai", "_ad", "_au"}) {  // fts-v1 kept it with triggers
            if (auto s = Exec("DROP TRIGGER IF EXISTS " + Quote(fts + suffix)); !s) {
                return s;
            }
        }
        if (auto s = Exec("DROP TABLE IF EXISTS " + Quote(fts)); !s) {
            return s;
        }
        if (index.fields.empty()) {
            return Exec("DELETE FROM \"_schema_meta\" WHERE key = ?1", {value(meta_key)});
        }
        for (const auto* statement : {&index.create, &index.fill}) {
            if (auto s = Exec(*statement); !s) {
                return s;
            }
        }
        return SetMeta(meta_key, index.signature);
    }

    // Per-connection fts5vocab views over the search indexes, for choosing the rarest trigrams.
    Status CreateVocabularies() {
        for (const auto& entity : schema_.entities()) {
            if (FreeTextFields(*entity).empty()) {
                continue;
            }
            auto s = Exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp." +
                          Quote("_vocab_" + entity->name()) + " USING fts5vocab(main, " +
                          Quote(FtsTableName(*entity)) + ", col)");
            if (!s) {
                return s;
            }
        }
        return Ok();
    }

    std::vector<std::int64_t> TrigramDocCounts(const schema::Entity& entity,
                                               const schema::Field& field,
                                               const std::vector<std::string>& trigrams) {
        const std::string sql = "SELECT doc FROM temp." + Quote("_vocab_" + entity.name()) +
                                " WHERE col = ?1 AND term = ?2";
        std::vector<std::int64_t> out;
        out.reserve(trigrams.size());
        const value column(FtsTrigramColumn(field));
        for (const auto& trigram : trigrams) {
            auto count = Scalar(sql, {column, value(trigram)});
            if (!count) {
                return {};  // no statistics: the caller uses every trigram
            }
            out.push_back(*count);
        }
        return out;
    }

    // ---- Reads -----------------------------------------------------------------------------

    const EntitySql& SqlFor(const schema::Entity& entity) const {
        auto it = entity_sql_.find(&entity);
        if (it == entity_sql_.end()) {
            // Only entities of this store's schema may be passed (REQUIRES of DocumentStore).
            std::fprintf(stderr, "events-api store: entity %s is not of this store's schema\n",
                         entity.name().c_str());
            std::abort();
        }
        return it->second;
    }

    static Record ReadRow(sqlite3_stmt* stmt, const schema::Entity& entity) {
        Record record;
        int column = 0;
        for (const auto& field : sql::ColumnFields(entity)) {
            record[field.name] = ColumnValue(stmt, column++, field);
        }
        return record;
    }

    Result<std::optional<Record>> FindById(const schema::Entity& entity, const std::string& id) {
        std::optional<Record> out;
        auto status = Query(SqlFor(entity).select_by_id, {value(id)}, [&](sqlite3_stmt* stmt) {
            out = ReadRow(stmt, entity);
            return false;
        });
        if (!status) {
            return status.error();
        }
        return out;
    }

    // The record `id` with `view` embedded, from one read transaction (as List). Null when absent.
    Result<std::optional<GetResult>> FindByIdWithView(const schema::Entity& entity,
                                                      const std::string& id,
                                                      const std::vector<query::ViewSpec>& view) {
        if (auto s = sql::CheckView(entity, view); !s) {
            return s.error();
        }
        if (view.empty()) {  // one statement: no transaction needed
            auto row = FindById(entity, id);
            if (!row) {
                return row.error();
            }
            if (!*row) {
                return std::optional<GetResult>();
            }
            return std::optional<GetResult>(GetResult{std::move(**row), {}});
        }
        Transaction tx(*this);
        if (auto s = tx.Begin(/*immediate=*/false); !s) {
            return s.error();
        }
        auto row = FindById(entity, id);
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return std::optional<GetResult>();
        }
        std::vector<Record> rows;
        rows.push_back(std::move(**row));
        std::vector<Notice> warnings;
        for (const auto& spec : view) {
            if (auto s = EmbedView(spec, rows, warnings); !s) {
                return s.error();
            }
        }
        if (auto s = tx.Commit(); !s) {
            return s.error();
        }
        return std::optional<GetResult>(GetResult{std::move(rows.front()), std::move(warnings)});
    }

    Result<ListResult> List(const schema::Entity& entity, const query::Query& query) {
        // One read transaction so the count and the page see the same snapshot.
        Transaction tx(*this);
        // Declared after tx so it is disarmed before tx's rollback runs.
        DeadlineScope deadline(*this, query.time_limited);
        if (auto s = sql::CheckView(entity, query.view); !s) {
            return s.error();
        }
        // A lone fuzzy search is answered from the search index without the SQL plan, whose
        // candidate clause would look up every query trigram's document count (fts5vocab reads
        // the whole posting list for it): the plan is built only when it is needed.
        const query::Comparison* fuzzy = LoneFuzzy(query);
        if (fuzzy != nullptr && !(query.page >= 1 && query.page_size >= 1 &&
                                  query.page_size <= query::kMaxPageSize &&
                                  HasField(entity, fuzzy->field))) {
            fuzzy = nullptr;  // BuildListSql names what is wrong
        }
        Result<sql::ListSql> plan = sql::ListSql{};
        if (fuzzy == nullptr) {
            plan = sql::BuildListSql(dialect_, entity, query);
            if (!plan) {
                return plan.error();
            }
        }
        ListResult out;
        if (auto s = tx.Begin(/*immediate=*/false); !s) {
            return s.error();
        }
        // The statement reads one row past the page: it only says that another page exists.
        auto read_row = [&](sqlite3_stmt* stmt) {
            if (out.rows.size() == static_cast<std::size_t>(query.page_size)) {
                out.page.has_more = true;
                return false;
            }
            out.rows.push_back(ReadRow(stmt, entity));
            return true;
        };
        std::optional<CountedTotal> fuzzy_total;
        if (fuzzy != nullptr) {
            auto answered = FuzzyList(entity, query, *fuzzy, out);
            if (!answered) {
                return answered.error();
            }
            fuzzy_total = *answered;
            if (!fuzzy_total) {
                plan = sql::BuildListSql(dialect_, entity, query);
                if (!plan) {
                    return plan.error();
                }
            }
        }
        bool done = fuzzy_total.has_value();
        if (!done && !plan->rows_by_sort_index.text.empty()) {
            // Walking the sort index finds a page after reading page_size / selectivity rows:
            // quick unless the filter keeps few rows, which the budget bounds (then the
            // planner's own plan, e.g. the filter's index and a sort, runs instead).
            auto within = QueryWithin(plan->rows_by_sort_index.text,
                                      plan->rows_by_sort_index.params, kSortScanBudget, read_row);
            if (!within) {
                return within.error();
            }
            done = *within;
            if (!done) {
                out.rows.clear();
                out.page.has_more = false;
            }
        }
        if (!done) {
            if (auto status = Query(plan->rows.text, plan->rows.params, read_row); !status) {
                return status.error();
            }
        }
        auto total = fuzzy_total ? Result<CountedTotal>(*fuzzy_total)
                                 : TotalFor(entity, *plan, query, out.rows.size(), out.page.has_more);
        if (!total) {
            return total.error();
        }
        for (const auto& spec : query.view) {
            if (auto s = EmbedView(spec, out.rows, out.warnings); !s) {
                return s.error();
            }
        }
        if (auto s = tx.Commit(); !s) {
            return s.error();
        }
        out.page.page = query.page;
        out.page.page_size = query.page_size;
        out.page.total_kind = total->kind;
        if (total->kind != TotalKind::kNone) {
            out.page.total = total->total;
            out.page.total_pages = (total->total + query.page_size - 1) / query.page_size;
        }
        return out;
    }

    struct CountedTotal {
        std::int64_t total = 0;
        TotalKind kind = TotalKind::kExact;
    };

    // The contains or fuzzy comparison when it is the whole filter (and the only search), else
    // null: then the search index can answer more than the SQL text can.
    static const query::Comparison* LoneTextSearch(const query::Query& query) {
        if (query.matching == query::Matching::kExact || !query.filter) {
            return nullptr;
        }
        const query::FilterNode* node = query.filter.get();
        while (node->kind == query::FilterNode::Kind::kAnd && node->children.size() == 1) {
            node = node->children.front().get();
        }
        if (node->kind != query::FilterNode::Kind::kComparison) {
            return nullptr;
        }
        const auto& cmp = node->comparison;
        if (cmp.op != query::Op::kEq || cmp.field == nullptr || !cmp.field->is_search_indexed() ||
            !cmp.value.is_string() || cmp.field->name == "id") {
            return nullptr;
        }
        return &cmp;
    }

    static bool HasField(const schema::Entity& entity, const schema::Field* field) {
        for (const auto& f : entity.fields()) {
            if (&f == field) {
                return true;
            }
        }
        return false;
    }

    // A lone fuzzy search in similarity order (no sort): FuzzyList answers it from the index.
    static const query::Comparison* LoneFuzzy(const query::Query& query) {
        if (query.matching != query::Matching::kFuzzy || !query.sort.empty()) {
            return nullptr;
        }
        return LoneTextSearch(query);
    }

    Error ReadError(int rc, std::string_view what) const {
        if (rc == SQLITE_INTERRUPT && interrupts_.deadline_hit) {
            return QueryTimeoutError(options_.query_timeout);
        }
        return DbError(rc, what);
    }

    bool PastDeadline() {
        if (interrupts_.deadline && std::chrono::steady_clock::now() >= *interrupts_.deadline) {
            interrupts_.deadline_hit = true;
        }
        return interrupts_.deadline_hit;
    }

    // A fuzzy page in similarity order and its total, from the search index (AnswerFuzzy).
    // Fills out.rows and out.page.has_more. Returns nullopt when the query cannot use this path
    // (then the SQL plan answers it).
    Result<std::optional<CountedTotal>> FuzzyList(const schema::Entity& entity,
                                                  const query::Query& query,
                                                  const query::Comparison& cmp, ListResult& out) {
        FuzzySearch search;
        search.entity = &entity;
        search.field = cmp.field;
        search.text = cmp.value.get_string();
        search.threshold = query.fuzzy_threshold;
        search.offset =
            static_cast<std::int64_t>(query.page - 1) * static_cast<std::int64_t>(query.page_size);
        search.page_size = query.page_size;
        search.count = query.count;
        if (query.count == query::CountMode::kAuto ||
            query.count == query::CountMode::kEstimated) {
            auto rows = MaxRowNumber(entity);
            if (!rows) {
                return rows.error();
            }
            search.table_rows = *rows;
        }
        std::optional<FuzzyAnswer> answer;
        if (int rc = AnswerFuzzy(cache_, search, [this] { return PastDeadline(); }, answer);
            rc != SQLITE_OK) {
            return ReadError(rc, "fuzzy search");
        }
        if (!answer) {
            return std::optional<CountedTotal>();
        }
        for (const auto& id : answer->page_ids) {
            auto record = FindById(entity, id);
            if (!record) {
                return record.error();
            }
            if (*record) {
                out.rows.push_back(std::move(**record));
            }
        }
        out.page.has_more = answer->has_more;
        return std::optional<CountedTotal>(CountedTotal{answer->total, answer->total_kind});
    }

    // The total query.count asks for (docs/query.md, "Totals"), after the page was read: a page
    // that reaches the end of the result already tells the exact total, without counting.
    Result<CountedTotal> TotalFor(const schema::Entity& entity, const sql::ListSql& plan,
                        const query::Query& query, std::size_t rows, bool has_more) {
        if (query.count == query::CountMode::kNone) {
            return CountedTotal{0, TotalKind::kNone};
        }
        const std::int64_t offset =
            static_cast<std::int64_t>(query.page - 1) * static_cast<std::int64_t>(query.page_size);
        const auto seen = offset + static_cast<std::int64_t>(rows);
        if (!has_more && (rows > 0 || query.page == 1)) {
            return CountedTotal{seen, TotalKind::kExact};
        }
        std::optional<std::int64_t> max_row;
        const auto exact = [&]() -> Result<CountedTotal> {
            auto count = Count(entity, plan, max_row);
            if (!count) {
                return count.error();
            }
            return CountedTotal{*count, TotalKind::kExact};
        };
        if (query.count == query::CountMode::kExact || plan.count_sample.text.empty()) {
            return exact();
        }
        auto rows_now = MaxRowNumber(entity);
        if (!rows_now) {
            return rows_now.error();
        }
        max_row = *rows_now;
        const bool automatic = query.count == query::CountMode::kAuto;
        if (*max_row <= kSampleMaxRows || (automatic && plan.sample_is_costly)) {
            return exact();  // counting costs no more than sampling would
        }
        const auto* contains = LoneTextSearch(query);
        if (contains != nullptr && query.matching == query::Matching::kContains) {
            // Sample the search index's candidates, not the table (EstimateContainsTotal).
            std::optional<ContainsTotal> sampled;
            if (int rc = EstimateContainsTotal(cache_, entity, *contains->field,
                                               contains->value.get_string(),
                                               automatic ? kAutoExactRows : 0, sampled);
                rc != SQLITE_OK) {
                return ReadError(rc, "contains total");
            }
            if (sampled) {
                if (sampled->complete) {
                    return CountedTotal{sampled->estimate, TotalKind::kExact};
                }
                std::int64_t estimate = sampled->estimate;
                estimate = has_more ? std::max(estimate, seen + 1) : std::min(estimate, offset);
                return CountedTotal{estimate, TotalKind::kEstimate};
            }
        }
        auto sample = SampleTotal(plan.count_sample, *max_row,
                                  automatic ? SampleGoal::kDecideBudget : SampleGoal::kEstimate);
        if (!sample) {
            return sample.error();
        }
        if (sample->complete) {
            return CountedTotal{sample->estimate, TotalKind::kExact};
        }
        if (automatic && sample->estimate <= kAutoExactRows) {
            return exact();
        }
        // What the page saw bounds the estimate: more rows than it read, or (past the end) no
        // more than the rows before it.
        std::int64_t estimate = sample->estimate;
        estimate = has_more ? std::max(estimate, seen + 1) : std::min(estimate, offset);
        return CountedTotal{estimate, TotalKind::kEstimate};
    }

    Result<TotalEstimate> SampleTotal(const sql::Sql& sample, std::int64_t max_row,
                                      SampleGoal goal) {
        Params params = sample.params;  // the last two are the range, set per block
        const std::size_t first = params.size() - 2;
        return EstimateTotal(max_row, goal, kAutoExactRows,
                             [&](std::int64_t from, std::int64_t to) -> Result<std::int64_t> {
                                 params[first] = from;
                                 params[first + 1] = to;
                                 return Scalar(sample.text, params);
                             });
    }

    Result<std::int64_t> MaxRowNumber(const schema::Entity& entity) {
        return Scalar("SELECT coalesce(max(\"_rowid\"), 0) FROM " + Quote(sql::TableName(entity)),
                      {});
    }

    // The total for a list. SQLite (built without STAT4) takes any indexed range as selective;
    // when it is not, the index plan fetches each matching row from the table at random, ~10x a
    // row of a sequential scan. So the planner's plan gets a budget of about what a scan of the
    // table costs, and past it the count restarts as a table scan: a selective filter stays
    // fast, an unselective one costs at most about two scans instead of a random read per row.
    // `max_row`: the table's largest row number when the caller already read it.
    Result<std::int64_t> Count(const schema::Entity& entity, const sql::ListSql& plan,
                               std::optional<std::int64_t> max_row = std::nullopt) {
        if (plan.count_full_scan.text.empty()) {
            return Scalar(plan.count.text, plan.count.params);
        }
        auto rows = max_row ? Result<std::int64_t>(*max_row) : MaxRowNumber(entity);
        if (!rows) {
            return rows.error();
        }
        std::int64_t total = 0;
        const std::int64_t budget =
            std::max<std::int64_t>(kMinCountBudget, *rows / kTableRowsPerCountOp);
        auto within = QueryWithin(plan.count.text, plan.count.params, budget,
                                  [&](sqlite3_stmt* stmt) {
                                      total = sqlite3_column_int64(stmt, 0);
                                      return false;
                                  });
        if (!within) {
            return within.error();
        }
        if (*within) {
            return total;
        }
        return Scalar(plan.count_full_scan.text, plan.count_full_scan.params);
    }

    // One batched look-up per view relation for the whole page (never one per row).
    Status EmbedView(const query::ViewSpec& spec, std::vector<Record>& rows,
                     std::vector<Notice>& warnings) {
        const schema::Field& reference = *spec.reference;
        const schema::Entity& target = *reference.target;
        const std::vector<std::string> ids = sql::ReferencedIds(rows, reference);
        std::unordered_map<std::string, Record> found;
        if (!ids.empty()) {
            std::vector<const schema::Field*> selected;
            const sql::Sql lookup = sql::BuildViewSql(dialect_, target, spec.fields, ids, selected);
            auto status = Query(lookup.text, lookup.params, [&](sqlite3_stmt* stmt) {
                Record embedded;
                embedded["exists"] = true;
                for (std::size_t i = 0; i < selected.size(); ++i) {
                    embedded[selected[i]->name] = ColumnValue(stmt, static_cast<int>(i), *selected[i]);
                }
                std::string id(embedded["id"].as_string());
                found.emplace(std::move(id), std::move(embedded));
                return true;
            });
            if (!status) {
                return status;
            }
        }
        sql::AttachView(spec, found, rows, warnings);
        return Ok();
    }

    // ---- Writes ----------------------------------------------------------------------------

    // Every non-null reference must name an existing record. Appends one error per field.
    Status CheckReferences(const schema::Entity& entity, const Record& record,
                           std::vector<FieldError>& errors) {
        for (const auto& field : entity.fields()) {
            if (!field.is_reference()) {
                continue;
            }
            const value* v = record.if_contains(field.name);
            if (v == nullptr || v->is_null()) {
                continue;
            }
            if (!v->is_string()) {
                errors.push_back({field.name, "must be the id of a " + field.target->name()});
                continue;
            }
            auto exists = Exists(SqlFor(*field.target).exists_by_id, {*v});
            if (!exists) {
                return exists.error();
            }
            if (!*exists) {
                errors.push_back({field.name, "references a missing " + field.target->name() +
                                                  ": " + std::string(v->get_string())});
            }
        }
        return Ok();
    }

    // Unique constraints (and the id on create) must be free. `self` is the row being replaced.
    Status CheckUniques(const schema::Entity& entity, const Record& record,
                        const std::optional<std::string>& self, std::vector<FieldError>& errors) {
        const std::string table = Quote(sql::TableName(entity));
        for (const auto& unique : entity.uniques()) {
            std::string where;
            Params params;
            bool has_null = false;
            for (const auto& name : unique) {
                const schema::Field* field = entity.FindField(name);
                if (field == nullptr) {
                    continue;
                }
                value v = BindableValue(record, *field);
                if (v.is_null()) {
                    has_null = true;  // NULLs never collide in a UNIQUE index
                    break;
                }
                params.push_back(std::move(v));
                where += (where.empty() ? "" : " AND ") + Quote(name) + " = ?" +
                         std::to_string(params.size());
            }
            if (has_null || params.empty()) {
                continue;
            }
            if (self) {
                params.emplace_back(*self);
                where += " AND \"id\" <> ?" + std::to_string(params.size());
            }
            auto taken = Exists("SELECT 1 FROM " + table + " WHERE " + where + " LIMIT 1", params);
            if (!taken) {
                return taken.error();
            }
            if (*taken) {
                errors.push_back({JoinNames(unique, ","), WithArticle(entity.name()) + " with this " +
                                                              JoinNames(unique, " and ") +
                                                              " already exists"});
            }
        }
        return Ok();
    }

    Params RowParams(const schema::Entity& entity, const Record& record, const std::string& id) {
        Params params;
        for (const auto& field : sql::ColumnFields(entity)) {
            params.push_back(field.name == "id" ? value(id) : BindableValue(record, field));
        }
        return params;
    }

    // Adds row `rowid` of `entity` to its search index with the values `record` was stored with.
    Status FtsAdd(const schema::Entity& entity, std::int64_t rowid, const Record& record) {
        const EntitySql& statements = SqlFor(entity);
        if (statements.fts_insert.empty() || bulk_load_) {
            return Ok();
        }
        Params params{value(rowid)};
        for (const auto* field : statements.free_text) {
            params.push_back(BindableValue(record, *field));
        }
        return Exec(statements.fts_insert, params);
    }

    // Removes row `id` of `entity` from its search index. Call before the row changes.
    Status FtsRemove(const schema::Entity& entity, const std::string& id) {
        const EntitySql& statements = SqlFor(entity);
        if (statements.fts_delete.empty() || bulk_load_) {
            return Ok();
        }
        Params params;
        auto status = Query(statements.fts_old_values, {value(id)}, [&](sqlite3_stmt* stmt) {
            params.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, 0)));
            for (int i = 1; i <= static_cast<int>(statements.free_text.size()); ++i) {
                if (sqlite3_column_type(stmt, i) == SQLITE_NULL) {
                    params.emplace_back(nullptr);
                    continue;
                }
                const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
                params.emplace_back(boost::json::string_view(
                    text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i))));
            }
            return false;
        });
        if (!status || params.empty()) {
            return status;
        }
        return Exec(statements.fts_delete, params);
    }

    Result<Record> CreateLocked(const schema::Entity& entity, const Record& record) {
        const value* id_value = record.if_contains("id");
        if (id_value == nullptr || !id_value->is_string() || !IsValidId(id_value->get_string())) {
            return Error{ErrorCode::kValidationFailed, "the record has no valid id",
                         {{"id", "must be a valid id"}}};
        }
        const std::string id = NormalizeId(id_value->get_string());
        std::vector<FieldError> errors;
        if (auto s = CheckReferences(entity, record, errors); !s) {
            return s.error();
        }
        // A missing reference (422) is reported before any conflict (409).
        if (!errors.empty()) {
            return Error{ErrorCode::kValidationFailed, "a referenced record does not exist",
                         std::move(errors)};
        }
        auto taken = Exists(SqlFor(entity).exists_by_id, {value(id)});
        if (!taken) {
            return taken.error();
        }
        if (*taken) {
            errors.push_back({"id", WithArticle(entity.name()) + " with this id already exists"});
        }
        if (auto s = CheckUniques(entity, record, std::nullopt, errors); !s) {
            return s.error();
        }
        if (!errors.empty()) {
            return Conflict("the record conflicts with an existing " + entity.name(),
                            std::move(errors));
        }
        const EntitySql& statements = SqlFor(entity);
        if (auto s = Exec(statements.insert, RowParams(entity, record, id)); !s) {
            return s.error();
        }
        if (auto s = FtsAdd(entity, sqlite3_last_insert_rowid(db_), record); !s) {
            return s.error();
        }
        return ReadBack(entity, id);
    }

    Result<Record> ReplaceLocked(const schema::Entity& entity, std::string_view raw_id,
                                 const Record& record) {
        if (!IsValidId(raw_id)) {
            return NotFound(entity.name() + " " + std::string(raw_id) + " not found");
        }
        const std::string id = NormalizeId(raw_id);
        std::optional<std::int64_t> rowid;
        auto found = Query(SqlFor(entity).rowid_by_id, {value(id)}, [&](sqlite3_stmt* stmt) {
            rowid = sqlite3_column_int64(stmt, 0);
            return false;
        });
        if (!found) {
            return found.error();
        }
        if (!rowid) {
            return NotFound(entity.name() + " " + id + " not found");
        }
        std::vector<FieldError> errors;
        if (auto s = CheckReferences(entity, record, errors); !s) {
            return s.error();
        }
        if (!errors.empty()) {
            return Error{ErrorCode::kValidationFailed, "a referenced record does not exist",
                         std::move(errors)};
        }
        if (auto s = CheckUniques(entity, record, id, errors); !s) {
            return s.error();
        }
        if (!errors.empty()) {
            return Conflict("the record conflicts with an existing " + entity.name(),
                            std::move(errors));
        }
        const EntitySql& statements = SqlFor(entity);
        Params params;
        for (const auto* field : statements.update_fields) {
            params.push_back(BindableValue(record, *field));
        }
        params.emplace_back(id);
        if (auto s = FtsRemove(entity, id); !s) {
            return s.error();
        }
        if (auto s = Exec(statements.update, params); !s) {
            return s.error();
        }
        if (auto s = FtsAdd(entity, *rowid, record); !s) {
            return s.error();
        }
        return ReadBack(entity, id);
    }

    // Read, merge and replace inside the caller's write transaction (see DocumentStore::Update).
    Result<Record> UpdateLocked(const schema::Entity& entity, std::string_view raw_id,
                                const Merge& merge) {
        if (!IsValidId(raw_id)) {
            return NotFound(entity.name() + " " + std::string(raw_id) + " not found");
        }
        const std::string id = NormalizeId(raw_id);
        auto row = FindById(entity, id);
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return NotFound(entity.name() + " " + id + " not found");
        }
        auto merged = merge(**row);
        if (!merged) {
            return merged.error();
        }
        return ReplaceLocked(entity, id, *merged);
    }

    Result<Record> ReadBack(const schema::Entity& entity, const std::string& id) {
        auto row = FindById(entity, id);
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return Internal("a written record could not be read back");
        }
        return std::move(**row);
    }

    // Deletes `id` of `entity` after applying on_delete along every incoming reference. Runs
    // inside the caller's transaction; `visiting` stops reference cycles.
    Status DeleteRecursive(const schema::Entity& entity, const std::string& id,
                           std::set<std::pair<const schema::Entity*, std::string>>& visiting) {
        if (!visiting.emplace(&entity, id).second) {
            return Ok();
        }
        for (const auto& relation : entity.referenced_by()) {
            const schema::Entity& child = *relation.from;
            const schema::Field& field = *relation.field;
            const std::string child_table = Quote(sql::TableName(child));
            const std::string column = Quote(field.name);
            switch (field.on_delete) {
                case schema::OnDelete::kRestrict: {
                    std::optional<std::string> child_id;
                    auto s = Query("SELECT \"id\" FROM " + child_table + " WHERE " + column +
                                       " = ?1 AND NOT (\"id\" = ?1 AND ?2 = 1) LIMIT 1",
                                   {value(id), value(&child == &entity ? 1 : 0)},
                                   [&](sqlite3_stmt*) {
                                       child_id = "";
                                       return false;
                                   });
                    if (!s) {
                        return s;
                    }
                    if (child_id) {
                        return Conflict(entity.name() + " " + id + " is still referenced by " +
                                        child.name() + "." + field.name);
                    }
                    break;
                }
                case schema::OnDelete::kCascade: {
                    std::vector<std::string> children;
                    auto s = Query("SELECT \"id\" FROM " + child_table + " WHERE " + column + " = ?1",
                                   {value(id)}, [&](sqlite3_stmt* stmt) {
                                       const auto* text = reinterpret_cast<const char*>(
                                           sqlite3_column_text(stmt, 0));
                                       children.emplace_back(text == nullptr ? "" : text);
                                       return true;
                                   });
                    if (!s) {
                        return s;
                    }
                    for (const auto& child_id : children) {
                        if (auto d = DeleteRecursive(child, child_id, visiting); !d) {
                            return d;
                        }
                    }
                    break;
                }
                case schema::OnDelete::kSetNull: {
                    // The child changed, so its version (updatedAt, the REST ETag) moves too: to
                    // now, or 1 ms past the old one when the clock has not passed it.
                    std::string moved;
                    if (child.FindField("updatedAt") != nullptr) {
                        moved = ", \"updatedAt\" = max(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), "
                                "strftime('%Y-%m-%dT%H:%M:%fZ', \"updatedAt\", '+0.001 seconds'))";
                    }
                    auto s = Exec("UPDATE " + child_table + " SET " + column + " = NULL" + moved +
                                      " WHERE " + column + " = ?1",
                                  {value(id)});
                    if (!s) {
                        return s;
                    }
                    break;
                }
            }
        }
        if (auto s = FtsRemove(entity, id); !s) {
            return s;
        }
        auto status = Exec(SqlFor(entity).delete_by_id, {value(id)});
        if (!status && status.error().code == ErrorCode::kValidationFailed) {
            // The database's own foreign key (the safety net) refused: someone still points here.
            return Conflict(entity.name() + " " + id + " is still referenced");
        }
        return status;
    }

    Result<Record> DeleteLocked(const schema::Entity& entity, std::string_view raw_id,
                                const Check& check = {}) {
        if (!IsValidId(raw_id)) {
            return NotFound(entity.name() + " " + std::string(raw_id) + " not found");
        }
        const std::string id = NormalizeId(raw_id);
        auto row = FindById(entity, id);
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return NotFound(entity.name() + " " + id + " not found");
        }
        if (check) {
            if (auto passed = check(**row); !passed) {
                return passed.error();
            }
        }
        std::set<std::pair<const schema::Entity*, std::string>> visiting;
        if (auto s = DeleteRecursive(entity, id, visiting); !s) {
            return s.error();
        }
        return std::move(**row);
    }

    // Runs `op` in one write transaction, committing only when it succeeds.
    template <class T, class Op>
    Result<T> InTransaction(Op&& op) {
        Transaction tx(*this);
        if (auto s = tx.Begin(); !s) {
            return s.error();
        }
        Result<T> result = op();
        if (!result) {
            return result;
        }
        if (auto s = tx.Commit(); !s) {
            return s.error();
        }
        return result;
    }

    // See SqliteStore::BeginBulkLoad. The rebuild marks are committed first, so a load that
    // never reaches EndBulkLoad leaves indexes that the next open (Migrate) rebuilds.
    Status BeginBulkLoadLocked() {
        if (bulk_load_) {
            return Ok();
        }
        for (const char* pragma : {"PRAGMA synchronous = OFF", "PRAGMA cache_size = -65536"}) {
            if (auto s = Exec(pragma); !s) {
                return s;
            }
        }
        Transaction tx(*this);
        if (auto s = tx.Begin(); !s) {
            return s;
        }
        for (const auto& entity : schema_.entities()) {
            for (const auto& index : sql::IndexesFor(*entity)) {
                if (index.unique) {
                    continue;
                }
                if (auto s = Exec("DROP INDEX IF EXISTS " + Quote(index.name)); !s) {
                    return s;
                }
            }
            if (FreeTextFields(*entity).empty()) {
                continue;
            }
            const std::string fts = Quote(FtsTableName(*entity));
            if (auto s = Exec("INSERT INTO " + fts + " (" + fts + ") VALUES ('delete-all')"); !s) {
                return s;
            }
            if (auto s = SetMeta("fts:" + entity->name(), "rebuild"); !s) {
                return s;
            }
        }
        if (auto s = tx.Commit(); !s) {
            return s;
        }
        bulk_load_ = true;
        return Ok();
    }

    Status EndBulkLoadLocked() {
        if (!bulk_load_) {
            return Ok();
        }
        bulk_load_ = false;
        // Migrate re-creates the dropped indexes and rebuilds the search indexes marked above.
        if (auto s = Migrate(); !s) {
            return s;
        }
        // A sampled ANALYZE (well under a second on a million rows): without statistics the
        // planner takes any range-filtered index as selective and sorts its matches.
        for (const char* pragma :
             {"PRAGMA analysis_limit = 1000", "ANALYZE", "PRAGMA cache_size = -2000",
              SynchronousPragma(options_.durability)}) {
            if (auto s = Exec(pragma); !s) {
                return s;
            }
        }
        return Ok();
    }

    Result<std::vector<EntityCount>> CountLocked() {
        Transaction tx(*this);
        if (auto s = tx.Begin(/*immediate=*/false); !s) {
            return s.error();
        }
        std::vector<EntityCount> out;
        for (const auto& entity : schema_.entities()) {
            auto count = Scalar("SELECT COUNT(*) FROM " + Quote(sql::TableName(*entity)), {});
            if (!count) {
                return count.error();
            }
            out.push_back(EntityCount{entity->name(), *count});
        }
        if (auto s = tx.Commit(); !s) {
            return s.error();
        }
        return out;
    }

    Status ResetLocked() {
        cache_.Clear();
        if (auto s = Exec("PRAGMA foreign_keys = OFF"); !s) {
            return s;
        }
        auto status = [&]() -> Status {
            Transaction tx(*this);
            if (auto s = tx.Begin(); !s) {
                return s;
            }
            for (const auto& entity : schema_.entities()) {
                if (auto s = Exec("DROP TABLE IF EXISTS " + Quote(FtsTableName(*entity))); !s) {
                    return s;
                }
                if (auto s = Exec("DROP TABLE IF EXISTS " + Quote(sql::TableName(*entity))); !s) {
                    return s;
                }
            }
            if (auto s = Exec("DROP TABLE IF EXISTS \"_schema_meta\""); !s) {
                return s;
            }
            return tx.Commit();
        }();
        auto fk = Exec("PRAGMA foreign_keys = ON");
        if (!status) {
            return status;
        }
        if (!fk) {
            return fk;
        }
        cache_.Clear();
        if (auto s = Migrate(); !s) {
            return s;
        }
        return CreateVocabularies();
    }

private:
    sqlite3* db_;
    const schema::Schema& schema_;
    SqliteDialect dialect_;
    StatementCache cache_;
    std::unordered_map<const schema::Entity*, EntitySql> entity_sql_;
    std::function<void(std::string_view)> observer_;
    bool bulk_load_ = false;  // writer only: search index upkeep deferred (BeginBulkLoadLocked)
    SqliteStore::Options options_;
    Interrupts interrupts_;  // used by one thread at a time, as the connection is
};

// ---- SqliteStore ---------------------------------------------------------------------------

namespace {

// Opens one connection with our settings and functions. `create` only for the writer.
Result<std::unique_ptr<SqliteStore::Impl>> OpenConnection(const std::string& path,
                                                          const schema::Schema& schema,
                                                          const SqliteStore::Options& options,
                                                          bool writer) {
    sqlite3* raw = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    if (rc != SQLITE_OK) {
        LogInternal("open " + path, raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
        sqlite3_close_v2(raw);
        return Unavailable("cannot open the SQLite database " + path);
    }
    auto impl = std::make_unique<SqliteStore::Impl>(raw, schema);
    impl->Configure(options);
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, kBusyTimeoutMs);
    if (rc = RegisterFunctions(raw); rc != SQLITE_OK) {
        return impl->DbError(rc, "register functions");
    }
    std::vector<const char*> pragmas = {"PRAGMA foreign_keys = ON"};
    if (writer) {
        pragmas = {"PRAGMA journal_mode = WAL", SynchronousPragma(options.durability),
                   "PRAGMA foreign_keys = ON"};
    }
    for (const char* pragma : pragmas) {
        if (auto s = impl->Exec(pragma); !s) {
            return s.error();
        }
    }
    if (!writer) {
        if (auto s = impl->Exec(kReaderCachePragma); !s) {
            return s.error();
        }
    }
    return impl;
}

bool IsMemoryPath(const std::string& path) {
    return path.empty() || path == ":memory:" || path.starts_with("file::memory:");
}

}  // namespace

SqliteStore::SqliteStore(std::unique_ptr<Impl> writer, std::vector<std::unique_ptr<Impl>> readers)
    : writer_(std::move(writer)), readers_(std::move(readers)) {
    for (const auto& reader : readers_) {
        idle_readers_.push_back(reader.get());
    }
}

SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                       const schema::Schema& schema,
                                                       const Options& options) {
    auto writer = OpenConnection(path, schema, options, /*writer=*/true);
    if (!writer) {
        return writer.error();
    }
    if (auto s = (*writer)->Migrate(); !s) {
        return s.error();
    }
    if (auto s = (*writer)->CreateVocabularies(); !s) {
        return s.error();
    }
    // Readers see the writer's committed data through WAL; a private in-memory database cannot
    // be shared, so there the writer serves reads too.
    std::vector<std::unique_ptr<Impl>> readers;
    if (!IsMemoryPath(path)) {
        for (int i = 0; i < kReadConnections; ++i) {
            auto reader = OpenConnection(path, schema, options, /*writer=*/false);
            if (!reader) {
                return reader.error();
            }
            if (auto s = (*reader)->CreateVocabularies(); !s) {
                return s.error();
            }
            readers.push_back(std::move(*reader));
        }
    }
    return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(*writer), std::move(readers)));
}

template <class F>
auto SqliteStore::WithReader(F&& read) {
    if (readers_.empty()) {
        std::lock_guard lock(write_mutex_);
        return read(*writer_);
    }
    Impl* reader = nullptr;
    {
        std::unique_lock lock(pool_mutex_);
        pool_idle_.wait(lock, [&] { return !idle_readers_.empty() && !pool_paused_; });
        reader = idle_readers_.back();
        idle_readers_.pop_back();
    }
    auto result = read(*reader);
    {
        std::lock_guard lock(pool_mutex_);
        idle_readers_.push_back(reader);
    }
    pool_idle_.notify_all();
    return result;
}

Result<ListResult> SqliteStore::List(const schema::Entity& entity, const query::Query& query) {
    return WithReader([&](Impl& reader) { return reader.List(entity, query); });
}

Result<Record> SqliteStore::Get(const schema::Entity& entity, std::string_view id) {
    if (!IsValidId(id)) {
        return NotFound(entity.name() + " not found: the id is not valid");
    }
    const std::string normalized = NormalizeId(id);
    return WithReader([&](Impl& reader) -> Result<Record> {
        auto row = reader.FindById(entity, normalized);
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return NotFound(entity.name() + " " + normalized + " not found");
        }
        return std::move(**row);
    });
}

Result<GetResult> SqliteStore::GetWithView(const schema::Entity& entity, std::string_view id,
                                           const std::vector<query::ViewSpec>& view) {
    if (!IsValidId(id)) {
        return NotFound(entity.name() + " not found: the id is not valid");
    }
    const std::string normalized = NormalizeId(id);
    return WithReader([&](Impl& reader) -> Result<GetResult> {
        auto found = reader.FindByIdWithView(entity, normalized, view);
        if (!found) {
            return found.error();
        }
        if (!*found) {
            return NotFound(entity.name() + " " + normalized + " not found");
        }
        return std::move(**found);
    });
}

Result<Record> SqliteStore::Create(const schema::Entity& entity, const Record& record) {
    std::lock_guard lock(write_mutex_);
    return writer_->InTransaction<Record>([&] { return writer_->CreateLocked(entity, record); });
}

Result<Record> SqliteStore::Replace(const schema::Entity& entity, std::string_view id,
                                    const Record& record) {
    std::lock_guard lock(write_mutex_);
    return writer_->InTransaction<Record>(
        [&] { return writer_->ReplaceLocked(entity, id, record); });
}

Result<Record> SqliteStore::Update(const schema::Entity& entity, std::string_view id,
                                   const Merge& merge) {
    std::lock_guard lock(write_mutex_);
    return writer_->InTransaction<Record>([&] { return writer_->UpdateLocked(entity, id, merge); });
}

Result<Record> SqliteStore::Delete(const schema::Entity& entity, std::string_view id) {
    std::lock_guard lock(write_mutex_);
    return writer_->InTransaction<Record>([&] { return writer_->DeleteLocked(entity, id); });
}

Result<Record> SqliteStore::DeleteIf(const schema::Entity& entity, std::string_view id,
                                     const Check& check) {
    std::lock_guard lock(write_mutex_);
    return writer_->InTransaction<Record>([&] { return writer_->DeleteLocked(entity, id, check); });
}

Result<std::vector<Record>> SqliteStore::Batch(std::vector<BatchItem> items) {
    std::lock_guard lock(write_mutex_);
    return writer_->InTransaction<std::vector<Record>>([&]() -> Result<std::vector<Record>> {
        std::vector<Record> out;
        out.reserve(items.size());
        for (std::size_t i = 0; i < items.size(); ++i) {
            const auto& item = items[i];
            const std::string prefix = "[" + std::to_string(i) + "]";
            if (item.entity == nullptr) {
                return InvalidArgument("batch item " + std::to_string(i) + " names no entity");
            }
            Result<Record> written = [&]() -> Result<Record> {
                if (!item.replace) {
                    return writer_->CreateLocked(*item.entity, item.record);
                }
                const value* id = item.record.if_contains("id");
                if (id == nullptr || !id->is_string()) {
                    return Error{ErrorCode::kValidationFailed, "a replace needs the record's id",
                                 {{"id", "is required to replace a record"}}};
                }
                if (item.merge) {
                    return writer_->UpdateLocked(*item.entity, id->get_string(), item.merge);
                }
                return writer_->ReplaceLocked(*item.entity, id->get_string(), item.record);
            }();
            if (!written) {
                Error error = std::move(written.error());
                error.message = prefix + " " + error.message;
                for (auto& field : error.fields) {
                    field.field = prefix + "." + field.field;
                }
                return error;
            }
            out.push_back(std::move(*written));
        }
        return out;
    });
}

Result<std::vector<EntityCount>> SqliteStore::Count() {
    return WithReader([&](Impl& reader) { return reader.CountLocked(); });
}

Status SqliteStore::Ping() {
    // One read of the schema table through the reader pool: the file opens, its header and first
    // page read, and a reader is free; nothing is scanned.
    return WithReader([&](Impl& reader) -> Status {
        auto tables = reader.Scalar("SELECT COUNT(*) FROM sqlite_schema", {});
        if (!tables) {
            return tables.error();
        }
        return Ok();
    });
}

Status SqliteStore::WriteInTransaction(const WriteFn& write) {
    std::lock_guard lock(write_mutex_);
    auto done = writer_->InTransaction<bool>([&]() -> Result<bool> {
        if (const int rc = write(writer_->cache()); rc != SQLITE_OK) {
            return writer_->DbError(rc, "append");
        }
        return true;
    });
    if (!done) {
        return done.error();
    }
    return Ok();
}

Status SqliteStore::ReadRows(const std::function<Result<sql::Sql>(const sql::Dialect&)>& build,
                             const RowCallback& on_row) {
    return WithReader([&](Impl& reader) -> Status {
        auto statement = build(reader.dialect());
        if (!statement) {
            return statement.error();
        }
        Impl::DeadlineScope deadline(reader, true);
        return reader.Query(statement->text, statement->params, on_row);
    });
}

Status SqliteStore::BeginBulkLoad() {
    std::lock_guard lock(write_mutex_);
    return writer_->BeginBulkLoadLocked();
}

Status SqliteStore::EndBulkLoad() {
    // Readers' cached statements re-prepare by themselves after the schema change (SQLITE_SCHEMA
    // recovery of sqlite3_prepare_v3), and so pick up the new indexes and statistics.
    std::lock_guard lock(write_mutex_);
    return writer_->EndBulkLoadLocked();
}

Status SqliteStore::Reset() {
    // Every reader is idle and parked while the tables are dropped and re-created, then they
    // drop their cached statements and rebuild their vocabulary views.
    std::lock_guard write_lock(write_mutex_);
    std::unique_lock pool_lock(pool_mutex_);
    pool_paused_ = true;
    pool_idle_.wait(pool_lock, [&] { return idle_readers_.size() == readers_.size(); });
    Status status = writer_->ResetLocked();
    for (const auto& reader : readers_) {
        reader->cache().Clear();
        if (status) {
            status = reader->CreateVocabularies();
        }
    }
    pool_paused_ = false;
    pool_lock.unlock();
    pool_idle_.notify_all();
    return status;
}

void SqliteStore::SetStatementObserverForTest(std::function<void(std::string_view)> observer) {
    std::lock_guard write_lock(write_mutex_);
    std::lock_guard pool_lock(pool_mutex_);
    std::vector<Impl*> connections = {writer_.get()};
    for (const auto& reader : readers_) {
        connections.push_back(reader.get());
    }
    for (Impl* connection : connections) {
        connection->observer() = observer;
        if (!observer) {
            sqlite3_trace_v2(connection->db(), 0, nullptr, nullptr);
            continue;
        }
        sqlite3_trace_v2(
            connection->db(), SQLITE_TRACE_STMT,
            [](unsigned, void* context, void* /*stmt*/, void* text) -> int {
                auto* self = static_cast<Impl*>(context);
                if (self->observer()) {
                    self->observer()(static_cast<const char*>(text));
                }
                return 0;
            },
            connection);
    }
}

std::size_t SqliteStore::CachedStatementCountForTest() {
    std::lock_guard write_lock(write_mutex_);
    std::lock_guard pool_lock(pool_mutex_);
    std::size_t total = writer_->cache().size();
    for (const auto& reader : readers_) {
        total += reader->cache().size();
    }
    return total;
}

std::size_t SqliteStore::ReadConnectionCountForTest() const { return readers_.size(); }

int SqliteStore::WriterSynchronousForTest() {
    std::lock_guard lock(write_mutex_);
    auto level = writer_->Scalar("PRAGMA synchronous", {});
    return level ? static_cast<int>(*level) : -1;
}

}  // namespace ea::store::sqlite
