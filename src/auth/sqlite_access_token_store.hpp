// SqliteAccessTokenStore: the embedded AccessTokenStore, table `_access_tokens` in an SQLite file
// (normally the app's main database, beside `_sessions`), so `events-api token create/revoke`
// from a shell and a running server see the same tokens. One connection behind a mutex; a lookup
// is answered from a cache of verified tokens (verified_cache.hpp) when it can be, else it is one
// indexed SELECT (plus an UPDATE of last_used_at at most once a minute per token). Every change
// bumps the revision the processes using the file share (shared_revision.hpp), so a token revoked
// through any SqliteAccessTokenStore of any process (`events-api token revoke` beside a running
// server) is refused on the very next lookup; a direct SQL edit is seen within 1 s.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>

#include "auth/access_token_store.hpp"
#include "auth/shared_revision.hpp"
#include "auth/sqlite_db.hpp"
#include "auth/verified_cache.hpp"

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

    // Finds answered from the cache so far (for tests).
    [[nodiscard]] std::uint64_t CacheHitsForTest() const {
        return cache_hits_.load(std::memory_order_relaxed);
    }

private:
    explicit SqliteAccessTokenStore(std::filesystem::path file) : file_(std::move(file)) {}

    // Runs `sql` with text/integer parameters bound in order; see the .cpp.
    Error SqliteError(std::string_view what) const;

    const std::filesystem::path file_;
    std::mutex mutex_;  // guards db_: one connection, used by one thread at a time
    detail::SqliteDbPtr db_;

    std::unique_ptr<detail::SharedRevision> revision_;  // set in Open
    detail::VerifiedCache<AccessToken> cache_;
    std::atomic<std::uint64_t> cache_hits_{0};
};

}  // namespace ea::auth
