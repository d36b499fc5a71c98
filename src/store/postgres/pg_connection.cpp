#include "store/postgres/pg_connection.hpp"

#include <algorithm>
#include <cstdio>

#include <boost/json/serialize.hpp>
#include <libpq-fe.h>

namespace ea::store::postgres {
namespace {

// Prepared statements kept per connection before the cache starts over: list queries vary with
// the filter's shape, so the set is open-ended; each costs the server a little memory.
constexpr std::size_t kMaxPreparedStatements = 512;

// Type OIDs (pg_type.dat) for typed parameters.
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

std::string ParamText(const boost::json::value& value, Oid* type) {
    *type = 0;
    switch (value.kind()) {
        case boost::json::kind::bool_:
            *type = kBoolOid;
            return value.get_bool() ? "true" : "false";
        case boost::json::kind::int64:
            *type = kInt8Oid;
            return std::to_string(value.get_int64());
        case boost::json::kind::uint64:
            *type = kNumericOid;
            return std::to_string(value.get_uint64());
        case boost::json::kind::double_:
            *type = kFloat8Oid;
            return boost::json::serialize(value);
        case boost::json::kind::string:
            return std::string(value.get_string());
        default:
            return boost::json::serialize(value);
    }
}

bool IsConnectionState(std::string_view sqlstate) {
    // 08: connection exception; 57P01..03: the server is shutting down or starting.
    return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
           sqlstate == "57P03";
}

}  // namespace

void LogInternal(std::string_view what, std::string detail, std::string_view secret) {
    if (!secret.empty()) {
        for (std::size_t at = detail.find(secret); at != std::string::npos;
             at = detail.find(secret, at)) {
            detail.replace(at, secret.size(), "***");
        }
    }
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) {
        detail.pop_back();
    }
    std::fprintf(stderr, "events-api store: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
                 detail.c_str());
}

PgResult::~PgResult() {
    if (result_ != nullptr) {
        PQclear(result_);
    }
}

PgResult& PgResult::operator=(PgResult&& other) noexcept {
    if (this != &other) {
        if (result_ != nullptr) {
            PQclear(result_);
        }
        result_ = other.result_;
        other.result_ = nullptr;
    }
    return *this;
}

int PgResult::rows() const {
    return result_ == nullptr ? 0 : PQntuples(result_);
}

bool PgResult::IsNull(int row, int column) const {
    return PQgetisnull(result_, row, column) != 0;
}

std::string_view PgResult::Text(int row, int column) const {
    return {PQgetvalue(result_, row, column),
            static_cast<std::size_t>(PQgetlength(result_, row, column))};
}

Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const std::string& url,
                                                            const std::string& redacted,
                                                            const std::string& secret,
                                                            std::chrono::milliseconds timeout) {
    // Our defaults first, the URL last: what the URL says wins.
    const auto seconds = std::max<long long>(2, (timeout.count() + 999) / 1000);
    const std::string connect_timeout = std::to_string(seconds);
    const char* keywords[] = {"application_name", "connect_timeout", "client_encoding", "dbname",
                              nullptr};
    const char* values[] = {"events-api", connect_timeout.c_str(), "UTF8", url.c_str(), nullptr};
    pg_conn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
    // The client sees that the database is unavailable; where it is goes to the log only.
    auto unavailable = [&](std::string why) {
        Error error = Unavailable("cannot connect to PostgreSQL: the database is unavailable");
        error.detail = "PostgreSQL at " + redacted + ": " + why;
        return error;
    };
    if (conn == nullptr) {
        return unavailable("out of memory");
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        LogInternal("connect to " + redacted, PQerrorMessage(conn), secret);
        PQfinish(conn);
        return unavailable("cannot connect");
    }
    // The server's NOTICEs ("relation already exists, skipping" on every migration) are noise.
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
    return std::unique_ptr<PgConnection>(new PgConnection(conn, redacted, secret));
}

