// SqliteSessionStore: the embedded SessionStore, a `_sessions` table in an SQLite file (normally
// the app's main database). Sessions survive restarts. Writes go through one connection behind a
// mutex; Get, the lookup every authenticated request makes, answers from a cache of verified
// sessions (verified_cache.hpp) and otherwise reads on a pool of read connections, so lookups run
// in parallel with each other and with writes (WAL). Every change bumps a revision shared by the
// processes using the file (shared_revision.hpp), which empties every cache: a session deleted
// through any SqliteSessionStore of any process on this machine (e.g. `events-api user add
// --update` beside a running server) is gone for the very next Get. A direct SQL edit of
// `_sessions` bumps nothing and is seen within VerifiedCache's kMaxAge (1 s).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "auth/session_store.hpp"
#include "auth/shared_revision.hpp"
#include "auth/sqlite_db.hpp"
#include "auth/verified_cache.hpp"

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

    // Read connections open and idle in the pool (for tests).
    [[nodiscard]] std::size_t IdleReadersForTest();

    // Gets answered from the cache so far (for tests).
    [[nodiscard]] std::uint64_t CacheHitsForTest() const {
        return cache_hits_.load(std::memory_order_relaxed);
    }

private:
    struct StatementCloser {
        void operator()(sqlite3_stmt* statement) const;
    };
    using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementCloser>;

    // A read connection with its own prepared lookup; used by one thread at a time.
    struct Reader {
        detail::SqliteDbPtr db;
        StatementPtr get;
    };
    class ReaderLease;

    explicit SqliteSessionStore(std::filesystem::path file) : file_(std::move(file)) {}

    // An idle reader from the pool, or a new one when every reader is busy.
    Result<std::unique_ptr<Reader>> AcquireReader();
    // Returns `reader` to the pool (closes it when the pool is full or `broken`).
    void ReleaseReader(std::unique_ptr<Reader> reader, bool broken);
    Result<std::unique_ptr<Reader>> OpenReader() const;

    // REQUIRES: mutex_ held. Drops the expired session `token_hash` a lookup found.
    void DeleteExpiredLocked(std::string_view token_hash);
    // REQUIRES: mutex_ held. The "get and delete if expired" shared by Get and Touch.
    Result<Session> GetLocked(std::string_view token_hash,
                              std::chrono::system_clock::time_point now);
    Status PurgeExpiredLocked(std::chrono::system_clock::time_point now);
    Error SqliteError(std::string_view what) const;

    static constexpr std::chrono::minutes kPurgeInterval{1};

    std::mutex mutex_;  // guards everything below: one connection, used by one thread at a time
    detail::SqliteDbPtr db_;
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

    // More readers than this are closed when released: the server runs one handler per core, so
    // the pool stays at about the number of threads that authenticate at once.
    static constexpr std::size_t kMaxIdleReaders = 16;
    const std::filesystem::path file_;
    std::mutex readers_mutex_;  // guards idle_readers_ only; held for a push or a pop
    std::vector<std::unique_ptr<Reader>> idle_readers_;

    std::unique_ptr<detail::SharedRevision> revision_;  // set in Open
    detail::VerifiedCache<Session> cache_;
    std::atomic<std::uint64_t> cache_hits_{0};
};

}  // namespace ea::auth
