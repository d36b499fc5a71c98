#include "ratelimit/token_bucket.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace ea::ratelimit {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using TimePoint = std::chrono::system_clock::time_point;

const TimePoint kT0 = TimePoint(seconds(1'700'000'000));

std::unique_ptr<TokenBucket> MakeBucket(double capacity, double refill_per_second,
                                        std::size_t max_keys = 1000) {
    auto bucket = TokenBucket::Create({capacity, refill_per_second, max_keys});
    EXPECT_TRUE(bucket.has_value()) << bucket.error().message;
    return std::move(*bucket);
}

TEST(TokenBucketTest, AllowsABurstOfCapacityThenDenies) {
    auto limiter = MakeBucket(3, 0.1);
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(limiter->Hit("user:alice", kT0).allowed) << i;
    }
    Decision denied = limiter->Hit("user:alice", kT0);
    EXPECT_FALSE(denied.allowed);
    EXPECT_EQ(denied.retry_after, milliseconds(10'000));  // one token at 0.1/s
}

TEST(TokenBucketTest, AllowedHitsReportZeroRetryAfter) {
    auto limiter = MakeBucket(2, 1);
    EXPECT_EQ(limiter->Hit("k", kT0).retry_after, milliseconds(0));
}

TEST(TokenBucketTest, RefillsWithTimeAndRetryAfterShrinks) {
    auto limiter = MakeBucket(1, 0.5);  // one token every 2 s
    ASSERT_TRUE(limiter->Hit("k", kT0).allowed);
    EXPECT_EQ(limiter->Hit("k", kT0).retry_after, milliseconds(2000));
    Decision later = limiter->Hit("k", kT0 + milliseconds(1500));
    EXPECT_FALSE(later.allowed);
    EXPECT_EQ(later.retry_after, milliseconds(500));
    EXPECT_TRUE(limiter->Hit("k", kT0 + milliseconds(2000)).allowed);
    EXPECT_FALSE(limiter->Hit("k", kT0 + milliseconds(2000)).allowed);
}

TEST(TokenBucketTest, RetryAfterIsAccurate) {
    // Waiting exactly retry_after is enough, and waiting one millisecond less is not.
    auto limiter = MakeBucket(2, 0.3);
    ASSERT_TRUE(limiter->Hit("k", kT0).allowed);
    ASSERT_TRUE(limiter->Hit("k", kT0).allowed);
    Decision denied = limiter->Hit("k", kT0);
    ASSERT_FALSE(denied.allowed);
    EXPECT_FALSE(limiter->Hit("k", kT0 + denied.retry_after - milliseconds(1)).allowed);
    EXPECT_TRUE(limiter->Hit("k", kT0 + denied.retry_after).allowed);
}

TEST(TokenBucketTest, RefillNeverExceedsCapacity) {
    auto limiter = MakeBucket(2, 1);
    ASSERT_TRUE(limiter->Hit("k", kT0).allowed);
    // A day idle still only gives back the burst of 2.
    const TimePoint later = kT0 + std::chrono::hours(24);
    EXPECT_TRUE(limiter->Hit("k", later).allowed);
    EXPECT_TRUE(limiter->Hit("k", later).allowed);
    EXPECT_FALSE(limiter->Hit("k", later).allowed);
}

TEST(TokenBucketTest, DeniedHitsDoNotPushRetryFurtherOut) {
    auto limiter = MakeBucket(1, 1);
    ASSERT_TRUE(limiter->Hit("k", kT0).allowed);
    for (int i = 0; i < 50; ++i) {
        EXPECT_FALSE(limiter->Hit("k", kT0 + milliseconds(10 * i)).allowed);
    }
    EXPECT_TRUE(limiter->Hit("k", kT0 + seconds(1)).allowed);
}

TEST(TokenBucketTest, KeysAreIndependent) {
    auto limiter = MakeBucket(1, 0.01);
    EXPECT_TRUE(limiter->Hit("user:alice", kT0).allowed);
    EXPECT_FALSE(limiter->Hit("user:alice", kT0).allowed);
    EXPECT_TRUE(limiter->Hit("user:bob", kT0).allowed);
    EXPECT_TRUE(limiter->Hit("ip:192.0.2.1", kT0).allowed);
}

TEST(TokenBucketTest, ClockGoingBackwardsGrantsNothingExtra) {
    auto limiter = MakeBucket(1, 1);
    ASSERT_TRUE(limiter->Hit("k", kT0).allowed);
    EXPECT_FALSE(limiter->Hit("k", kT0 - seconds(30)).allowed);
    EXPECT_FALSE(limiter->Hit("k", kT0 + milliseconds(999)).allowed);
    EXPECT_TRUE(limiter->Hit("k", kT0 + seconds(1)).allowed);
}

TEST(TokenBucketTest, ResetRestoresTheFullBurst) {
    auto limiter = MakeBucket(2, 0.01);
    ASSERT_TRUE(limiter->Hit("user:alice", kT0).allowed);
    ASSERT_TRUE(limiter->Hit("user:alice", kT0).allowed);
    ASSERT_FALSE(limiter->Hit("user:alice", kT0).allowed);
    limiter->Reset("user:alice");
    limiter->Reset("user:nobody");  // unknown keys are ignored
    EXPECT_TRUE(limiter->Hit("user:alice", kT0).allowed);
    EXPECT_TRUE(limiter->Hit("user:alice", kT0).allowed);
    EXPECT_FALSE(limiter->Hit("user:alice", kT0).allowed);
}

TEST(TokenBucketTest, MemoryStaysBoundedUnderManyDistinctKeys) {
    auto limiter = MakeBucket(1, 0.01, /*max_keys=*/100);
    for (int i = 0; i < 10'000; ++i) {
        limiter->Hit("ip:attacker-" + std::to_string(i), kT0);
        ASSERT_LE(limiter->KeyCountForTest(), 100u);
    }
    EXPECT_EQ(limiter->KeyCountForTest(), 100u);
}

TEST(TokenBucketTest, EvictsTheLeastRecentlyHitKey) {
    auto limiter = MakeBucket(1, 0.001, /*max_keys=*/2);
    ASSERT_TRUE(limiter->Hit("a", kT0).allowed);
    ASSERT_TRUE(limiter->Hit("b", kT0).allowed);
    ASSERT_FALSE(limiter->Hit("a", kT0).allowed);  // "a" is now the most recently hit
    ASSERT_TRUE(limiter->Hit("c", kT0).allowed);   // evicts "b", not "a"
    EXPECT_FALSE(limiter->Hit("a", kT0).allowed);  // still remembered and limited
    EXPECT_TRUE(limiter->Hit("b", kT0).allowed);   // forgotten, so a fresh bucket
}

TEST(TokenBucketTest, RejectsBadOptionsNamingThem) {
    struct Case {
        TokenBucketOptions options;
        const char* names;
    };
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    const Case cases[] = {
        {{0.5, 1, 10}, "capacity"},
        {{nan, 1, 10}, "capacity"},
        {{inf, 1, 10}, "capacity"},
        {{1, 0, 10}, "refill_per_second"},
        {{1, -1, 10}, "refill_per_second"},
        {{1, nan, 10}, "refill_per_second"},
        {{1, 1, 0}, "max_keys"},
    };
    for (const auto& c : cases) {
        auto limiter = TokenBucket::Create(c.options);
        ASSERT_FALSE(limiter.has_value()) << c.names;
        EXPECT_EQ(limiter.error().code, ErrorCode::kInvalidArgument);
        EXPECT_NE(limiter.error().message.find(c.names), std::string::npos)
            << limiter.error().message;
    }
}

TEST(TokenBucketTest, ConcurrentHitsNeverExceedCapacity) {
    auto limiter = MakeBucket(100, 0.001);
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 100; ++i) {
                if (limiter->Hit("shared", kT0).allowed) {
                    ++allowed;
                }
                limiter->Hit("own-" + std::to_string(i), kT0);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(allowed.load(), 100);
}

}  // namespace
}  // namespace ea::ratelimit
