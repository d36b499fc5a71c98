#include "auth/sqlite_session_store.hpp"

#include <string>
#include <utility>

#include <sqlite3.h>

#include "auth/session_common.hpp"
#include "auth/sqlite_db.hpp"

namespace ea::auth {
namespace {

using detail::ColumnText;
using detail::FromMillis;
using detail::TimePoint;
using detail::ToMillis;
using detail::Unauthenticated;

// Resets the statement and clears its bindings when the scope ends, on every path.
class StatementScope {
public:
    explicit StatementScope(sqlite3_stmt* statement) : statement_(statement) {}
    ~StatementScope() {
        sqlite3_reset(statement_);
        sqlite3_clear_bindings(statement_);
    }
    StatementScope(const StatementScope&) = delete;
    StatementScope& operator=(const StatementScope&) = delete;

private:
    sqlite3_stmt* statement_;
};

void BindText(sqlite3_stmt* statement, int index, std::string_view text) {
    // SQLITE_TRANSIENT: SQLite copies, so the caller's buffer need not outlive the step.
    sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()),
                      SQLITE_TRANSIENT);
}

// SQLITE_STATIC: the caller's buffer outlives the step (the statement is reset in the same
// scope), so SQLite need not copy it; for the lookup every authenticated request makes.
void BindTextNoCopy(sqlite3_stmt* statement, int index, std::string_view text) {
    sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

constexpr const char* kSchemaSql = R"sql(
CREATE TABLE IF NOT EXISTS _sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL,
    username   TEXT NOT NULL,
    role       TEXT NOT NULL,
    account_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS _sessions_expires_at ON _sessions (expires_at);
CREATE INDEX IF NOT EXISTS _sessions_user_id ON _sessions (user_id);
)sql";

constexpr const char* kColumns =
    "token_hash, user_id, username, role, account_id, created_at, expires_at";

Session ReadSession(sqlite3_stmt* statement) {
    Session session;
    session.token_hash = ColumnText(statement, 0);
    session.user_id = ColumnText(statement, 1);
    session.username = ColumnText(statement, 2);
    session.role = ColumnText(statement, 3);
    session.account_id = ColumnText(statement, 4);
    session.created_at = FromMillis(sqlite3_column_int64(statement, 5));
    session.expires_at = FromMillis(sqlite3_column_int64(statement, 6));
    return session;
}

}  // namespace

void SqliteSessionStore::StatementCloser::operator()(sqlite3_stmt* statement) const {
    sqlite3_finalize(statement);
}

SqliteSessionStore::~SqliteSessionStore() = default;

Result<std::unique_ptr<SqliteSessionStore>> SqliteSessionStore::Open(
    const std::filesystem::path& file) {
    auto opened = detail::OpenSqliteStoreFile(file, "session database", kSchemaSql);
    if (!opened) {
        return opened.error();
    }
    const std::string where = "session database '" + file.string() + "'";
    std::unique_ptr<SqliteSessionStore> store(new SqliteSessionStore(file));
    store->db_ = *std::move(opened);
    sqlite3* db = store->db_.get();
    auto revision = detail::SharedRevision::Open(file, detail::RevisionSlot::kSessions);
    if (!revision) {
        return revision.error();
    }
    store->revision_ = *std::move(revision);

    const std::string columns = kColumns;
    const std::pair<StatementPtr*, std::string> statements[] = {
        {&store->put_,
         "INSERT OR REPLACE INTO _sessions (" + columns + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
        {&store->get_, "SELECT " + columns + " FROM _sessions WHERE token_hash = ?1"},
        {&store->touch_, "UPDATE _sessions SET expires_at = ?2 WHERE token_hash = ?1"},
        {&store->delete_, "DELETE FROM _sessions WHERE token_hash = ?1"},
        {&store->delete_user_, "DELETE FROM _sessions WHERE user_id = ?1"},
        {&store->delete_all_, "DELETE FROM _sessions"},
        {&store->purge_, "DELETE FROM _sessions WHERE expires_at <= ?1"},
        {&store->ping_, "SELECT count(*) FROM sqlite_schema WHERE name = '_sessions'"},
        {&store->count_, "SELECT count(*) FROM _sessions"},
    };
    for (const auto& [target, sql] : statements) {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size()),
                               SQLITE_PREPARE_PERSISTENT, &statement, nullptr) != SQLITE_OK) {
            return Unavailable("cannot prepare statements for " + where + ": " +
                               sqlite3_errmsg(db));
        }
        target->reset(statement);
    }
    // One reader now, so a file readers cannot open is reported at startup, not on a request.
    auto reader = store->OpenReader();
    if (!reader) {
        return reader.error();
    }
    store->idle_readers_.push_back(*std::move(reader));
    return store;
}

