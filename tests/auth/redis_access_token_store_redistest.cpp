#include <gtest/gtest.h>

#include "auth/access_token_store_conformance.hpp"
#include "auth/redis_access_token_store.hpp"
#include "auth/store_harness.hpp"
#include "auth/token.hpp"
#include "testing/redis_server.hpp"

namespace ea::auth {
namespace {

using testing::AccessTokenStoreConformanceTest;

using ea::testing::RedisServer;
using std::chrono::milliseconds;

RedisClientOptions FastOptions() {
    RedisClientOptions options;
    options.connect_timeout = milliseconds(500);
    options.command_timeout = milliseconds(500);
    return options;
}

INSTANTIATE_TEST_SUITE_P(Redis, AccessTokenStoreConformanceTest,
                         ::testing::Values(testing::AccessTokenStoreBackend{
                             "Redis",
                             [] {
                                 return testing::MakeRedisHarness<testing::AccessTokenStoreHarness,
                                                                  RedisAccessTokenStore>(
                                     FastOptions());
                             }}),
                         testing::TokenBackendName);

// Two instances on one Redis: a token stored by one is accepted and revoked through the other;
// Redis itself drops it at its expiry; while Redis is down lookups fail closed (kUnavailable,
// never a principal) and recover once it is back.
TEST(RedisAccessTokenStoreTest, SharedAcrossInstancesFailsClosedAndRecovers) {
    auto server = RedisServer::Start();
    ASSERT_TRUE(server.has_value()) << server.error().message;
    auto endpoint = ParseRedisUrl((*server)->Url());
    ASSERT_TRUE(endpoint.has_value());
    auto a = RedisAccessTokenStore::Open(*endpoint, FastOptions());
    auto b = RedisAccessTokenStore::Open(*endpoint, FastOptions());
    ASSERT_TRUE(a.has_value() && b.has_value());
    const auto now = std::chrono::system_clock::now();
    AccessToken token{"tok_r1", "n", HashToken(NewAccessToken()), "usr_1",     "svc", "read",
                      "",       now, now + std::chrono::hours(1), std::nullopt};
    ASSERT_TRUE((*a)->Put(token));
    ASSERT_TRUE((*b)->Find(token.token_hash, now).has_value());
    EXPECT_NE((*server)->Command({"PTTL", "ea:token:" + token.token_hash}), "-1");

    (*server)->Stop();
    auto down = (*b)->Find(token.token_hash, now);
    ASSERT_FALSE(down.has_value());
    EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(down.error().message, "access token store unavailable; try again later");
    ASSERT_TRUE((*server)->Restart());
    // No persistence: the restarted server is empty, so the token is simply unknown now.
    auto back = (*b)->Find(token.token_hash, now);
    ASSERT_FALSE(back.has_value());
    EXPECT_EQ(back.error().code, ErrorCode::kUnauthenticated);
    ASSERT_TRUE((*a)->Put(token));
    ASSERT_TRUE((*a)->Revoke("tok_r1"));
    EXPECT_EQ((*b)->Find(token.token_hash, now).error().code, ErrorCode::kUnauthenticated);
}

}  // namespace
}  // namespace ea::auth
