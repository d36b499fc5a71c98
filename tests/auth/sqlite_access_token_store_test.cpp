#include "auth/sqlite_access_token_store.hpp"

#include <gtest/gtest.h>

#include "auth/access_token_store_conformance.hpp"
#include "auth/store_harness.hpp"
#include "auth/token.hpp"
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

TEST(SqliteAccessTokenStoreTest, UnopenableFileIsUnavailableNamingIt) {
    auto store = SqliteAccessTokenStore::Open("/nonexistent-dir/tokens.db");
    ASSERT_FALSE(store.has_value());
    EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(store.error().message.find("/nonexistent-dir/tokens.db"), std::string::npos);
}

}  // namespace
}  // namespace ea::auth