// Hands a reader back to the pool on every path out of Get.
class SqliteSessionStore::ReaderLease {
public:
    ReaderLease(SqliteSessionStore& store, std::unique_ptr<Reader> reader)
        : store_(store), reader_(std::move(reader)) {}
    ~ReaderLease() { store_.ReleaseReader(std::move(reader_), broken_); }
    ReaderLease(const ReaderLease&) = delete;
    ReaderLease& operator=(const ReaderLease&) = delete;

    Reader& operator*() const { return *reader_; }
    void MarkBroken() { broken_ = true; }

private:
    SqliteSessionStore& store_;
    std::unique_ptr<Reader> reader_;
    bool broken_ = false;
};

Result<std::unique_ptr<SqliteSessionStore::Reader>> SqliteSessionStore::OpenReader() const {
    const std::string where = "session database '" + file_.string() + "'";
    auto reader = std::make_unique<Reader>();
    sqlite3* raw = nullptr;
    // READWRITE although it only reads: a WAL reader must be able to write the -shm index.
    const int open_rc =
        sqlite3_open_v2(file_.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    reader->db.reset(raw);
    if (open_rc != SQLITE_OK) {
        return detail::BackendUnavailable(
            "cannot open a read connection to " + where + ": " +
            (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(open_rc)));
    }
    sqlite3_busy_timeout(raw, detail::kSqliteBusyTimeoutMs);
    // query_only: this connection can never write, whatever a future edit prepares on it.
    const std::string sql =
        "SELECT " + std::string(kColumns) + " FROM _sessions WHERE token_hash = ?1";
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_exec(raw, "PRAGMA query_only=1", nullptr, nullptr, nullptr) != SQLITE_OK ||
        sqlite3_prepare_v3(raw, sql.c_str(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &statement, nullptr) != SQLITE_OK) {
        return detail::BackendUnavailable("cannot prepare a read connection to " + where + ": " +
                                          sqlite3_errmsg(raw));
    }
    reader->get.reset(statement);
    return reader;
}

Result<std::unique_ptr<SqliteSessionStore::Reader>> SqliteSessionStore::AcquireReader() {
    {
        std::lock_guard lock(readers_mutex_);
        if (!idle_readers_.empty()) {
            auto reader = std::move(idle_readers_.back());
            idle_readers_.pop_back();
            return reader;
        }
    }
    return OpenReader();  // outside the lock: opening takes a while, and others may release
}

void SqliteSessionStore::ReleaseReader(std::unique_ptr<Reader> reader, bool broken) {
    if (reader == nullptr || broken) {
        return;  // closed here; the next Get opens a fresh one
    }
    std::lock_guard lock(readers_mutex_);
    if (idle_readers_.size() < kMaxIdleReaders) {
        idle_readers_.push_back(std::move(reader));
    }
}

std::size_t SqliteSessionStore::IdleReadersForTest() {
    std::lock_guard lock(readers_mutex_);
    return idle_readers_.size();
}

Error SqliteSessionStore::SqliteError(std::string_view what) const {
    // SQLite messages name no values we bound, so they carry no token hashes or user data.
    return detail::BackendUnavailable("session store (SQLite) could not " + std::string(what) +
                                      ": " + sqlite3_errmsg(db_.get()));
}

Status SqliteSessionStore::Put(const Session& session) {
    if (auto valid = detail::CheckNewSession(session); !valid) {
        return valid;
    }
    const std::int64_t created_ms = ToMillis(session.created_at);
    const std::int64_t expires_ms = ToMillis(session.expires_at);

    std::lock_guard lock(mutex_);
    const detail::RevisionChange change(*revision_);
    if (session.created_at - last_purge_ >= kPurgeInterval) {
        last_purge_ = session.created_at;
        // Best effort: a failed purge is retried a minute later and must not fail a login.
        static_cast<void>(PurgeExpiredLocked(session.created_at));
    }
    sqlite3_stmt* statement = put_.get();
    StatementScope scope(statement);
    BindText(statement, 1, session.token_hash);
    BindText(statement, 2, session.user_id);
    BindText(statement, 3, session.username);
    BindText(statement, 4, session.role);
    BindText(statement, 5, session.account_id);
    sqlite3_bind_int64(statement, 6, created_ms);
    sqlite3_bind_int64(statement, 7, expires_ms);
    if (sqlite3_step(statement) != SQLITE_DONE) {
        return SqliteError("store a session");
    }
    return Ok();
}

void SqliteSessionStore::DeleteExpiredLocked(std::string_view token_hash) {
    const detail::RevisionChange change(*revision_);
    sqlite3_stmt* statement = delete_.get();
    StatementScope scope(statement);
    BindText(statement, 1, token_hash);
    // Best effort: the session is refused either way, and the purge will catch it later.
    sqlite3_step(statement);
}

Result<Session> SqliteSessionStore::GetLocked(std::string_view token_hash, TimePoint now) {
    Session session;
    {
        sqlite3_stmt* statement = get_.get();
        StatementScope scope(statement);
        BindText(statement, 1, token_hash);
        const int rc = sqlite3_step(statement);
        if (rc == SQLITE_DONE) {
            return Unauthenticated();
        }
        if (rc != SQLITE_ROW) {
            return SqliteError("read a session");
        }
        session = ReadSession(statement);
    }
    if (ToMillis(now) >= ToMillis(session.expires_at)) {
        DeleteExpiredLocked(token_hash);
        return Unauthenticated();
    }
    return session;
}

Result<Session> SqliteSessionStore::Get(std::string_view token_hash, TimePoint now) {
    // Loaded before the read: if a change commits while we read, the revision has moved on by
    // the time we could be asked again, and what we cache under this one is never served.
    const std::uint64_t revision = revision_->Load();
    if (auto cached = cache_.Find(token_hash, revision, now)) {
        cache_hits_.fetch_add(1, std::memory_order_relaxed);
        return *std::move(cached);
    }
    Session session;
    {
        auto acquired = AcquireReader();
        if (!acquired) {
            return acquired.error();
        }
        ReaderLease reader(*this, *std::move(acquired));
        // One autocommit SELECT is one read transaction: it sees every commit that finished
        // before it started, on any connection. The scope resets the statement, which ends the
        // transaction, so the reader never holds an old snapshot between calls.
        sqlite3_stmt* statement = (*reader).get.get();
        StatementScope scope(statement);
        BindTextNoCopy(statement, 1, token_hash);
        const int rc = sqlite3_step(statement);
        if (rc == SQLITE_DONE) {
            return Unauthenticated();
        }
        if (rc != SQLITE_ROW) {
            reader.MarkBroken();
            // SQLite messages name no values we bound, so they carry no token hashes.
            return detail::BackendUnavailable(
                std::string("session store (SQLite) could not read a session: ") +
                sqlite3_errmsg((*reader).db.get()));
        }
        session = ReadSession(statement);
    }
    if (ToMillis(now) >= ToMillis(session.expires_at)) {
        std::lock_guard lock(mutex_);
        DeleteExpiredLocked(token_hash);
        return Unauthenticated();
    }
    cache_.Remember(session, revision, now);
    return session;
}

Result<Session> SqliteSessionStore::Touch(std::string_view token_hash, std::chrono::seconds ttl,
                                          TimePoint now) {
    if (ttl <= std::chrono::seconds::zero() || ttl > kMaxSessionTtl) {
        return InvalidArgument("session ttl must be positive and at most 366 days");
    }
    std::lock_guard lock(mutex_);
    const detail::RevisionChange change(*revision_);
    auto session = GetLocked(token_hash, now);
    if (!session) {
        return session.error();
    }
    session->expires_at = FromMillis(ToMillis(now + ttl));
    sqlite3_stmt* statement = touch_.get();
    StatementScope scope(statement);
    BindText(statement, 1, token_hash);
    sqlite3_bind_int64(statement, 2, ToMillis(session->expires_at));
    if (sqlite3_step(statement) != SQLITE_DONE) {
        return SqliteError("extend a session");
    }
    return session;
}

Status SqliteSessionStore::Delete(std::string_view token_hash) {
    std::lock_guard lock(mutex_);
    const detail::RevisionChange change(*revision_);
    sqlite3_stmt* statement = delete_.get();
    StatementScope scope(statement);
    BindText(statement, 1, token_hash);
    if (sqlite3_step(statement) != SQLITE_DONE) {
        return SqliteError("delete a session");
    }
    return Ok();
}

Status SqliteSessionStore::DeleteUser(std::string_view user_id) {
    std::lock_guard lock(mutex_);
    const detail::RevisionChange change(*revision_);
    sqlite3_stmt* statement = delete_user_.get();
    StatementScope scope(statement);
    BindText(statement, 1, user_id);
    if (sqlite3_step(statement) != SQLITE_DONE) {
        return SqliteError("delete a user's sessions");
    }
    return Ok();
}

Status SqliteSessionStore::DeleteAll() {
    std::lock_guard lock(mutex_);
    const detail::RevisionChange change(*revision_);
    sqlite3_stmt* statement = delete_all_.get();
    StatementScope scope(statement);
    if (sqlite3_step(statement) != SQLITE_DONE) {
        return SqliteError("delete every session");
    }
    return Ok();
}

Status SqliteSessionStore::Ping() {
    std::lock_guard lock(mutex_);
    sqlite3_stmt* statement = ping_.get();
    StatementScope scope(statement);
    if (sqlite3_step(statement) != SQLITE_ROW) {
        return SqliteError("answer a ping");
    }
    if (sqlite3_column_int64(statement, 0) != 1) {
        return detail::BackendUnavailable("session store (SQLite): table _sessions is missing");
    }
    return Ok();
}

Status SqliteSessionStore::PurgeExpired(TimePoint now) {
    std::lock_guard lock(mutex_);
    return PurgeExpiredLocked(now);
}

Status SqliteSessionStore::PurgeExpiredLocked(TimePoint now) {
    const detail::RevisionChange change(*revision_);
    sqlite3_stmt* statement = purge_.get();
    StatementScope scope(statement);
    sqlite3_bind_int64(statement, 1, ToMillis(now));
    if (sqlite3_step(statement) != SQLITE_DONE) {
        return SqliteError("purge expired sessions");
    }
    return Ok();
}

Result<std::int64_t> SqliteSessionStore::RowCountForTest() {
    std::lock_guard lock(mutex_);
    sqlite3_stmt* statement = count_.get();
    StatementScope scope(statement);
    if (sqlite3_step(statement) != SQLITE_ROW) {
        return SqliteError("count sessions");
    }
    return sqlite3_column_int64(statement, 0);
}

}  // namespace ea::auth
