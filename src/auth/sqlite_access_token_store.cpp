#include "auth/sqlite_access_token_store.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

#include <sqlite3.h>

#include "auth/session_common.hpp"
#include "auth/sqlite_db.hpp"

namespace ea::auth {
namespace {

using detail::ColumnText;
using detail::FromMillis;
using detail::TimePoint;
using detail::ToMillis;

constexpr const char* kSchemaSql = R"sql(
CREATE TABLE IF NOT EXISTS _access_tokens (
    id           TEXT PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      TEXT NOT NULL,
    username     TEXT NOT NULL,
    role         TEXT NOT NULL,
    account_id   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_used_at INTEGER
);
CREATE INDEX IF NOT EXISTS _access_tokens_user_id ON _access_tokens (user_id);
)sql";

constexpr const char* kColumns =
    "id, name, token_hash, user_id, username, role, account_id, created_at, expires_at, "
    "last_used_at";

using Param = std::variant<std::string_view, std::int64_t>;

// One prepared statement for one call: finalized on every path out.
class Statement {
public:
    Statement(sqlite3* db, const std::string& sql, std::initializer_list<Param> params) {
        ok_ = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &statement_,
                                 nullptr) == SQLITE_OK;
        int index = 1;
        for (const auto& param : params) {
            if (!ok_) {
                break;
            }
            if (const auto* text = std::get_if<std::string_view>(&param)) {
                sqlite3_bind_text(statement_, index, text->data(), static_cast<int>(text->size()),
                                  SQLITE_TRANSIENT);
            } else {
                sqlite3_bind_int64(statement_, index, std::get<std::int64_t>(param));
            }
            ++index;
        }
    }
    ~Statement() { sqlite3_finalize(statement_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    bool ok() const { return ok_; }
    int Step() { return ok_ ? sqlite3_step(statement_) : SQLITE_ERROR; }
    sqlite3_stmt* get() const { return statement_; }

private:
    sqlite3_stmt* statement_ = nullptr;
    bool ok_ = false;
};

AccessToken ReadToken(sqlite3_stmt* statement) {
    AccessToken token;
    token.id = ColumnText(statement, 0);
    token.name = ColumnText(statement, 1);
    token.token_hash = ColumnText(statement, 2);
    token.user_id = ColumnText(statement, 3);
    token.username = ColumnText(statement, 4);
    token.role = ColumnText(statement, 5);
    token.account_id = ColumnText(statement, 6);
    token.created_at = FromMillis(sqlite3_column_int64(statement, 7));
    token.expires_at = FromMillis(sqlite3_column_int64(statement, 8));
    if (sqlite3_column_type(statement, 9) != SQLITE_NULL) {
        token.last_used_at = FromMillis(sqlite3_column_int64(statement, 9));
    }
    return token;
}

}  // namespace

SqliteAccessTokenStore::~SqliteAccessTokenStore() = default;

Result<std::unique_ptr<SqliteAccessTokenStore>> SqliteAccessTokenStore::Open(
    const std::filesystem::path& file) {
    auto opened = detail::OpenSqliteStoreFile(file, "access token database", kSchemaSql);
    if (!opened) {
        return opened.error();
    }
    std::unique_ptr<SqliteAccessTokenStore> store(new SqliteAccessTokenStore(file));
    store->db_ = *std::move(opened);
    auto revision = detail::SharedRevision::Open(file, detail::RevisionSlot::kAccessTokens);
    if (!revision) {
        return revision.error();
    }
    store->revision_ = *std::move(revision);
    return store;
}

Error SqliteAccessTokenStore::SqliteError(std::string_view what) const {
    // SQLite messages name no bound values, so they carry no token hashes.
    return detail::BackendUnavailable("access token store (SQLite) could not " + std::string(what) +
                                      ": " + sqlite3_errmsg(db_.get()));
}

Status SqliteAccessTokenStore::Put(const AccessToken& token) {
    if (token.id.empty() || token.token_hash.empty() || token.user_id.empty()) {
        return InvalidArgument("access token id, token_hash and user_id must not be empty");
    }
    if (ToMillis(token.expires_at) <= ToMillis(token.created_at)) {
        return InvalidArgument("access token expires_at must be after created_at");
    }
    std::lock_guard lock(mutex_);
    const detail::RevisionChange change(*revision_);
    Statement insert(
        db_.get(),
        std::string("INSERT INTO _access_tokens (") + kColumns +
            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL)",
        {token.id, token.name, token.token_hash, token.user_id, token.username, token.role,
         token.account_id, ToMillis(token.created_at), ToMillis(token.expires_at)});
    const int rc = insert.Step();
    if (rc == SQLITE_CONSTRAINT) {
        return Conflict("access token id or hash already exists");
    }
    if (rc != SQLITE_DONE) {
        return SqliteError("store an access token");
    }
    return Ok();
}

