// TokenBucket: an in-process RateLimiter. Each key has a bucket of `capacity` tokens refilled at
// `refill_per_second`; a hit takes one token. Limits hold per process, not across replicas.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.hpp"
#include "ratelimit/rate_limiter.hpp"

namespace ea::ratelimit {

struct TokenBucketOptions {
    double capacity = 5;             // burst: hits allowed at once from a full bucket; >= 1
    double refill_per_second = 0.1;  // tokens regained per second; > 0 (0.1 = one per 10 s)
    // Most keys remembered at once. When full, the least recently hit key is forgotten (as if its
    // bucket were full again), so memory stays bounded whatever keys an attacker invents. Pick it
    // well above the number of keys expected to be limited within one refill period.
    std::size_t max_keys = 100'000;  // >= 1
};

class TokenBucket final : public RateLimiter {
public:
    // kInvalidArgument naming the option when an option is out of range (NaN included).
    [[nodiscard]] static Result<std::unique_ptr<TokenBucket>> Create(
        const TokenBucketOptions& options);

    Decision Hit(std::string_view key, std::chrono::system_clock::time_point now) override;
    void Reset(std::string_view key) override;

    std::size_t KeyCountForTest() const;

private:
    explicit TokenBucket(const TokenBucketOptions& options) : options_(options) {}

    struct Bucket {
        double tokens = 0;
        std::chrono::system_clock::time_point last_refill;
        std::list<std::string>::iterator lru_position;  // into lru_
    };

    const TokenBucketOptions options_;
    mutable std::mutex mutex_;  // guards buckets_ and lru_
    std::unordered_map<std::string, Bucket> buckets_;
    std::list<std::string> lru_;  // keys, most recently hit first
};

}  // namespace ea::ratelimit
