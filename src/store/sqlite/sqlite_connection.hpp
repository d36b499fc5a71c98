// One SQLite connection of the store and every operation that runs on it. SqliteStore composes a
// writer and a pool of readers of this class (reader_pool.hpp); the operations live in one file
// per idea:
//   sqlite_connection.cpp   opening, error mapping, statements, the progress handler (budgets
//                           and the List deadline)
//   sqlite_migration.cpp    additive migration on open, Reset
//   search_index_upkeep.cpp the FTS5 trigram index kept beside every write, vocabulary views
//   list_plans.cpp          List: plan budgets, the fuzzy fast path, totals (exact/estimated)
//   view_embedding.cpp      get by id, with `view` relations embedded
//   integrity.cpp           reference and unique checks before a write
//   record_writes.cpp       create, replace, update
//   cascade.cpp             delete with on_delete along incoming references
//   bulk_load.cpp           BeginBulkLoad/EndBulkLoad
// Internal to store/sqlite. Used by one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <sqlite3.h>

#include "store/document_store.hpp"
#include "store/sql/ddl.hpp"
#include "store/sql/list_totals.hpp"
#include "store/sql/per_entity.hpp"
#include "store/sql/select_builder.hpp"
#include "store/sql/store_messages.hpp"
#include "store/sqlite/count_estimate.hpp"
#include "store/sqlite/sqlite_dialect.hpp"
#include "store/sqlite/sqlite_statement.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/sqlite_values.hpp"

namespace ea::store::sqlite {

using Params = std::vector<boost::json::value>;
using Merge = DocumentStore::Merge;
using Check = DocumentStore::Check;

inline std::string Quote(std::string_view name) {
    return sql::Dialect::QuoteIdentifier(name);
}

// No logging library yet: database details go to stderr, never into an Error a client sees.
void LogInternal(std::string_view what, std::string_view detail);

const char* SynchronousPragma(Durability durability);

class SqliteConnection {
public:
    SqliteConnection(sqlite3* db, const schema::Schema& schema);
    ~SqliteConnection();
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    // Opens one connection with our settings and functions. `writer`: the one that may create
    // the file and writes (WAL, synchronous per options); a reader gets a larger page cache.
    static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path,
                                                          const schema::Schema& schema,
                                                          const SqliteOptions& options,
                                                          bool writer);

    sqlite3* db() const { return db_; }
    const schema::Schema& schema() const { return schema_; }
    const sql::Dialect& dialect() const { return dialect_; }
    StatementCache& cache() { return cache_; }
    const SqliteOptions& options() const { return options_; }
    std::function<void(std::string_view)>& observer() { return observer_; }

    // ---- Low level (sqlite_connection.cpp) ---------------------------------------------------

    // Maps an SQLite failure to our vocabulary. The SQLite message is logged, never returned.
    Error DbError(int rc, std::string_view what) const;
    // DbError, or the query-timeout error when the List deadline interrupted the statement.
    Error ReadError(int rc, std::string_view what) const;

    // The cached statement for `sql` with `params` bound. On failure *failed names the step
    // ("prepare", "bind") and *rc is SQLite's code; the lease lives on until the caller has read
    // the connection's error message.
    StatementLease Prepared(const std::string& sql, const Params& params, int* rc,
                            const char** failed) {
        StatementLease stmt = cache_.Get(sql, rc);
        if (!stmt) {
            *failed = "prepare";
            return stmt;
        }
        if (*rc = stmt->Bind(params); *rc != SQLITE_OK) {
            *failed = "bind";
        }
        return stmt;
    }

