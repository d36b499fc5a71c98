// RedisTokenBucket: the TokenBucket's algorithm with the buckets in Redis, so every instance that
// shares one Redis shares one budget per key. Each Hit is one EVAL of a Lua script that refills,
// takes a token and stores the bucket atomically (Redis runs scripts one at a time), so hits
// racing from many threads and instances never allow more than the bucket holds.
//
// Time is the caller's `now` (as for TokenBucket; only forward steps refill), so instances must
// keep their clocks in step (NTP): an instance whose clock runs ahead by d refills at most d
// early. A bucket key expires once it would be full again, so Redis holds only active keys.
//
// Fails closed: while Redis cannot be reached a Hit is denied with Decision::unavailable set; the
// limiter recovers by itself when Redis is back (RedisClient reconnects).
#pragma once

#include <memory>
#include <string>

#include "auth/redis_client.hpp"
#include "common/result.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "ratelimit/token_bucket.hpp"

namespace ea::ratelimit {

class RedisTokenBucket final : public RateLimiter {
public:
    // `client` is shared by every limiter of the process. Keys are <key_prefix><hit key>.
    // kInvalidArgument naming the option when capacity or refill_per_second is out of range
    // (as TokenBucket::Create; max_keys does not apply).
    [[nodiscard]] static Result<std::unique_ptr<RedisTokenBucket>> Create(
        std::shared_ptr<auth::RedisClient> client, const TokenBucketOptions& options,
        std::string key_prefix);

    Decision Hit(std::string_view key, std::chrono::system_clock::time_point now) override;
    // Best effort: a failure leaves the bucket to refill by itself.
    void Reset(std::string_view key) override;

private:
    RedisTokenBucket(std::shared_ptr<auth::RedisClient> client, const TokenBucketOptions& options,
                     std::string key_prefix)
        : client_(std::move(client)), options_(options), prefix_(std::move(key_prefix)) {}

    std::shared_ptr<auth::RedisClient> client_;
    const TokenBucketOptions options_;
    const std::string prefix_;
};

}  // namespace ea::ratelimit
