// Access tokens through the service layer with real parts: users in a SQLite file, the SQLite
// session and token stores in the same file (as the app wires them). AuthService::Authenticate
// is the one bearer path of both faces: a session token, then an access token, by shape.
#include "service/access_token_service.hpp"

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "auth/token.hpp"
#include "ratelimit/token_bucket.hpp"
#include "service/auth_service.hpp"
#include "service/token_revoker.hpp"
#include "service_fixture.hpp"

namespace ea::service::testing {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

class AccessTokenServiceTest : public ServiceTest {
protected:
    AccessTokenServiceTest() {
        sessions_ = auth::OpenSessionStore("", dir_ / "t.db").value();
        tokens_ = auth::OpenAccessTokenStore("", dir_ / "t.db").value();
        user_limiter_ = ratelimit::TokenBucket::Create({5, 0.1, 100}).value();
        address_limiter_ = ratelimit::TokenBucket::Create({5, 0.1, 100}).value();
        auth_ = std::make_unique<AuthService>(*store_, *sessions_, *user_limiter_,
                                              *address_limiter_, AuthOptions{}, tokens_.get());
        service_ = std::make_unique<AccessTokenService>(*store_, *tokens_);
        revoker_ = std::make_unique<TokenRevoker>(*tokens_);
        documents_->AddObserver(*revoker_);
        account_ = MakeAccount("acc_svc");
        user_ = MakeUser("claude_mcp", "svc-password", account_, "ai_agent");
        now_ = std::chrono::system_clock::now();
    }