    // Prepares (cached) and binds `sql`, then calls on_row(stmt) for each row. on_row returns
    // false to stop early.
    template <class OnRow>
    Status Query(const std::string& sql, const Params& params, OnRow&& on_row) {
        int rc = SQLITE_OK;
        const char* failed = nullptr;
        StatementLease stmt = Prepared(sql, params, &rc, &failed);
        if (failed != nullptr) {
            return DbError(rc, failed);
        }
        while (true) {
            rc = stmt->Step();
            if (rc == SQLITE_DONE) {
                return Ok();
            }
            if (rc == SQLITE_INTERRUPT && interrupts_.deadline_hit) {
                return sql::QueryTimeoutError(options_.query_timeout);
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
        const char* failed = nullptr;
        StatementLease stmt = Prepared(sql, params, &rc, &failed);
        if (failed != nullptr) {
            return DbError(rc, failed);
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
                return sql::QueryTimeoutError(options_.query_timeout);
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

    Status Exec(const std::string& sql, const Params& params = {});
    Result<bool> Exists(const std::string& sql, const Params& params);
    Result<std::int64_t> Scalar(const std::string& sql, const Params& params);

    // A write transaction (BEGIN IMMEDIATE: takes the write lock up front, so a busy database
    // fails at BEGIN rather than half-way). Rolls back unless committed.
    class Transaction {
    public:
        explicit Transaction(SqliteConnection& impl) : impl_(impl) {}
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
        SqliteConnection& impl_;
        bool open_ = false;
    };

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

    // Arms the List deadline (when a query timeout is configured) for its lifetime.
    class DeadlineScope;

    // The statements of `entity`, built at open. REQUIRES: `entity` is of this store's schema.
    const EntitySql& SqlFor(const schema::Entity& entity) const;

    // ---- Migration (sqlite_migration.cpp) ----------------------------------------------------

    Status Migrate();
    Status ResetLocked();

    // ---- Search index upkeep (search_index_upkeep.cpp) ---------------------------------------

    Status CreateVocabularies();
    Status FtsAdd(const schema::Entity& entity, std::int64_t rowid, const Record& record);
    Status FtsRemove(const schema::Entity& entity, const std::string& id);

    // ---- Reads (view_embedding.cpp, list_plans.cpp) ------------------------------------------

    Result<std::optional<Record>> FindById(const schema::Entity& entity, const std::string& id);
    Result<std::optional<GetResult>> FindByIdWithView(const schema::Entity& entity,
                                                      const std::string& id,
                                                      const std::vector<query::ViewSpec>& view);
    Result<ListResult> List(const schema::Entity& entity, const query::Query& query);
    // Embeds `spec` into the rows (of a get or a List page), inside the caller's read transaction.
    Status EmbedView(const query::ViewSpec& spec, std::vector<Record>& rows,
                     std::vector<Notice>& warnings);

    // ---- Writes (integrity.cpp, record_writes.cpp, cascade.cpp, bulk_load.cpp) ---------------

    // sql::CheckWrite on this connection: a create of `id` (`self` nullopt) or a replace.
    Status CheckWrite(const schema::Entity& entity, const Record& record, const std::string& id,
                      const std::optional<std::string>& self);
    Result<Record> CreateLocked(const schema::Entity& entity, const Record& record);
    Result<Record> ReplaceLocked(const schema::Entity& entity, std::string_view raw_id,
                                 const Record& record);
    Result<Record> UpdateLocked(const schema::Entity& entity, std::string_view raw_id,
                                const Merge& merge);
    Result<Record> DeleteLocked(const schema::Entity& entity, std::string_view raw_id,
                                const Check& check = {});
    Status BeginBulkLoadLocked();
    Status EndBulkLoadLocked();

private:
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
        explicit ProgressScope(SqliteConnection& impl) : impl_(impl) {
            if (impl_.interrupts_.users++ == 0) {
                sqlite3_progress_handler(impl_.db_, kCheckEvery, &SqliteConnection::OnProgress,
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
        SqliteConnection& impl_;
    };

    // Migration.
    Result<bool> TableExists(const std::string& name);
    Result<std::optional<std::string>> Meta(const std::string& key);
    Status SetMeta(const std::string& key, const std::string& text);
    Status MigrateTable(const schema::Entity& entity);
    Status CreateIndex(const schema::Entity& entity, const sql::IndexDef& index);
    Status SyncSearchIndex(const schema::Entity& entity);
    std::vector<std::int64_t> TrigramDocCounts(const schema::Entity& entity,
                                               const schema::Field& field,
                                               const std::vector<std::string>& trigrams);

    // Lists.
    using CountedTotal = sql::CountedTotal;
    bool PastDeadline();
    Result<std::optional<CountedTotal>> FuzzyList(const schema::Entity& entity,
                                                  const query::Query& query,
                                                  const query::Comparison& cmp, ListResult& out);
    Result<CountedTotal> TotalFor(const schema::Entity& entity, const sql::ListSql& plan,
                                  const query::Query& query, std::size_t rows, bool has_more);
    Result<TotalEstimate> SampleTotal(const sql::Sql& sample, std::int64_t max_row,
                                      SampleGoal goal);
    Result<std::int64_t> MaxRowNumber(const schema::Entity& entity);
    Result<std::int64_t> Count(const schema::Entity& entity, const sql::ListSql& plan,
                               std::optional<std::int64_t> max_row = std::nullopt);

    // Writes.

    sqlite3* db_;
    const schema::Schema& schema_;
    SqliteDialect dialect_;
    StatementCache cache_;
    sql::PerEntity<EntitySql> entity_sql_;
    std::function<void(std::string_view)> observer_;
    bool bulk_load_ = false;  // writer only: search index upkeep deferred (BeginBulkLoadLocked)
    SqliteOptions options_;
    Interrupts interrupts_;  // used by one thread at a time, as the connection is
};

class SqliteConnection::DeadlineScope {
public:
    DeadlineScope(SqliteConnection& impl, bool armed) : impl_(impl) {
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
    SqliteConnection& impl_;
    std::optional<ProgressScope> progress_;
};

}  // namespace ea::store::sqlite
