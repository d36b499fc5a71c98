// The PostgreSQL DocumentStore: a thin composition of a bounded connection pool (pg_pool.hpp),
// the PostgreSQL dialect of the shared SQL (pg_dialect.hpp) and the advisory-locked migration
// (pg_migrate.hpp), with values and statements from pg_values.hpp. Behaviour is the SQLite store's
// (tests/store/store_conformance_test.cpp runs against both); how each operation maps to
// PostgreSQL:
//  * List, Get with a view, Count: one REPEATABLE READ READ ONLY transaction (count, page and
//    views see one snapshot); the query timeout is statement_timeout (SET LOCAL) plus a check of
//    the List's elapsed time; totals per docs/query.md, the estimate from EXPLAIN's row count.
//  * Writes: READ COMMITTED transactions; Update and DeleteIf read the row with SELECT ... FOR
//    UPDATE, so concurrent writers of one record queue instead of losing a change. References
//    and uniques are checked first for clear errors; the database's foreign keys and unique
//    indexes back them up under races (and are mapped to the same errors).
//  * Durability: synchronous_commit on (kFull) or off (kNormal) per connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "store/document_store.hpp"
#include "store/sql/sql_store.hpp"

namespace ea::store::postgres {

struct PgOptions {
    Durability durability = Durability::kFull;
    std::chrono::microseconds query_timeout{0};       // as StoreConfig::query_timeout
    std::size_t pool_size = 8;                        // connections at most, opened on demand
    std::chrono::milliseconds acquire_timeout{5000};  // longest wait for a free connection
};

// Get, GetWithView, the writes and Batch are sql::SqlStore's, over pooled-connection sessions.
class PgStore final : public sql::SqlStore<PgStore> {
public:
    using Options = PgOptions;

    // Connects to `url` (postgresql://user:password@host:port/db?...) and migrates the tables.
    // Errors name the server without its password. Errors: kUnavailable, kInvalidArgument.
    [[nodiscard]] static Result<std::unique_ptr<PgStore>> Open(const std::string& url,
                                                               const schema::Schema& schema,
                                                               const Options& options = {});
    ~PgStore() override;

    Result<ListResult> List(const schema::Entity& entity, const query::Query& query) override;
    Result<std::vector<EntityCount>> Count() override;
    Result<AggregateResult> Aggregate(const schema::Entity& entity,
                                      const query::AggregateQuery& query) override;
    Status Ping() override;
    Status Reset() override;
    std::string_view backend() const override { return "postgresql"; }

    std::size_t OpenConnectionCountForTest() const;
    // EXPLAIN of the statement List runs for the page of `query`, in the same transaction set-up,
    // with sequential scans disabled: whether an index can serve the query.
    Result<std::string> ExplainListForTest(const schema::Entity& entity, const query::Query& query);
    // SHOW `name` on a pooled connection (a session setting the store made).
    Result<std::string> SettingForTest(const std::string& name);

    class Impl;

private:
    friend class sql::SqlStore<PgStore>;

    explicit PgStore(std::unique_ptr<Impl> impl);
    // sql::SqlStore's sessions: a pooled connection, and one in a READ COMMITTED write
    // transaction (pg_store.cpp).
    template <class T, class F>
    Result<T> WithReadSession(F&& read);
    template <class T, class F>
    Result<T> WithWriteSession(F&& write);

    std::unique_ptr<Impl> impl_;
};

}  // namespace ea::store::postgres

// Instantiated once, in pg_store.cpp.
extern template class ea::store::sql::SqlStore<ea::store::postgres::PgStore>;