PgConnection::PgConnection(pg_conn* conn, std::string redacted, std::string secret)
    : conn_(conn), redacted_(std::move(redacted)), secret_(std::move(secret)) {}

PgConnection::~PgConnection() {
    PQfinish(conn_);
}

bool PgConnection::broken() const {
    return PQstatus(conn_) != CONNECTION_OK;
}

Error PgConnection::Fail(pg_result* result, std::string_view what) {
    last_failure_ = {};
    std::string detail = PQerrorMessage(conn_);
    if (result != nullptr) {
        if (const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE)) {
            last_failure_.sqlstate = state;
        }
        if (const char* name = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME)) {
            last_failure_.constraint = name;
        }
        if (const char* message = PQresultErrorMessage(result); message && *message) {
            detail = message;
        }
        PQclear(result);
    }
    const std::string& state = last_failure_.sqlstate;
    last_failure_.connection_lost = broken() || IsConnectionState(state);
    if (state == "23505") {
        return Conflict("a record with these values already exists");
    }
    if (state == "23503") {
        return Error{ErrorCode::kValidationFailed, "a referenced record does not exist"};
    }
    if (state == "57014") {
        return Unavailable("the query was cancelled");
    }
    if (state == "40001" || state == "40P01" || state == "55P03") {
        return Unavailable("the database is busy; try again");
    }
    if (state == "54001" || state == "54000") {
        return InvalidArgument("the filter is too large or nested too deeply");
    }
    if (state.starts_with("22")) {
        LogInternal(what, detail, secret_);
        return InvalidArgument("a value does not fit its column");
    }
    LogInternal(std::string(what) + " (" + redacted_ + ")", detail, secret_);
    if (last_failure_.connection_lost || state.starts_with("53")) {
        Error error = Unavailable("the database is unavailable");
        error.detail = "PostgreSQL at " + redacted_ + ": connection lost or out of resources";
        return error;
    }
    return Internal("database error");
}

Result<PgResult> PgConnection::Exec(const std::string& sql,
                                    const std::vector<boost::json::value>& params, bool typed) {
    ++statements_in_lease_;
    std::vector<std::string> texts(params.size());
    std::vector<const char*> pointers(params.size(), nullptr);
    std::vector<Oid> types(params.size(), 0);
    std::string key = sql;
    key += '\0';
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (params[i].is_null()) {
            continue;
        }
        Oid type = 0;
        texts[i] = ParamText(params[i], &type);
        pointers[i] = texts[i].c_str();
        if (typed) {
            types[i] = type;
            key += std::to_string(type) + ",";
        }
    }
    auto found = statements_.find(key);
    if (found == statements_.end()) {
        if (statements_.size() >= kMaxPreparedStatements) {
            if (auto s = ForgetStatements(); !s) {
                return s.error();
            }
        }
        std::string name = "ea" + std::to_string(++next_statement_);
        pg_result* prepared = PQprepare(conn_, name.c_str(), sql.c_str(),
                                        static_cast<int>(params.size()), types.data());
        if (prepared == nullptr || PQresultStatus(prepared) != PGRES_COMMAND_OK) {
            return Fail(prepared, "prepare");
        }
        PQclear(prepared);
        found = statements_.emplace(std::move(key), std::move(name)).first;
    }
    pg_result* result =
        PQexecPrepared(conn_, found->second.c_str(), static_cast<int>(params.size()),
                       pointers.data(), nullptr, nullptr, /*resultFormat=*/0);
    const auto status = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        return Fail(result, "query");
    }
    return PgResult(result);
}

Status PgConnection::Simple(const std::string& sql) {
    ++statements_in_lease_;
    pg_result* result = PQexec(conn_, sql.c_str());
    const auto status = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        return Fail(result, "statement");
    }
    PQclear(result);
    return Ok();
}

Status PgConnection::ForgetStatements() {
    statements_.clear();
    --statements_in_lease_;  // bookkeeping, not the caller's work
    return Simple("DEALLOCATE ALL");
}

}  // namespace ea::store::postgres
