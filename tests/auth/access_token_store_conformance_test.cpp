#include "auth/access_token_store_conformance.hpp"

#include <chrono>
#include <string>
#include <thread>

#include "auth/token.hpp"

namespace ea::auth::testing {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

AccessToken MakeToken(std::string id, std::string user_id, std::string username,
                      std::chrono::system_clock::time_point created, seconds ttl = hours(24)) {
    AccessToken token;
    token.id = std::move(id);
    token.name = "label " + token.id;
    token.token_hash = HashToken(NewAccessToken());
    token.user_id = std::move(user_id);
    token.username = std::move(username);
    token.role = "ai_agent";
    token.account_id = "acc_system";
    token.created_at = created;
    token.expires_at = created + ttl;
    return token;
}

TEST_P(AccessTokenStoreConformanceTest, PutThenFindReturnsEveryFieldByHash) {
    const auto token = MakeToken("tok_a", "usr_1", "claude_mcp", base_);
    ASSERT_TRUE(store().Put(token));
    auto found = store().Find(token.token_hash, base_ + seconds(1));
    ASSERT_TRUE(found.has_value()) << found.error().message;
    EXPECT_EQ(*found, token);  // last_used_at unset before this first use
}

TEST_P(AccessTokenStoreConformanceTest, UnknownHashIsUnauthenticated) {
    auto found = store().Find(HashToken("eat_nothing"), base_);
    ASSERT_FALSE(found.has_value());
    EXPECT_EQ(found.error().code, ErrorCode::kUnauthenticated);
}

TEST_P(AccessTokenStoreConformanceTest, ExpiredTokenIsRefusedAndGone) {
    const auto token = MakeToken("tok_e", "usr_1", "svc", base_, seconds(10));
    ASSERT_TRUE(store().Put(token));
    ASSERT_TRUE(store().Find(token.token_hash, base_ + seconds(9)).has_value());
    auto late = store().Find(token.token_hash, base_ + seconds(10));
    ASSERT_FALSE(late.has_value());
    EXPECT_EQ(late.error().code, ErrorCode::kUnauthenticated);
    auto listed = store().List(std::nullopt, base_);
    ASSERT_TRUE(listed.has_value());
    EXPECT_TRUE(listed->empty());
}

TEST_P(AccessTokenStoreConformanceTest, FindRecordsLastUseAtMostOncePerResolution) {
    const auto token = MakeToken("tok_u", "usr_1", "svc", base_);
    ASSERT_TRUE(store().Put(token));
    const auto first = base_ + seconds(5);
    ASSERT_TRUE(store().Find(token.token_hash, first).has_value());
    auto second = store().Find(token.token_hash, first + seconds(30));
    ASSERT_TRUE(second.has_value());
    ASSERT_TRUE(second->last_used_at.has_value());
    EXPECT_EQ(*second->last_used_at, first);  // 30 s later: not rewritten
    const auto third_time = first + kLastUsedResolution;
    ASSERT_TRUE(store().Find(token.token_hash, third_time).has_value());
    auto listed = store().List(std::nullopt, third_time);
    ASSERT_TRUE(listed.has_value());
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ(listed->front().last_used_at, third_time);
}

TEST_P(AccessTokenStoreConformanceTest, ListIsOldestFirstFilteredByUserAndNeverHasTheHash) {
    ASSERT_TRUE(store().Put(MakeToken("tok_2", "usr_b", "bob", base_ + seconds(2))));
    ASSERT_TRUE(store().Put(MakeToken("tok_1", "usr_a", "alice", base_ + seconds(1))));
    ASSERT_TRUE(store().Put(MakeToken("tok_3", "usr_a", "alice", base_ + seconds(3))));
    auto all = store().List(std::nullopt, base_ + seconds(4));
    ASSERT_TRUE(all.has_value());
    ASSERT_EQ(all->size(), 3u);
    EXPECT_EQ((*all)[0].id, "tok_1");
    EXPECT_EQ((*all)[1].id, "tok_2");
    EXPECT_EQ((*all)[2].id, "tok_3");
    for (const auto& token : *all) {
        EXPECT_TRUE(token.token_hash.empty()) << token.id;
        EXPECT_EQ(token.name, "label " + token.id);
    }
    auto alice = store().List(std::string_view("alice"), base_ + seconds(4));
    ASSERT_TRUE(alice.has_value());
    ASSERT_EQ(alice->size(), 2u);
    EXPECT_EQ((*alice)[0].id, "tok_1");
    EXPECT_EQ((*alice)[1].id, "tok_3");
    auto nobody = store().List(std::string_view("carol"), base_);
    ASSERT_TRUE(nobody.has_value());
    EXPECT_TRUE(nobody->empty());
}

TEST_P(AccessTokenStoreConformanceTest, RevokeEndsTheTokenForTheNextFindAndNamesUnknownIds) {
    const auto token = MakeToken("tok_r", "usr_1", "svc", base_);
    const auto other = MakeToken("tok_s", "usr_1", "svc", base_);
    ASSERT_TRUE(store().Put(token));
    ASSERT_TRUE(store().Put(other));
    ASSERT_TRUE(store().Revoke("tok_r"));
    auto gone = store().Find(token.token_hash, base_);
    ASSERT_FALSE(gone.has_value());
    EXPECT_EQ(gone.error().code, ErrorCode::kUnauthenticated);
    EXPECT_TRUE(store().Find(other.token_hash, base_).has_value());
    auto again = store().Revoke("tok_r");
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(again.error().message, "no access token with id 'tok_r'");
}

TEST_P(AccessTokenStoreConformanceTest, RevokeUserEndsOnlyThatUsersTokens) {
    const auto a1 = MakeToken("tok_a1", "usr_a", "alice", base_);
    const auto a2 = MakeToken("tok_a2", "usr_a", "alice", base_);
    const auto b1 = MakeToken("tok_b1", "usr_b", "bob", base_);
    for (const auto* token : {&a1, &a2, &b1}) {
        ASSERT_TRUE(store().Put(*token));
    }
    ASSERT_TRUE(store().RevokeUser("usr_a"));
    EXPECT_FALSE(store().Find(a1.token_hash, base_).has_value());
    EXPECT_FALSE(store().Find(a2.token_hash, base_).has_value());
    EXPECT_TRUE(store().Find(b1.token_hash, base_).has_value());
    EXPECT_TRUE(store().RevokeUser("usr_nobody"));
    auto listed = store().List(std::nullopt, base_);
    ASSERT_TRUE(listed.has_value());
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ(listed->front().id, "tok_b1");
}

TEST_P(AccessTokenStoreConformanceTest, RevokeAllEndsEveryToken) {
    const auto a = MakeToken("tok_x", "usr_a", "alice", base_);
    const auto b = MakeToken("tok_y", "usr_b", "bob", base_);
    ASSERT_TRUE(store().Put(a));
    ASSERT_TRUE(store().Put(b));
    ASSERT_TRUE(store().RevokeAll());
    EXPECT_FALSE(store().Find(a.token_hash, base_).has_value());
    EXPECT_FALSE(store().Find(b.token_hash, base_).has_value());
    auto listed = store().List(std::nullopt, base_);
    ASSERT_TRUE(listed.has_value());
    EXPECT_TRUE(listed->empty());
}

TEST_P(AccessTokenStoreConformanceTest, PutRefusesDuplicatesAndMalformedTokens) {
    const auto token = MakeToken("tok_d", "usr_1", "svc", base_);
    ASSERT_TRUE(store().Put(token));
    auto same_id = MakeToken("tok_d", "usr_2", "other", base_);
    auto duplicate = store().Put(same_id);
    ASSERT_FALSE(duplicate.has_value());
    EXPECT_EQ(duplicate.error().code, ErrorCode::kConflict);
    // The first token is untouched.
    auto found = store().Find(token.token_hash, base_);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->user_id, "usr_1");

    auto no_user = MakeToken("tok_n", "", "svc", base_);
    EXPECT_EQ(store().Put(no_user).error().code, ErrorCode::kInvalidArgument);
    auto backwards = MakeToken("tok_b", "usr_1", "svc", base_);
    backwards.expires_at = backwards.created_at;
    EXPECT_EQ(store().Put(backwards).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ea::auth::testing
