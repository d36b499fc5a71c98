// RedisTokenBucket against a real redis-server on loopback: the TokenBucket's behaviour with the
// buckets in Redis, one budget shared by several limiters (instances), exactly N hits allowed
// when many threads race the limit, and fail-closed while Redis is down.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "testing/redis_server.hpp"
#include "ratelimit/redis_token_bucket.hpp"

namespace ea::ratelimit {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using TimePoint = std::chrono::system_clock::time_point;
using ea::testing::RedisServer;

class RedisTokenBucketTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto server = RedisServer::Start();
        ASSERT_TRUE(server.has_value()) << server.error().message;
        server_ = std::move(*server);
        now_ = TimePoint(std::chrono::duration_cast<milliseconds>(
            std::chrono::system_clock::now().time_since_epoch()));
    }

    // A limiter with its own client, as another instance would have.
    std::unique_ptr<RedisTokenBucket> Instance(double capacity, double refill_per_second) {
        auto endpoint = auth::ParseRedisUrl(server_->Url());
        EXPECT_TRUE(endpoint.has_value());
        auth::RedisClientOptions options;
        options.connect_timeout = milliseconds(500);
        options.command_timeout = milliseconds(500);
        auto client = auth::RedisClient::Open(*endpoint, "rate limiter", options);
        EXPECT_TRUE(client.has_value()) << client.error().message;
        auto bucket =
            RedisTokenBucket::Create(std::shared_ptr<auth::RedisClient>(std::move(*client)),
                                     {capacity, refill_per_second, 1}, "t:");
        EXPECT_TRUE(bucket.has_value()) << bucket.error().message;
        return std::move(*bucket);
    }

    std::unique_ptr<RedisServer> server_;
    TimePoint now_;
};

TEST_F(RedisTokenBucketTest, AllowsABurstOfCapacityThenDeniesWithTheWaitForOneToken) {
    auto limiter = Instance(3, 0.5);  // one token per 2 s
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(limiter->Hit("k", now_).allowed) << i;
    }
    const auto denied = limiter->Hit("k", now_);
    EXPECT_FALSE(denied.allowed);
    EXPECT_FALSE(denied.unavailable);
    EXPECT_EQ(denied.retry_after, milliseconds(2000));
    // Half-way the wait is halved; at the full wait one hit is allowed again, and only one.
    EXPECT_EQ(limiter->Hit("k", now_ + seconds(1)).retry_after, milliseconds(1000));
    EXPECT_TRUE(limiter->Hit("k", now_ + seconds(2)).allowed);
    EXPECT_FALSE(limiter->Hit("k", now_ + seconds(2)).allowed);
    // Other keys have their own bucket.
    EXPECT_TRUE(limiter->Hit("other", now_).allowed);
}

TEST_F(RedisTokenBucketTest, ClockGoingBackwardsGrantsNothingAndResetRefills) {
    auto limiter = Instance(1, 1);
    EXPECT_TRUE(limiter->Hit("k", now_).allowed);
    EXPECT_FALSE(limiter->Hit("k", now_ - seconds(30)).allowed);
    EXPECT_FALSE(limiter->Hit("k", now_).allowed);
    limiter->Reset("k");
    EXPECT_TRUE(limiter->Hit("k", now_).allowed);
}

TEST_F(RedisTokenBucketTest, KeysExpireOnceTheirBucketWouldBeFullAgain) {
    auto limiter = Instance(10, 1);
    ASSERT_TRUE(limiter->Hit("k", now_).allowed);
    const auto ttl = std::stoll(server_->Command({"PTTL", "t:k"}));
    EXPECT_GT(ttl, 0);
    EXPECT_LE(ttl, 2000);  // one token to regain at 1/s, plus a second of slack
}

TEST_F(RedisTokenBucketTest, InstancesOnOneRedisShareOneBudget) {
    auto a = Instance(4, 0.01);
    auto b = Instance(4, 0.01);
    EXPECT_TRUE(a->Hit("user", now_).allowed);
    EXPECT_TRUE(b->Hit("user", now_).allowed);
    EXPECT_TRUE(a->Hit("user", now_).allowed);
    EXPECT_TRUE(b->Hit("user", now_).allowed);
    EXPECT_FALSE(a->Hit("user", now_).allowed);
    EXPECT_FALSE(b->Hit("user", now_).allowed);
}

TEST_F(RedisTokenBucketTest, ConcurrentHitsFromManyThreadsAndTwoInstancesAllowExactlyCapacity) {
    constexpr int kCapacity = 50;
    constexpr int kThreads = 8;
    constexpr int kHitsPerThread = 40;  // 320 hits race for 50 tokens
    auto a = Instance(kCapacity, 0.001);
    auto b = Instance(kCapacity, 0.001);
    std::atomic<int> allowed{0};
    std::atomic<int> denied{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            while (!go.load()) {
                std::this_thread::yield();
            }
            RateLimiter& limiter = t % 2 == 0 ? static_cast<RateLimiter&>(*a) : *b;
            for (int i = 0; i < kHitsPerThread; ++i) {
                const auto decision = limiter.Hit("race", now_);
                ASSERT_FALSE(decision.unavailable);
                (decision.allowed ? allowed : denied)++;
            }
        });
    }
    go = true;
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(allowed.load(), kCapacity);
    EXPECT_EQ(denied.load(), kThreads * kHitsPerThread - kCapacity);
}

TEST_F(RedisTokenBucketTest, FailsClosedWhileRedisIsDownAndRecovers) {
    auto limiter = Instance(5, 1);
    ASSERT_TRUE(limiter->Hit("k", now_).allowed);
    server_->Stop();
    const auto down = limiter->Hit("k", now_);
    EXPECT_FALSE(down.allowed);
    EXPECT_TRUE(down.unavailable);
    EXPECT_GT(down.retry_after.count(), 0);
    ASSERT_TRUE(server_->Restart());
    const auto back = limiter->Hit("k", now_);
    EXPECT_TRUE(back.allowed);
    EXPECT_FALSE(back.unavailable);
}

TEST(RedisTokenBucketOptionsTest, RejectsBadOptionsNamingThem) {
    EXPECT_EQ(RedisTokenBucket::Create(nullptr, {0, 1, 1}, "p:").error().message,
              "rate limit capacity must be a finite number >= 1");
    EXPECT_EQ(RedisTokenBucket::Create(nullptr, {5, 0, 1}, "p:").error().message,
              "rate limit refill_per_second must be a finite number > 0");
    EXPECT_EQ(RedisTokenBucket::Create(nullptr, {5, 1, 1}, "p:").error().message,
              "rate limit: no Redis client");
}

}  // namespace
}  // namespace ea::ratelimit
