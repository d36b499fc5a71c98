// The SQLite DocumentStore: one table per entity (sql/ddl.hpp), an FTS5 trigram index per entity
// with free-text fields (sqlite_dialect.hpp), additive migration on open, WAL, cached prepared
// statements. One write connection, serialised by a mutex (SQLite has one writer anyway), and a
// small pool of read connections that run List/Get/Count beside it (WAL lets readers proceed
// while a write is in progress; each sees the last committed state). The class is a thin
// composition: each operation runs on a SqliteConnection (sqlite_connection.hpp lists the file of
// each idea), the readers are a ReaderPool (reader_pool.hpp).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/document_store.hpp"
#include "store/sql/dialect.hpp"
#include "store/sql/sql_store.hpp"

struct sqlite3_stmt;

namespace ea::store::sqlite {

class SqliteConnection;
class ReaderPool;
class StatementCache;

struct SqliteOptions {
    // kFull: synchronous=FULL (the WAL is synced at every commit); kNormal: synchronous=NORMAL
    // (synced at checkpoints only: a power loss may lose the last commits, never corrupt).
    Durability durability = Durability::kFull;
    std::chrono::microseconds query_timeout{0};         // as StoreConfig::query_timeout
    std::int64_t mmap_bytes = kDefaultSqliteMmapBytes;  // as StoreConfig::mmap_bytes
};

// Get, GetWithView, the writes and Batch are sql::SqlStore's, over SqliteConnection sessions.
class SqliteStore final : public sql::SqlStore<SqliteStore> {
public:
    using Options = SqliteOptions;

    // Opens (creating if needed) the database at `path` (":memory:" for a private in-memory one),
    // sets WAL, synchronous per `options.durability`, foreign_keys=ON and a busy timeout,
    // registers our SQL functions and migrates the tables to `schema` (additive only; see
    // Migrate in the .cpp). Parent directories of `path` must exist (OpenStore creates them).
    // Errors: kUnavailable (cannot open), kInvalidArgument (the schema cannot be applied to the
    // existing data, e.g. a new required field without default on a non-empty table).
    [[nodiscard]] static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                                   const schema::Schema& schema,
                                                                   const Options& options = {});
    ~SqliteStore() override;

    Result<ListResult> List(const schema::Entity& entity, const query::Query& query) override;
    // In sqlite_append.cpp: one prepared INSERT per row for a plain log table, the default else.
    Status Append(const schema::Entity& entity, std::span<const Cell> cells) override;
    Result<std::vector<EntityCount>> Count() override;
    Status Ping() override;
    // In sqlite_aggregate.cpp.
    Result<AggregateResult> Aggregate(const schema::Entity& entity,
                                      const query::AggregateQuery& query) override;
    Status Reset() override;
    // SQLite's bulk load: synchronous=OFF and a larger page cache on the writer, the search
    // indexes emptied and marked for rebuild (one INSERT ... SELECT each at the end instead of
    // one insert per row), the non-unique indexes dropped and re-created at the end, then ANALYZE
    // so the planner knows the new data. Unique indexes stay: writes check them.
    Status BeginBulkLoad() override;
    Status EndBulkLoad() override;
    std::string_view backend() const override { return "sqlite"; }

    // Calls `observer` with the text of every statement the connection starts (triggers
    // included, as "-- TRIGGER ..."); pass nullptr to stop. For tests that count queries.
    void SetStatementObserverForTest(std::function<void(std::string_view)> observer);
    std::size_t CachedStatementCountForTest();  // over every connection
    std::size_t ReadConnectionCountForTest() const;
    // PRAGMA synchronous as the writer connection reports it (0 OFF, 1 NORMAL, 2 FULL).
    int WriterSynchronousForTest();

private:
    friend class sql::SqlStore<SqliteStore>;

    // Read connections per store: the machine this targets has 2 cores; a few more than that
    // lets a slow search not hold up a get-by-id. None for ":memory:" (cannot be shared).
    static constexpr int kReadConnections = 4;

    // Runs the statement `build` makes with a read connection's dialect on that connection, under
    // List's time limit, calling on_row for each row (false stops). For sqlite_aggregate.cpp.
    using RowCallback = std::function<bool(sqlite3_stmt*)>;
    Status ReadRows(const std::function<Result<sql::Sql>(const sql::Dialect&)>& build,
                    const RowCallback& on_row);

    // Runs `write` on the writer connection inside one write transaction, committed when it
    // returns SQLITE_OK and rolled back otherwise (the code then becomes our Error as any write's
    // does). `write` uses the connection's statement cache. For sqlite_append.cpp.
    using WriteFn = std::function<int(StatementCache& cache)>;
    Status WriteInTransaction(const WriteFn& write);

    SqliteStore(std::unique_ptr<SqliteConnection> writer,
                std::vector<std::unique_ptr<SqliteConnection>> readers);

    // Runs read(SqliteConnection&) on an idle read connection (waiting for one), or on the
    // writer when there are no readers.
    template <class F>
    auto WithReader(F&& read);
    // Runs write(SqliteConnection&) on the writer, in one write transaction.
    template <class T, class F>
    Result<T> WithWriter(F&& write);
    // sql::SqlStore's sessions: a reader (WithReader), the writer (WithWriter).
    template <class T, class F>
    Result<T> WithReadSession(F&& read) {
        return WithReader(std::forward<F>(read));
    }
    template <class T, class F>
    Result<T> WithWriteSession(F&& write) {
        return WithWriter<T>(std::forward<F>(write));
    }

    std::mutex write_mutex_;                    // serialises every use of writer_
    std::unique_ptr<SqliteConnection> writer_;  // guarded by write_mutex_
    std::unique_ptr<ReaderPool> readers_;       // fixed after Open
};

}  // namespace ea::store::sqlite

// Instantiated once, in sqlite_store.cpp.
extern template class ea::store::sql::SqlStore<ea::store::sqlite::SqliteStore>;