Result<AccessToken> SqliteAccessTokenStore::Find(std::string_view token_hash, TimePoint now) {
    // Loaded before the read, as in SqliteSessionStore::Get.
    const std::uint64_t revision = revision_->Load();
    if (auto cached = cache_.Find(token_hash, revision, now)) {
        // Served while its last use needs no new record; otherwise read (and record) below.
        if (cached->last_used_at && now - *cached->last_used_at < kLastUsedResolution) {
            cache_hits_.fetch_add(1, std::memory_order_relaxed);
            return *std::move(cached);
        }
    }
    std::lock_guard lock(mutex_);
    AccessToken token;
    {
        Statement select(
            db_.get(),
            std::string("SELECT ") + kColumns + " FROM _access_tokens WHERE token_hash = ?1",
            {token_hash});
        const int rc = select.Step();
        if (rc == SQLITE_DONE) {
            return Error{ErrorCode::kUnauthenticated,
                         "access token is unknown, expired or revoked"};
        }
        if (rc != SQLITE_ROW) {
            return SqliteError("read an access token");
        }
        token = ReadToken(select.get());
    }
    if (ToMillis(now) >= ToMillis(token.expires_at)) {
        const detail::RevisionChange change(*revision_);
        Statement erase(db_.get(), "DELETE FROM _access_tokens WHERE id = ?1", {token.id});
        erase.Step();  // best effort: the token is refused either way
        return Error{ErrorCode::kUnauthenticated, "access token is unknown, expired or revoked"};
    }
    // What the file holds after this call: the cache serves that. The touch bumps no revision:
    // it changes no token's validity, and another process's copy is at most kMaxAge old.
    AccessToken held = token;
    if (!token.last_used_at || now - *token.last_used_at >= kLastUsedResolution) {
        Statement touch(db_.get(), "UPDATE _access_tokens SET last_used_at = ?2 WHERE id = ?1",
                        {token.id, ToMillis(now)});
        // Best effort: bookkeeping must not refuse a valid token.
        if (touch.Step() == SQLITE_DONE) {
            held.last_used_at = FromMillis(ToMillis(now));
        }
    }
    cache_.Remember(held, revision, now);
    return token;
}

Result<std::vector<AccessToken>> SqliteAccessTokenStore::List(
    std::optional<std::string_view> username, TimePoint now) {
    std::lock_guard lock(mutex_);
    const std::string sql = std::string("SELECT ") + kColumns +
                            " FROM _access_tokens WHERE expires_at > ?1"
                            " AND (?3 = 0 OR username = ?2) ORDER BY created_at, id";
    Statement select(db_.get(), sql,
                     {ToMillis(now), username.value_or(""), std::int64_t{username ? 1 : 0}});
    std::vector<AccessToken> tokens;
    for (;;) {
        const int rc = select.Step();
        if (rc == SQLITE_DONE) {
            break;
        }
        if (rc != SQLITE_ROW) {
            return SqliteError("list access tokens");
        }
        tokens.push_back(ReadToken(select.get()));
        tokens.back().token_hash.clear();
    }
    return tokens;
}

Status SqliteAccessTokenStore::Revoke(std::string_view id) {
    std::lock_guard lock(mutex_);
    const detail::RevisionChange change(*revision_);
    Statement erase(db_.get(), "DELETE FROM _access_tokens WHERE id = ?1", {id});
    if (erase.Step() != SQLITE_DONE) {
        return SqliteError("revoke an access token");
    }
    if (sqlite3_changes(db_.get()) == 0) {
        return NotFound("no access token with id '" + std::string(id.substr(0, 64)) + "'");
    }
    return Ok();
}

Status SqliteAccessTokenStore::RevokeUser(std::string_view user_id) {
    std::lock_guard lock(mutex_);
    const detail::RevisionChange change(*revision_);
    Statement erase(db_.get(), "DELETE FROM _access_tokens WHERE user_id = ?1", {user_id});
    if (erase.Step() != SQLITE_DONE) {
        return SqliteError("revoke a user's access tokens");
    }
    return Ok();
}

Status SqliteAccessTokenStore::RevokeAll() {
    std::lock_guard lock(mutex_);
    const detail::RevisionChange change(*revision_);
    Statement erase(db_.get(), "DELETE FROM _access_tokens", {});
    if (erase.Step() != SQLITE_DONE) {
        return SqliteError("revoke every access token");
    }
    return Ok();
}

}  // namespace ea::auth
