#include "auth/sqlite_session_store.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "auth/access_token_store.hpp"
#include "auth/session_store_conformance.hpp"
#include "auth/store_harness.hpp"
#include "auth/token.hpp"
#include "auth/verified_cache.hpp"
#include "testing/child_process.hpp"
#include "testing/temp_dir.hpp"

namespace ea::auth {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;
using TimePoint = std::chrono::system_clock::time_point;
using testing::SessionStoreConformanceTest;

INSTANTIATE_TEST_SUITE_P(
    Sqlite, SessionStoreConformanceTest,
    ::testing::Values(testing::SessionStoreBackend{
        "Sqlite",
        [] {
            return testing::MakeSqliteHarness<testing::SessionStoreHarness, SqliteSessionStore>(
                "events.db");
        }}),
    testing::BackendName);

const TimePoint kT0 = TimePoint(seconds(1'700'000'000));

Session MakeSession(std::string user_id, TimePoint created_at, std::chrono::seconds ttl) {
    return Session{HashToken(NewToken()), std::move(user_id), "name", "admin", "", created_at,
                   created_at + ttl};
}

// Runs one SQL statement on `file` through a separate connection and returns the first column
// of the first row as text ("" when there is none).
std::string QueryOne(const std::filesystem::path& file, const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    std::string result;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
        const auto* text = sqlite3_column_text(statement, 0);
        result = text != nullptr ? reinterpret_cast<const char*>(text) : "";
    } else {
        ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return result;
}

// Runs `sql` (one or more statements) on `file` through a separate connection.
void Exec(const std::filesystem::path& file, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
        << sql << ": " << (message != nullptr ? message : "");
    sqlite3_free(message);
    sqlite3_close(db);
}

TEST(SqliteSessionStoreTest, PurgesExpiredRowsOnPutAtMostOncePerMinute) {
    ea::testing::TempDir dir;
    auto store = SqliteSessionStore::Open(dir / "events.db");
    ASSERT_TRUE(store.has_value()) << store.error().message;
    SqliteSessionStore& sessions = **store;

    ASSERT_TRUE(sessions.Put(MakeSession("a", kT0, seconds(1))));              // purges (first Put)
    ASSERT_TRUE(sessions.Put(MakeSession("b", kT0 + seconds(30), hours(1))));  // too soon
    EXPECT_EQ(*sessions.RowCountForTest(), 2);  // "a" has expired but is still there
    ASSERT_TRUE(sessions.Put(MakeSession("c", kT0 + seconds(61), hours(1))));  // purges
    EXPECT_EQ(*sessions.RowCountForTest(), 2);  // "a" gone; "b" and "c" live
}

TEST(SqliteSessionStoreTest, PurgeExpiredKeepsLiveSessions) {
    ea::testing::TempDir dir;
    auto store = SqliteSessionStore::Open(dir / "events.db");
    ASSERT_TRUE(store.has_value()) << store.error().message;
    const Session live = MakeSession("a", kT0, hours(2));
    ASSERT_TRUE((*store)->Put(live));
    ASSERT_TRUE((*store)->Put(MakeSession("b", kT0, hours(1))));
    ASSERT_TRUE((*store)->PurgeExpired(kT0 + hours(1)));
    EXPECT_EQ(*(*store)->RowCountForTest(), 1);
    EXPECT_TRUE((*store)->Get(live.token_hash, kT0 + hours(1)));
}

TEST(SqliteSessionStoreTest, SessionsSurviveReopening) {
    ea::testing::TempDir dir;
    const Session session = MakeSession("a", kT0, hours(1));
    {
        auto store = SqliteSessionStore::Open(dir / "events.db");
        ASSERT_TRUE(store.has_value()) << store.error().message;
        ASSERT_TRUE((*store)->Put(session));
    }
    auto store = SqliteSessionStore::Open(dir / "events.db");
    ASSERT_TRUE(store.has_value()) << store.error().message;
    auto got = (*store)->Get(session.token_hash, kT0);
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(*got, session);
}

TEST(SqliteSessionStoreTest, SharesTheDatabaseFileInWalModeStoringOnlyHashes) {
    ea::testing::TempDir dir;
    const auto file = dir / "events.db";
    ASSERT_NO_FATAL_FAILURE(Exec(file, "CREATE TABLE user (id TEXT)"));
    auto store = SqliteSessionStore::Open(file);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    const std::string token = NewToken();
    Session session = MakeSession("a", kT0, hours(1));
    session.token_hash = HashToken(token);
    ASSERT_TRUE((*store)->Put(session));

    EXPECT_EQ(QueryOne(file, "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(QueryOne(file, "SELECT count(*) FROM sqlite_schema WHERE name = 'user'"), "1");
    EXPECT_EQ(QueryOne(file, "SELECT token_hash FROM _sessions"), HashToken(token));
    EXPECT_EQ(QueryOne(file, "SELECT expires_at FROM _sessions"),
              std::to_string(
                  std::chrono::duration_cast<milliseconds>(session.expires_at.time_since_epoch())
                      .count()));
    EXPECT_EQ(QueryOne(file, "SELECT count(*) FROM _sessions WHERE token_hash = '" + token + "'"),
              "0");
    EXPECT_EQ(QueryOne(file,
                       "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND "
                       "name = '_sessions_expires_at'"),
              "1");
}

// Two stores on one file stand for two processes (a server and `events-api user add --update`):
// lookups read the file on every call, so a revocation made by the other one is seen at once.
// Two stores on one file stand for two processes (a server and `events-api user add --update`):
// each change bumps the revision they share, so a revocation made by the other one is seen at
// once although the server's lookups are cached.
TEST(SqliteSessionStoreTest, RevocationByAnotherConnectionIsSeenByTheVeryNextGet) {
    ea::testing::TempDir dir;
    auto server = SqliteSessionStore::Open(dir / "events.db");
    auto cli = SqliteSessionStore::Open(dir / "events.db");
    ASSERT_TRUE(server.has_value()) << server.error().message;
    ASSERT_TRUE(cli.has_value()) << cli.error().message;
    const TimePoint now =
        std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
    const Session first = MakeSession("u1", now, hours(1));
    const Session second = MakeSession("u1", now, hours(1));
    const Session third = MakeSession("u2", now, hours(1));
    for (const Session* session : {&first, &second, &third}) {
        ASSERT_TRUE((*server)->Put(*session));
        ASSERT_TRUE((*server)->Get(session->token_hash, now).has_value());  // warm every reader
    }
    ASSERT_TRUE((*cli)->Delete(first.token_hash));
    EXPECT_FALSE((*server)->Get(first.token_hash, now).has_value());
    ASSERT_TRUE((*server)->Get(second.token_hash, now).has_value());
    ASSERT_TRUE((*cli)->DeleteUser("u1"));
    EXPECT_FALSE((*server)->Get(second.token_hash, now).has_value());
    ASSERT_TRUE((*server)->Get(third.token_hash, now).has_value());
    // A raw SQL delete (a direct edit of the file) bumps no revision: it is seen once the cached
    // entry is kVerifiedCacheMaxAge old.
    ASSERT_NO_FATAL_FAILURE(Exec(dir / "events.db", "DELETE FROM _sessions"));
    EXPECT_FALSE((*server)->Get(third.token_hash, now + detail::kVerifiedCacheMaxAge).has_value());
}

TEST(SqliteSessionStoreTest, RepeatedLookupsAreAnsweredFromTheCache) {
    ea::testing::TempDir dir;
    auto store = SqliteSessionStore::Open(dir / "events.db");
    ASSERT_TRUE(store.has_value()) << store.error().message;
    const Session session = MakeSession("u1", kT0, hours(1));
    ASSERT_TRUE((*store)->Put(session));
    for (int i = 0; i < 3; ++i) {
        auto got = (*store)->Get(session.token_hash, kT0 + milliseconds(i));
        ASSERT_TRUE(got.has_value()) << got.error().message;
        EXPECT_EQ(*got, session);
    }
    EXPECT_EQ((*store)->CacheHitsForTest(), 2u);  // the first Get read the file
    // The cache serves an entry for at most kMaxAge, then the file is read again.
    ASSERT_TRUE((*store)->Get(session.token_hash, kT0 + detail::kVerifiedCacheMaxAge));
    EXPECT_EQ((*store)->CacheHitsForTest(), 2u);
    // A change of this store empties it too.
    ASSERT_TRUE((*store)->Put(MakeSession("u2", kT0, hours(1))));
    ASSERT_TRUE((*store)->Get(session.token_hash, kT0 + detail::kVerifiedCacheMaxAge));
    EXPECT_EQ((*store)->CacheHitsForTest(), 2u);
}

TEST(SqliteSessionStoreTest, ACachedSessionStillExpiresOnTime) {
    ea::testing::TempDir dir;
    auto store = SqliteSessionStore::Open(dir / "events.db");
    ASSERT_TRUE(store.has_value()) << store.error().message;
    Session session = MakeSession("u1", kT0, seconds(1));
    session.expires_at = kT0 + milliseconds(500);
    ASSERT_TRUE((*store)->Put(session));
    ASSERT_TRUE((*store)->Get(session.token_hash, kT0));
    ASSERT_TRUE((*store)->Get(session.token_hash, kT0 + milliseconds(499)));
    EXPECT_EQ((*store)->CacheHitsForTest(), 1u);
    auto late = (*store)->Get(session.token_hash, kT0 + milliseconds(500));
    ASSERT_FALSE(late.has_value());
    EXPECT_EQ(late.error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(*(*store)->RowCountForTest(), 0);  // read again, found expired, deleted
}

// Real processes: a child forked after the server's cache is warm changes the sessions through
// its own store, and the parent's very next Get sees each change.
TEST(SqliteSessionStoreTest, ChangesByAnotherProcessAreSeenByTheVeryNextCachedGet) {
    ea::testing::TempDir dir;
    const auto file = dir / "events.db";
    auto server = SqliteSessionStore::Open(file);
    ASSERT_TRUE(server.has_value()) << server.error().message;
    const TimePoint now =
        std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
    const Session deleted = MakeSession("u1", now, hours(1));
    const Session shortened = MakeSession("u2", now, hours(1));
    const Session kept = MakeSession("u3", now, hours(1));
    for (const Session* session : {&deleted, &shortened, &kept}) {
        ASSERT_TRUE((*server)->Put(*session));
        ASSERT_TRUE((*server)->Get(session->token_hash, now));  // read and cached
        ASSERT_TRUE((*server)->Get(session->token_hash, now));  // from the cache
    }
    const auto hits = (*server)->CacheHitsForTest();
    ASSERT_EQ(hits, 3u);
    // In the child: logout of one session, a refresh that shortens another to 1 ms.
    ASSERT_TRUE(ea::testing::SucceedsInAChildProcess([&] {
        auto cli = SqliteSessionStore::Open(file);
        return cli.has_value() && (*cli)->Delete(deleted.token_hash).has_value() &&
               (*cli)
                   ->Touch(shortened.token_hash, seconds(1), now - seconds(1) + milliseconds(1))
                   .has_value();
    })) << "the child's changes failed";
    EXPECT_FALSE((*server)->Get(deleted.token_hash, now).has_value());
    EXPECT_FALSE((*server)->Get(shortened.token_hash, now + milliseconds(1)).has_value());
    auto still = (*server)->Get(kept.token_hash, now);
    ASSERT_TRUE(still.has_value()) << still.error().message;
    EXPECT_EQ(*still, kept);
    EXPECT_EQ((*server)->CacheHitsForTest(), hits);  // every one of those read the file
}

TEST(SqliteSessionStoreTest, KeepsItsRevisionsBesideTheDatabaseWithItsPermissions) {
    ea::testing::TempDir dir;
    const auto file = dir / "events.db";
    ASSERT_NO_FATAL_FAILURE(Exec(file, "CREATE TABLE t (x)"));
    std::filesystem::permissions(
        file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                  std::filesystem::perms::group_read | std::filesystem::perms::group_write);
    auto store = SqliteSessionStore::Open(file);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    const auto revisions = dir / "events.db.auth-revisions";
    ASSERT_TRUE(std::filesystem::exists(revisions));
    EXPECT_EQ(std::filesystem::status(revisions).permissions(),
              std::filesystem::status(file).permissions());
    EXPECT_EQ(std::filesystem::file_size(revisions), 4096u);
}

TEST(SqliteSessionStoreTest, OpenReportsAnUnusableRevisionFileNamingIt) {
    ea::testing::TempDir dir;
    std::filesystem::create_directory(dir / "events.db.auth-revisions");
    auto store = SqliteSessionStore::Open(dir / "events.db");
    ASSERT_FALSE(store.has_value());
    EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(store.error().message.find((dir / "events.db.auth-revisions").string()),
              std::string::npos)
        << store.error().message;
    EXPECT_NE(store.error().message.find("Is a directory"), std::string::npos)
        << store.error().message;
}

TEST(SqliteSessionStoreTest, ConcurrentLookupsShareABoundedPoolOfReaders) {
    ea::testing::TempDir dir;
    auto store = SqliteSessionStore::Open(dir / "events.db");
    ASSERT_TRUE(store.has_value()) << store.error().message;
    EXPECT_EQ((*store)->IdleReadersForTest(), 1u);  // opened with one reader
    const TimePoint now =
        std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
    const Session session = MakeSession("u1", now, hours(1));
    ASSERT_TRUE((*store)->Put(session));
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 32; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 200; ++i) {
                auto got = (*store)->Get(session.token_hash, now);
                if (!got.has_value() || *got != session) {
                    ++failures;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(failures.load(), 0);
    EXPECT_GE((*store)->IdleReadersForTest(), 1u);
    EXPECT_LE((*store)->IdleReadersForTest(), 16u);  // kMaxIdleReaders
}

TEST(SqliteSessionStoreTest, OpenReportsAnUnusableFileNamingIt) {
    ea::testing::TempDir dir;
    const auto file = dir / "no-such-directory" / "events.db";
    auto store = SqliteSessionStore::Open(file);
    ASSERT_FALSE(store.has_value());
    EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(store.error().message.find(file.string()), std::string::npos)
        << store.error().message;
}

TEST(SqliteSessionStoreTest, OpenRejectsAFileThatIsNotADatabase) {
    ea::testing::TempDir dir;
    const auto file = dir / "events.db";
    {
        std::FILE* out = std::fopen(file.c_str(), "w");
        ASSERT_NE(out, nullptr);
        std::fputs("this is not an SQLite database, just some text long enough\n", out);
        std::fclose(out);
    }
    auto store = SqliteSessionStore::Open(file);
    ASSERT_FALSE(store.has_value());
    EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(store.error().message.find("events.db"), std::string::npos) << store.error().message;
}

TEST(SqliteSessionStoreTest, PingReportsADroppedTable) {
    ea::testing::TempDir dir;
    auto store = SqliteSessionStore::Open(dir / "events.db");
    ASSERT_TRUE(store.has_value()) << store.error().message;
    ASSERT_TRUE((*store)->Ping());
    ASSERT_NO_FATAL_FAILURE(Exec(dir / "events.db", "DROP TABLE _sessions"));
    auto ping = (*store)->Ping();
    ASSERT_FALSE(ping.has_value());
    EXPECT_EQ(ping.error().code, ErrorCode::kUnavailable);
}

TEST(OpenSessionStoreTest, EmptyUrlUsesTheDefaultFile) {
    ea::testing::TempDir dir;
    auto store = OpenSessionStore("", dir / "main.db");
    ASSERT_TRUE(store.has_value()) << store.error().message;
    ASSERT_TRUE((*store)->Put(MakeSession("a", kT0, hours(1))));
    EXPECT_EQ(QueryOne(dir / "main.db", "SELECT count(*) FROM _sessions"), "1");
}

TEST(OpenSessionStoreTest, SqliteUrlNamesTheFile) {
    ea::testing::TempDir dir;
    const auto file = dir / "sessions.db";
    auto store = OpenSessionStore("sqlite://" + file.string(), dir / "main.db");
    ASSERT_TRUE(store.has_value()) << store.error().message;
    ASSERT_TRUE((*store)->Put(MakeSession("a", kT0, hours(1))));
    EXPECT_EQ(QueryOne(file, "SELECT count(*) FROM _sessions"), "1");
    EXPECT_FALSE(std::filesystem::exists(dir / "main.db"));
}

TEST(OpenSessionStoreTest, RejectsUnknownSchemesAndEmptyPathsWithoutEchoingSecrets) {
    ea::testing::TempDir dir;
    const char* const urls[] = {
        "sqlite://",
        "memcached://user:s3cret-pw@host:11211",
        "rediss://:s3cret-pw@host:6380",
        "s3cret-pw",
        "http://:s3cret-pw@localhost/",
        "redis://:s3cret-pw@",
        "redis://:s3cret-pw@host:notaport",
    };
    for (const char* url : urls) {
        auto store = OpenSessionStore(url, dir / "main.db");
        ASSERT_FALSE(store.has_value()) << url;
        EXPECT_EQ(store.error().code, ErrorCode::kInvalidArgument) << url;
        EXPECT_EQ(store.error().message.find("s3cret"), std::string::npos) << store.error().message;
        // The access tokens follow the same URL, read by the same code: the same refusal.
        auto tokens = OpenAccessTokenStore(url, dir / "main.db");
        ASSERT_FALSE(tokens.has_value()) << url;
        EXPECT_EQ(tokens.error().code, ErrorCode::kInvalidArgument) << url;
        EXPECT_EQ(tokens.error().message, store.error().message) << url;
    }
}

}  // namespace
}  // namespace ea::auth