    auth::SessionStorePtr sessions_;
    auth::AccessTokenStorePtr tokens_;
    std::unique_ptr<ratelimit::TokenBucket> user_limiter_;
    std::unique_ptr<ratelimit::TokenBucket> address_limiter_;
    std::unique_ptr<AuthService> auth_;
    std::unique_ptr<AccessTokenService> service_;
    std::unique_ptr<TokenRevoker> revoker_;
    std::string account_;
    Record user_;
    TimePoint now_;
};

TEST_F(AccessTokenServiceTest, CreatedTokenAuthenticatesAsItsUserAndIsStoredOnlyHashed) {
    auto issued = service_->Create(Entity("User"), "claude_mcp", "laptop", hours(24), now_);
    ASSERT_TRUE(issued) << issued.error().message;
    EXPECT_EQ(auth::ClassifyBearer(issued->token), auth::BearerKind::kAccessToken);
    EXPECT_EQ(issued->record.token_hash, auth::HashToken(issued->token));
    EXPECT_TRUE(issued->record.id.starts_with("tok_"));
    EXPECT_EQ(issued->record.id.size(), 20u);
    EXPECT_EQ(issued->record.expires_at, now_ + hours(24));

    auto principal = auth_->Authenticate(issued->token, now_ + seconds(1));
    ASSERT_TRUE(principal) << principal.error().message;
    EXPECT_EQ(principal->user_id, user_.at("id").as_string());
    EXPECT_EQ(principal->username, "claude_mcp");
    EXPECT_EQ(principal->role, "ai_agent");
    EXPECT_EQ(principal->account_id, account_);

    auto listed = service_->List(std::nullopt, now_);
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ(listed->front().name, "laptop");
    EXPECT_TRUE(listed->front().token_hash.empty());
}

TEST_F(AccessTokenServiceTest, SessionsStillAuthenticateThroughTheSamePath) {
    auto login = auth_->Login(Entity("User"), "claude_mcp", "svc-password", "192.0.2.9", now_);
    ASSERT_TRUE(login) << login.error().message;
    auto principal = auth_->Authenticate(login->token, now_);
    ASSERT_TRUE(principal);
    EXPECT_EQ(principal->username, "claude_mcp");
}

TEST_F(AccessTokenServiceTest, RevokedAndExpiredTokensAreRefusedWithTheirMessage) {
    auto issued = service_->Create(Entity("User"), "claude_mcp", "", seconds(60), now_);
    ASSERT_TRUE(issued);
    auto expired = auth_->Authenticate(issued->token, now_ + seconds(60));
    ASSERT_FALSE(expired);
    EXPECT_EQ(expired.error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(expired.error().message,
              "access token expired, revoked or unknown: ask the operator for a new one "
              "(events-api token create)");

    auto second = service_->Create(Entity("User"), "claude_mcp", "", hours(1), now_);
    ASSERT_TRUE(second);
    ASSERT_TRUE(auth_->Authenticate(second->token, now_));
    ASSERT_TRUE(service_->Revoke(second->record.id));
    EXPECT_EQ(auth_->Authenticate(second->token, now_).error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AccessTokenServiceTest, MalformedBearerIsRefusedBeforeAnyLookupWithoutEchoingIt) {
    const std::vector<std::string> malformed = {"xyzzy-not-a-token", "eat_zz",
                                                "eat_" + std::string(43, '!'), std::string(44, 'a'),
                                                "Bearer " + std::string(43, 'a')};
    for (const auto& bad : malformed) {
        auto refused = auth_->Authenticate(bad, now_);
        ASSERT_FALSE(refused) << bad;
        EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);
        EXPECT_TRUE(refused.error().message.starts_with("malformed bearer token")) << bad;
        EXPECT_EQ(refused.error().message.find(bad), std::string::npos);
    }
}

TEST_F(AccessTokenServiceTest, RoleChangeRevokesTheUsersTokensAndAnUnrelatedChangeKeepsThem) {
    auto issued = service_->Create(Entity("User"), "claude_mcp", "", hours(1), now_);
    ASSERT_TRUE(issued);
    RequestContext ctx{Principal::System(), "t", Channel::kCli};
    auto patched = documents_->Patch(ctx, Entity("User"), std::string(user_.at("id").as_string()),
                                     boost::json::object{{"role", "read"}});
    ASSERT_TRUE(patched) << patched.error().message;
    EXPECT_EQ(auth_->Authenticate(issued->token, now_).error().code, ErrorCode::kUnauthenticated);

    // A change that leaves the token's user as it was keeps the token.
    auto kept = service_->Create(Entity("User"), "claude_mcp", "", hours(1), now_);
    ASSERT_TRUE(kept);
    ASSERT_TRUE(documents_->Patch(ctx, Entity("User"), std::string(user_.at("id").as_string()),
                                  boost::json::object{{"firstName", "Renamed"}}));
    EXPECT_TRUE(auth_->Authenticate(kept->token, now_));
}

TEST_F(AccessTokenServiceTest, CreateRefusesUnknownUsersAndBadNames) {
    auto unknown = service_->Create(Entity("User"), "nobody", "", hours(1), now_);
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(unknown.error().message, "no user named 'nobody'");
    auto long_name =
        service_->Create(Entity("User"), "claude_mcp", std::string(101, 'n'), hours(1), now_);
    ASSERT_FALSE(long_name);
    EXPECT_EQ(long_name.error().message, "token name: at most 100 characters");
    auto control = service_->Create(Entity("User"), "claude_mcp", "a\nb", hours(1), now_);
    ASSERT_FALSE(control);
    EXPECT_EQ(control.error().message, "token name: control characters are not allowed");
}

TEST(ParseTokenLifetimeTest, AcceptsEachUnitAndRefusesTheRest) {
    EXPECT_EQ(ParseTokenLifetime("90d").value(), seconds(90 * 86400));
    EXPECT_EQ(ParseTokenLifetime("12h").value(), seconds(12 * 3600));
    EXPECT_EQ(ParseTokenLifetime("30m").value(), seconds(1800));
    EXPECT_EQ(ParseTokenLifetime("45s").value(), seconds(45));
    EXPECT_EQ(ParseTokenLifetime("3660d").value(), seconds(3660LL * 86400));
    for (const char* bad : {"", "d", "0d", "-1d", "90", "90x", "1.5d", "3661d", " 9d", "9dd"}) {
        auto parsed = ParseTokenLifetime(bad);
        ASSERT_FALSE(parsed) << bad;
        EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    }
}

}  // namespace
}  // namespace ea::service::testing
