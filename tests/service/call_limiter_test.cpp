// The per-role call limit, enforced once in DocumentService: real SQLite store, in-process
// buckets. Every data call counts (a denied one too), a batch counts once, roles without a
// limit and the CLI channel are never limited, and the error says when to retry.
#include "service/call_limiter.hpp"

#include <chrono>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "ratelimit/token_bucket.hpp"
#include "service_fixture.hpp"

namespace ea::service::testing {
namespace {

using std::chrono::seconds;

// A limiter that is always down, as a shared limiter is while its Redis is unreachable.
class DownLimiter final : public ratelimit::RateLimiter {
public:
    ratelimit::Decision Hit(std::string_view, std::chrono::system_clock::time_point) override {
        return ratelimit::Decision{false, std::chrono::milliseconds(1000), true};
    }
    void Reset(std::string_view) override {}
};

std::unique_ptr<CallLimiter> Limiter(int calls, int period_seconds) {
    std::map<std::string, ratelimit::RateLimiterPtr, std::less<>> by_role;
    by_role.emplace("ai_agent", ratelimit::TokenBucket::Create(
                                    {static_cast<double>(calls),
                                     static_cast<double>(calls) / period_seconds, 1000})
                                    .value());
    return std::make_unique<CallLimiter>(
        std::vector<RoleRateLimit>{{"ai_agent", calls, seconds(period_seconds)}},
        std::move(by_role));
}

class CallLimiterTest : public ServiceTest {
protected:
    CallLimiterTest() {
        account_ = MakeAccount("acc_rl");
        now_ = std::chrono::system_clock::now();
    }
    RequestContext Ctx(std::string role, std::string user_id = "usr_agent",
                       Channel channel = Channel::kRest) const {
        RequestContext ctx{Principal{user_id, "agent", std::move(role), account_, true}, "r",
                           channel};
        ctx.now = now_;
        return ctx;
    }
    std::string account_;
    TimePoint now_;
};

TEST_F(CallLimiterTest, TheRolesBudgetThenRateLimitedWithTheWaitOnEveryKindOfCall) {
    auto limiter = Limiter(3, 60);  // one call back every 20 s
    documents_->SetCallLimiter(*limiter);
    const auto ctx = Ctx("ai_agent");
    query::Query query;
    ASSERT_TRUE(documents_->List(ctx, Entity("Account"), query));
    ASSERT_TRUE(documents_->Get(ctx, Entity("Account"), account_));
    // A denied call counts too: the budget is for calls, not successes.
    auto missing = documents_->Get(ctx, Entity("Account"), "acc_nothere");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

    auto limited = documents_->List(ctx, Entity("Account"), query);
    ASSERT_FALSE(limited);
    EXPECT_EQ(limited.error().code, ErrorCode::kRateLimited);
    EXPECT_EQ(limited.error().retry_after_seconds, 20);
    EXPECT_EQ(limited.error().message,
              "rate limit exceeded for role ai_agent (3 calls per 60 s); retry in 20 s");
    // Writes and batches are refused before anything is checked or written.
    EXPECT_EQ(documents_->Create(ctx, Entity("Account"), boost::json::object{{"id", "acc_new"}})
                  .error()
                  .code,
              ErrorCode::kRateLimited);
    EXPECT_EQ(
        documents_->Patch(ctx, Entity("Account"), account_, boost::json::object{}).error().code,
        ErrorCode::kRateLimited);
    EXPECT_EQ(documents_->Delete(ctx, Entity("Account"), account_).error().code,
              ErrorCode::kRateLimited);
    EXPECT_EQ(documents_->CreateMany(ctx, Entity("Account"), {boost::json::object{}}).error().code,
              ErrorCode::kRateLimited);
    EXPECT_EQ(documents_->PatchMany(ctx, Entity("Account"), {boost::json::object{}}).error().code,
              ErrorCode::kRateLimited);
    EXPECT_FALSE(store_->Get(Entity("Account"), "acc_new"));

    // Twenty seconds later one call is back.
    auto later = Ctx("ai_agent");
    later.now = now_ + seconds(20);
    EXPECT_TRUE(documents_->List(later, Entity("Account"), query));
    EXPECT_EQ(documents_->List(later, Entity("Account"), query).error().code,
              ErrorCode::kRateLimited);
}

TEST_F(CallLimiterTest, EachPrincipalHasItsOwnBucketAndOtherRolesAndTheCliAreUnlimited) {
    auto limiter = Limiter(1, 60);
    documents_->SetCallLimiter(*limiter);
    query::Query query;
    ASSERT_TRUE(documents_->List(Ctx("ai_agent", "usr_a"), Entity("Account"), query));
    EXPECT_FALSE(documents_->List(Ctx("ai_agent", "usr_a"), Entity("Account"), query));
    EXPECT_TRUE(documents_->List(Ctx("ai_agent", "usr_b"), Entity("Account"), query));
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(documents_->List(Ctx("admin", "usr_admin"), Entity("Account"), query)) << i;
        ASSERT_TRUE(
            documents_->List(Ctx("ai_agent", "usr_a", Channel::kCli), Entity("Account"), query))
            << i;
    }
}

TEST_F(CallLimiterTest, ADownSharedLimiterFailsClosedAsUnavailable) {
    std::map<std::string, ratelimit::RateLimiterPtr, std::less<>> by_role;
    by_role.emplace("ai_agent", std::make_unique<DownLimiter>());
    CallLimiter limiter({{"ai_agent", 100, seconds(60)}}, std::move(by_role));
    documents_->SetCallLimiter(limiter);
    query::Query query;
    auto refused = documents_->List(Ctx("ai_agent"), Entity("Account"), query);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(refused.error().message, "rate limiter unavailable; try again shortly");
    EXPECT_TRUE(documents_->List(Ctx("admin"), Entity("Account"), query));
}

}  // namespace
}  // namespace ea::service::testing
