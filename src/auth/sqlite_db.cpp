#include "auth/sqlite_db.hpp"

#include <sqlite3.h>

namespace ea::auth::detail {

void SqliteCloser::operator()(sqlite3* db) const {
    sqlite3_close_v2(db);
}

Result<SqliteDbPtr> OpenSqliteStoreFile(const std::filesystem::path& file, const std::string& what,
                                        const char* schema_sql) {
    if (file.empty()) {
        return InvalidArgument(what + " file name is empty");
    }
    const std::string where = what + " '" + file.string() + "'";
    sqlite3* raw = nullptr;
    const int rc =
        sqlite3_open_v2(file.c_str(), &raw,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    SqliteDbPtr db(raw);  // sqlite3_open_v2 allocates a handle even on failure
    if (rc != SQLITE_OK) {
        return Unavailable("cannot open " + where + ": " +
                           (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    }
    sqlite3_busy_timeout(raw, kSqliteBusyTimeoutMs);
    for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", schema_sql}) {
        if (sqlite3_exec(raw, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
            return Unavailable("cannot initialize " + where + ": " + sqlite3_errmsg(raw));
        }
    }
    return db;
}

std::string ColumnText(sqlite3_stmt* statement, int column) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
    if (text == nullptr) {
        return {};
    }
    return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
}

}  // namespace ea::auth::detail
