// SqliteSessionStore: the embedded SessionStore, a `_sessions` table in an SQLite file (normally
// the app's main database). Sessions survive restarts; one process only shares them reliably.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>

#include "auth/session_store.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace ea::auth {

class SqliteSessionStore final : public SessionStore {
public:
    // Opens (creating if needed) `file` with a connection of its own, switches it to WAL so it
    // shares the file with the document store without blocking readers, and creates `_sessions`
    // and its indexes if missing. kUnavailable naming the file when it cannot be opened or
    // initialized.
    [[nodiscard]] static Result<std::unique_ptr<SqliteSessionStore>> Open(
        const std::filesystem::path& file);

    ~SqliteSessionStore() override;
    SqliteSessionStore(const SqliteSessionStore&) = delete;
    SqliteSessionStore& operator=(const SqliteSessionStore&) = delete;

    // Put also deletes expired rows, at most once per minute of session.created_at, so the
    // table does not keep sessions nobody logged out of. REQUIRES: created_at is the current
    // time (it is the clock for that purge).
    [[nodiscard]] Status Put(const Session& session) override;
    [[nodiscard]] Result<Session> Get(std::string_view token_hash,
                                      std::chrono::system_clock::time_point now) override;
    [[nodiscard]] Result<Session> Touch(std::string_view token_hash, std::chrono::seconds ttl,
                                        std::chrono::system_clock::time_point now) override;
    [[nodiscard]] Status Delete(std::string_view token_hash) override;
    [[nodiscard]] Status DeleteUser(std::string_view user_id) override;
    [[nodiscard]] Status DeleteAll() override;
    [[nodiscard]] Status Ping() override;

    // Deletes every session expired at `now`.
    [[nodiscard]] Status PurgeExpired(std::chrono::system_clock::time_point now);

    // Number of rows in `_sessions`, expired ones included.
    [[nodiscard]] Result<std::int64_t> RowCountForTest();

private:
    struct StatementCloser {
        void operator()(sqlite3_stmt* statement) const;
    };
    using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementCloser>;
    struct DbCloser {
        void operator()(sqlite3* db) const;
    };

    SqliteSessionStore() = default;

    // REQUIRES: mutex_ held. The "get and delete if expired" shared by Get and Touch.
    Result<Session> GetLocked(std::string_view token_hash,
                              std::chrono::system_clock::time_point now);
    Status PurgeExpiredLocked(std::chrono::system_clock::time_point now);
    Error SqliteError(std::string_view what) const;

    static constexpr int kBusyTimeoutMs = 5000;
    static constexpr std::chrono::minutes kPurgeInterval{1};

    std::mutex mutex_;  // guards everything below: one connection, used by one thread at a time
    std::unique_ptr<sqlite3, DbCloser> db_;
    // Prepared once in Open; each is reset after use.
    StatementPtr put_;
    StatementPtr get_;
    StatementPtr touch_;
    StatementPtr delete_;
    StatementPtr delete_user_;
    StatementPtr delete_all_;
    StatementPtr purge_;
    StatementPtr ping_;
    StatementPtr count_;
    std::chrono::system_clock::time_point last_purge_{};
};

}  // namespace ea::auth
