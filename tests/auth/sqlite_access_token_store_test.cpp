#include "auth/sqlite_access_token_store.hpp"

#include <chrono>

#include <gtest/gtest.h>

#include "auth/access_token_store_conformance.hpp"
#include "auth/store_harness.hpp"
#include "auth/token.hpp"
#include "testing/child_process.hpp"
#include "testing/temp_dir.hpp"

namespace ea::auth {
namespace {

using testing::AccessTokenStoreConformanceTest;

INSTANTIATE_TEST_SUITE_P(Sqlite, AccessTokenStoreConformanceTest,
                         ::testing::Values(testing::AccessTokenStoreBackend{
                             "Sqlite",
                             [] {
                                 return testing::MakeSqliteHarness<testing::AccessTokenStoreHarness,
                                                                   SqliteAccessTokenStore>(
                                     "tokens.db");
                             }}),
                         testing::TokenBackendName);

// A second process (`events-api token revoke` beside a running server) revokes through its own
// connection to the same file; the server's next Find sees it.
TEST(SqliteAccessTokenStoreTest, RevocationByAnotherConnectionHoldsForTheNextFind) {
    ea::testing::TempDir dir;
    auto server = SqliteAccessTokenStore::Open(dir.path() / "shared.db");
    auto shell = SqliteAccessTokenStore::Open(dir.path() / "shared.db");
    ASSERT_TRUE(server.has_value() && shell.has_value());
    const auto now = std::chrono::system_clock::now();
    AccessToken token{"tok_shared", "",  HashToken(NewAccessToken()), "usr_1",     "svc", "read",
                      "",           now, now + std::chrono::hours(1), std::nullopt};
    ASSERT_TRUE((*shell)->Put(token));
    ASSERT_TRUE((*server)->Find(token.token_hash, now).has_value());
    ASSERT_TRUE((*shell)->Revoke("tok_shared"));
    auto after = (*server)->Find(token.token_hash, now);
    ASSERT_FALSE(after.has_value());
    EXPECT_EQ(after.error().code, ErrorCode::kUnauthenticated);
}

TEST(SqliteAccessTokenStoreTest, RepeatedFindsAreAnsweredFromTheCacheUntilAChange) {
    ea::testing::TempDir dir;
    auto store = SqliteAccessTokenStore::Open(dir.path() / "tokens.db");
    ASSERT_TRUE(store.has_value()) << store.error().message;
    const auto now =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    AccessToken token{"tok_cached", "",  HashToken(NewAccessToken()), "usr_1",     "svc", "read",
                      "",           now, now + std::chrono::hours(1), std::nullopt};
    ASSERT_TRUE((*store)->Put(token));
    auto first = (*store)->Find(token.token_hash, now);  // read; records the first use
    ASSERT_TRUE(first.has_value()) << first.error().message;
    EXPECT_EQ(*first, token);
    auto second = (*store)->Find(token.token_hash, now + std::chrono::milliseconds(10));
    ASSERT_TRUE(second.has_value()) << second.error().message;
    EXPECT_EQ((*store)->CacheHitsForTest(), 1u);
    // The cache holds what the file holds now: the use the first Find recorded.
    ASSERT_TRUE(second->last_used_at.has_value());
    EXPECT_EQ(*second->last_used_at, now);
    EXPECT_EQ(second->user_id, "usr_1");
    // A change (here another token's creation) empties the cache.
    AccessToken other = token;
    other.id = "tok_other";
    other.token_hash = HashToken(NewAccessToken());
    ASSERT_TRUE((*store)->Put(other));
    ASSERT_TRUE((*store)->Find(token.token_hash, now + std::chrono::milliseconds(20)));
    EXPECT_EQ((*store)->CacheHitsForTest(), 1u);
}

// Real processes: a child forked after the server's cache is warm revokes the token through its
// own store (as `events-api token revoke` does); the parent's very next Find refuses it.
TEST(SqliteAccessTokenStoreTest, RevocationByAnotherProcessIsSeenByTheVeryNextCachedFind) {
    ea::testing::TempDir dir;
    const auto file = dir.path() / "shared.db";
    auto server = SqliteAccessTokenStore::Open(file);
    ASSERT_TRUE(server.has_value()) << server.error().message;
    const auto now = std::chrono::system_clock::now();
    AccessToken token{"tok_forked", "",  HashToken(NewAccessToken()), "usr_1",     "svc", "read",
                      "",           now, now + std::chrono::hours(1), std::nullopt};
    ASSERT_TRUE((*server)->Put(token));
    ASSERT_TRUE((*server)->Find(token.token_hash, now));
    ASSERT_TRUE((*server)->Find(token.token_hash, now));
    ASSERT_EQ((*server)->CacheHitsForTest(), 1u);
    ASSERT_TRUE(ea::testing::SucceedsInAChildProcess([&] {
        auto shell = SqliteAccessTokenStore::Open(file);
        return shell.has_value() && (*shell)->Revoke("tok_forked").has_value();
    })) << "the child's revoke failed";
    auto after = (*server)->Find(token.token_hash, now);
    ASSERT_FALSE(after.has_value());
    EXPECT_EQ(after.error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ((*server)->CacheHitsForTest(), 1u);
}

TEST(SqliteAccessTokenStoreTest, UnopenableFileIsUnavailableNamingIt) {
    auto store = SqliteAccessTokenStore::Open("/nonexistent-dir/tokens.db");
    ASSERT_FALSE(store.has_value());
    EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(store.error().message.find("/nonexistent-dir/tokens.db"), std::string::npos);
}

}  // namespace
}  // namespace ea::auth
