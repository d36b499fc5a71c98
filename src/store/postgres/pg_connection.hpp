// One libpq connection: bound parameters only (text format), prepared statements cached per
// connection, PostgreSQL errors mapped to our vocabulary. The server's own message goes to the
// log (stderr), never into an Error a client sees. Used by one thread at a time (the pool's
// lease guarantees it). Internal to store/postgres.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/json/value.hpp>

#include "common/result.hpp"

struct pg_conn;
struct pg_result;

namespace ea::store::postgres {

// A query result (rows in text format). Move-only; frees the PGresult.
class PgResult {
public:
    PgResult() = default;
    explicit PgResult(pg_result* result) : result_(result) {}
    ~PgResult();
    PgResult(PgResult&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
    PgResult& operator=(PgResult&& other) noexcept;
    PgResult(const PgResult&) = delete;
    PgResult& operator=(const PgResult&) = delete;

    int rows() const;
    bool IsNull(int row, int column) const;
    std::string_view Text(int row, int column) const;

private:
    pg_result* result_ = nullptr;
};

// What the last failed statement said (for callers that refine the generic mapping, e.g. a
// unique violation into the fields of its index).
struct PgFailure {
    std::string sqlstate;    // "23505", ...; empty for a connection failure
    std::string constraint;  // the violated constraint's name, when the server names one
    bool connection_lost = false;
};

class PgConnection {
public:
    // Connects to `url` (a libpq connection URI). `redacted` names the server in log lines and
    // errors (no password). `timeout` bounds the connection attempt (libpq's connect_timeout:
    // whole seconds, rounded up, at least 2) unless the URL sets connect_timeout itself.
    // Errors: kUnavailable (the message names no server; the detail, for the log, does).
    [[nodiscard]] static Result<std::unique_ptr<PgConnection>> Connect(
        const std::string& url, const std::string& redacted, const std::string& secret,
        std::chrono::milliseconds timeout = std::chrono::seconds(10));
    ~PgConnection();
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    // Runs `sql` with `params` bound ($1...), preparing it once per connection. `typed`: the
    // parameter types follow the JSON kinds (integer int8, number float8, boolean bool, the rest
    // left for the server to infer); otherwise every parameter is inferred from its context.
    [[nodiscard]] Result<PgResult> Exec(const std::string& sql,
                                        const std::vector<boost::json::value>& params = {},
                                        bool typed = true);
    // A statement without parameters and without preparing (BEGIN, DDL, SET).
    [[nodiscard]] Status Simple(const std::string& sql);

    const PgFailure& last_failure() const { return last_failure_; }
    // The server connection is gone (the pool replaces such a connection).
    bool broken() const;
    // Counts statements from the moment the pool hands the connection out: a connection lost on
    // the first one means the operation did nothing, so it may be retried on a new connection.
    void StartLease() { statements_in_lease_ = 0; }
    bool LostBeforeAnyWork() const {
        return last_failure_.connection_lost && statements_in_lease_ <= 1;
    }
    // Forgets every prepared statement (after Reset re-created the tables).
    Status ForgetStatements();
    std::uint64_t generation = 0;  // the store's Reset count this connection's statements match

    std::size_t CachedStatementCountForTest() const { return statements_.size(); }

private:
    PgConnection(pg_conn* conn, std::string redacted, std::string secret);
    Error Fail(pg_result* result, std::string_view what);

    pg_conn* conn_;
    std::string redacted_;
    std::string secret_;  // the URL's password, scrubbed from any server text we log
    std::unordered_map<std::string, std::string> statements_;  // key -> prepared name
    std::uint64_t next_statement_ = 0;
    int statements_in_lease_ = 0;
    PgFailure last_failure_;
};

// Logs a database detail (never shown to a client) with `secret` removed.
void LogInternal(std::string_view what, std::string detail, std::string_view secret = {});

}  // namespace ea::store::postgres
