#include "store/sqlite/sqlite_connection.hpp"

#include <cstdio>
#include <cstdlib>

#include "store/sqlite/sqlite_functions.hpp"

namespace ea::store::sqlite {
namespace {

constexpr int kBusyTimeoutMs = 5000;
// Page cache of each read connection (SQLite's default is 2 MB, 500 pages). A sorted, filtered
// page walks the sort index and reads one table row per index entry, nearly each on its own
// leaf page: page 10 of a filter keeping 17% of rows touches ~1,500 leaf pages. A cache smaller
// than that misses on every page of every walk (LRU over a loop larger than itself), and each
// miss is a read from the OS, ~20x a cached row. 16 MB (4,096 pages) holds the walk for the
// first ~25 pages of such a list. Memory: at most 16 MB per reader, all of it SQLite's page cache.
constexpr const char* kReaderCachePragma = "PRAGMA cache_size = -16384";

}  // namespace

void LogInternal(std::string_view what, std::string_view detail) {
    std::fprintf(stderr, "events-api store: %.*s: %.*s\n", static_cast<int>(what.size()),
                 what.data(), static_cast<int>(detail.size()), detail.data());
}

const char* SynchronousPragma(Durability durability) {
    return durability == Durability::kNormal ? "PRAGMA synchronous = NORMAL"
                                             : "PRAGMA synchronous = FULL";
}

SqliteConnection::SqliteConnection(sqlite3* db, const schema::Schema& schema)
    : db_(db), schema_(schema), cache_(db), entity_sql_(schema, BuildEntitySql) {
    // Runs inside List, on this connection, with the store's mutex held.
    dialect_.SetTrigramDocCounts([this](const schema::Entity& entity, const schema::Field& field,
                                        const std::vector<std::string>& trigrams) {
        return TrigramDocCounts(entity, field, trigrams);
    });
}

SqliteConnection::~SqliteConnection() {
    cache_.Clear();
    sqlite3_close_v2(db_);
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path,
                                                                 const schema::Schema& schema,
                                                                 const SqliteOptions& options,
                                                                 bool writer) {
    sqlite3* raw = nullptr;
    const int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    if (rc != SQLITE_OK) {
        LogInternal("open " + path, raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
        sqlite3_close_v2(raw);
        return Unavailable("cannot open the SQLite database " + path);
    }
    auto impl = std::make_unique<SqliteConnection>(raw, schema);
    impl->options_ = options;
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
        // A reader maps the file: a page not in its cache costs a memory access instead of a
        // read() into the cache (a fuzzy search scores ~15k rows, each on its own page: ~0.7x
        // the time at 1M Events, docs/performance.md). The mapped pages are the OS's page
        // cache, shared and reclaimable; they count in the process's RSS as file pages. The
        // writer keeps reading through its cache.
        if (options.mmap_bytes > 0) {
            if (auto s = impl->Exec("PRAGMA mmap_size = " + std::to_string(options.mmap_bytes));
                !s) {
                return s.error();
            }
        }
    }
    return impl;
}

// Maps an SQLite failure to our vocabulary. The SQLite message is logged, never returned.
Error SqliteConnection::DbError(int rc, std::string_view what) const {
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

Error SqliteConnection::ReadError(int rc, std::string_view what) const {
    if (rc == SQLITE_INTERRUPT && interrupts_.deadline_hit) {
        return sql::QueryTimeoutError(options_.query_timeout);
    }
    return DbError(rc, what);
}

Status SqliteConnection::Exec(const std::string& sql, const Params& params) {
    return Query(sql, params, [](sqlite3_stmt*) { return true; });
}

Result<bool> SqliteConnection::Exists(const std::string& sql, const Params& params) {
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

Result<std::int64_t> SqliteConnection::Scalar(const std::string& sql, const Params& params) {
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

const EntitySql& SqliteConnection::SqlFor(const schema::Entity& entity) const {
    return entity_sql_.For(entity);
}

}  // namespace ea::store::sqlite
