// RAII wrappers over sqlite3_stmt: binding boost::json values, stepping, and a cache of prepared
// statements keyed by SQL text (prepared once with SQLITE_PREPARE_PERSISTENT). Internal to
// store/sqlite. Not thread-safe: the owner (SqliteStore) serialises access to its connection.
#pragma once

#include <boost/json/value.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace ea::store::sqlite {

class Statement {
public:
    explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    sqlite3_stmt* get() const { return stmt_; }

    // Binds params[i] to parameter i+1: null, bool (0/1), integers, doubles and strings as
    // themselves; arrays and objects as their JSON text. Returns an SQLite result code.
    int Bind(const std::vector<boost::json::value>& params);
    int BindValue(int index, const boost::json::value& value);

    // sqlite3_step: SQLITE_ROW, SQLITE_DONE or an error code.
    int Step();

    // Resets the statement and clears its bindings, releasing any read lock it holds.
    void Reset();

private:
    sqlite3_stmt* stmt_;
};

// A statement borrowed for one use; resets it when the borrow ends so a cached statement never
// keeps a transaction's read snapshot open. Owns the statement when it was not cached.
class StatementLease {
public:
    StatementLease() = default;
    StatementLease(Statement* cached, std::unique_ptr<Statement> owned)
        : cached_(cached), owned_(std::move(owned)) {}
    ~StatementLease();
    StatementLease(StatementLease&& other) noexcept;
    StatementLease& operator=(StatementLease&&) = delete;

    Statement* operator->() const { return get(); }
    Statement* get() const { return owned_ ? owned_.get() : cached_; }
    explicit operator bool() const { return get() != nullptr; }

private:
    Statement* cached_ = nullptr;
    std::unique_ptr<Statement> owned_;
};

class StatementCache {
public:
    // Bounds memory when clients send many distinct filter shapes: past this many entries new
    // statements are prepared for one use and not cached.
    static constexpr std::size_t kMaxEntries = 512;

    explicit StatementCache(sqlite3* db) : db_(db) {}

    // The prepared statement for `sql`, preparing it on first use. On failure returns an empty
    // lease and sets *rc to the SQLite error code.
    StatementLease Get(const std::string& sql, int* rc);

    std::size_t size() const { return cache_.size(); }
    void Clear() { cache_.clear(); }

private:
    sqlite3* db_;
    std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

}  // namespace ea::store::sqlite
