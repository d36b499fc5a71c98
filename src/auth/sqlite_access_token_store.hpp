// SqliteAccessTokenStore: the embedded AccessTokenStore, table `_access_tokens` in an SQLite file
// (normally the app's main database, beside `_sessions`), so `events-api token create/revoke`
// from a shell and a running server see the same tokens. One connection behind a mutex: a token
// lookup is one indexed SELECT (plus an UPDATE of last_used_at at most once a minute per token).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "auth/access_token_store.hpp"
#include "auth/sqlite_db.hpp"

struct sqlite3;

namespace ea::auth {

class SqliteAccessTokenStore final : public AccessTokenStore {
public:
    // Opens (creating if needed) `file` in WAL mode and creates `_access_tokens` if missing.
    // kUnavailable naming the file when it cannot be opened or initialized.
    [[nodiscard]] static Result<std::unique_ptr<SqliteAccessTokenStore>> Open(
        const std::filesystem::path& file);

    ~SqliteAccessTokenStore() override;
    SqliteAccessTokenStore(const SqliteAccessTokenStore&) = delete;
    SqliteAccessTokenStore& operator=(const SqliteAccessTokenStore&) = delete;

    [[nodiscard]] Status Put(const AccessToken& token) override;
    [[nodiscard]] Result<AccessToken> Find(std::string_view token_hash,
                                           std::chrono::system_clock::time_point now) override;
    [[nodiscard]] Result<std::vector<AccessToken>> List(
        std::optional<std::string_view> username,
        std::chrono::system_clock::time_point now) override;
    [[nodiscard]] Status Revoke(std::string_view id) override;
    [[nodiscard]] Status RevokeUser(std::string_view user_id) override;
    [[nodiscard]] Status RevokeAll() override;

private:
    explicit SqliteAccessTokenStore(std::filesystem::path file) : file_(std::move(file)) {}

    // Runs `sql` with text/integer parameters bound in order; see the .cpp.
    Error SqliteError(std::string_view what) const;

    const std::filesystem::path file_;
    std::mutex mutex_;  // guards db_: one connection, used by one thread at a time
    detail::SqliteDbPtr db_;
};

}  // namespace ea::auth
