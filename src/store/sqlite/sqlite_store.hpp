// The SQLite DocumentStore: one table per entity (sql/ddl.hpp), an FTS5 trigram index per entity
// with free-text fields (sqlite_dialect.hpp), additive migration on open, WAL, cached prepared
// statements. One connection, serialised by a mutex: simple and correct; every call is short.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "store/document_store.hpp"
#include "store/sqlite/sqlite_dialect.hpp"
#include "store/sqlite/sqlite_statement.hpp"

struct sqlite3;

namespace ea::store::sqlite {

class SqliteStore final : public DocumentStore {
public:
    // Opens (creating if needed) the database at `path` (":memory:" for a private in-memory one),
    // sets WAL, synchronous=NORMAL, foreign_keys=ON and a busy timeout, registers our SQL
    // functions and migrates the tables to `schema` (additive only; see Migrate in the .cpp).
    // Parent directories of `path` must exist (OpenStore creates them).
    // Errors: kUnavailable (cannot open), kInvalidArgument (the schema cannot be applied to the
    // existing data, e.g. a new required field without default on a non-empty table).
    [[nodiscard]] static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                                   const schema::Schema& schema);
    ~SqliteStore() override;

    Result<ListResult> List(const schema::Entity& entity, const query::Query& query) override;
    Result<Record> Get(const schema::Entity& entity, std::string_view id) override;
    Result<Record> Create(const schema::Entity& entity, const Record& record) override;
    Result<Record> Replace(const schema::Entity& entity, std::string_view id,
                           const Record& record) override;
    Result<Record> Delete(const schema::Entity& entity, std::string_view id) override;
    Result<std::vector<Record>> Batch(std::vector<BatchItem> items) override;
    Result<std::vector<EntityCount>> Count() override;
    Status Reset() override;
    std::string_view backend() const override { return "sqlite"; }

    // Calls `observer` with the text of every statement the connection starts (triggers
    // included, as "-- TRIGGER ..."); pass nullptr to stop. For tests that count queries.
    void SetStatementObserverForTest(std::function<void(std::string_view)> observer);
    std::size_t CachedStatementCountForTest();

    class Impl;  // the locked operations; public so the .cpp's helpers can name it

private:
    explicit SqliteStore(std::unique_ptr<Impl> impl);

    std::mutex mutex_;            // serialises every use of the connection inside impl_
    std::unique_ptr<Impl> impl_;  // guarded by mutex_
};

}  // namespace ea::store::sqlite
