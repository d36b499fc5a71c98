// The SQLite side the two embedded auth stores (sqlite_session_store, sqlite_access_token_store)
// share: the owned connection, how each opens its file, and reading a text column. Internal to
// auth/.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "common/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace ea::auth::detail {

struct SqliteCloser {
    void operator()(sqlite3* db) const;  // sqlite3_close_v2
};
using SqliteDbPtr = std::unique_ptr<sqlite3, SqliteCloser>;

// How long a connection waits for another's write lock before SQLITE_BUSY.
inline constexpr int kSqliteBusyTimeoutMs = 5000;

// A store's read-write connection to `file`, created if missing, with the busy timeout, WAL (the
// file is shared with the document store and other processes without blocking readers; WAL
// persists in the file), synchronous NORMAL (durable in WAL mode except on power loss, where
// losing the last logins only means logging in again) and `schema_sql` run (CREATE ... IF NOT
// EXISTS). kInvalidArgument for an empty file name ("<what> file name is empty"); kUnavailable
// "cannot open|initialize <what> '<file>': <SQLite's words>" otherwise.
[[nodiscard]] Result<SqliteDbPtr> OpenSqliteStoreFile(const std::filesystem::path& file,
                                                      const std::string& what,
                                                      const char* schema_sql);

// Column `column` of the current row as text; "" for NULL.
std::string ColumnText(sqlite3_stmt* statement, int column);

}  // namespace ea::auth::detail
