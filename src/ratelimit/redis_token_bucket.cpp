#include "ratelimit/redis_token_bucket.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <hiredis/hiredis.h>

namespace ea::ratelimit {
namespace {

// KEYS[1]: the bucket. ARGV: capacity, tokens per millisecond, now (ms since the epoch).
// Returns {allowed (1/0), wait in ms until one token is back (0 when allowed)}.
constexpr std::string_view kHitScript = R"lua(
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = capacity
  ts = now
end
if now > ts then
  tokens = math.min(capacity, tokens + (now - ts) * rate)
  ts = now
end
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) / rate)
  if wait < 1 then wait = 1 end
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', string.format('%d', ts))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate) + 1000)
return {allowed, wait}
)lua";

std::string Number(double value) {
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
}

}  // namespace

Result<std::unique_ptr<RedisTokenBucket>> RedisTokenBucket::Create(
    std::shared_ptr<auth::RedisClient> client, const TokenBucketOptions& options,
    std::string key_prefix) {
    if (!(options.capacity >= 1) || !std::isfinite(options.capacity)) {
        return InvalidArgument("rate limit capacity must be a finite number >= 1");
    }
    if (!(options.refill_per_second > 0) || !std::isfinite(options.refill_per_second)) {
        return InvalidArgument("rate limit refill_per_second must be a finite number > 0");
    }
    if (client == nullptr) {
        return InvalidArgument("rate limit: no Redis client");
    }
    return std::unique_ptr<RedisTokenBucket>(
        new RedisTokenBucket(std::move(client), options, std::move(key_prefix)));
}

Decision RedisTokenBucket::Hit(std::string_view key, std::chrono::system_clock::time_point now) {
    const auto now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    auto reply =
        client_->Command({"EVAL", std::string(kHitScript), "1", prefix_ + std::string(key),
                          Number(options_.capacity), Number(options_.refill_per_second / 1000.0),
                          std::to_string(now_ms)});
    const auto failed = Decision{false, std::chrono::milliseconds(1000), true};
    if (!reply) {
        return failed;
    }
    const redisReply& r = **reply;
    if (r.type != REDIS_REPLY_ARRAY || r.elements != 2 ||
        r.element[0]->type != REDIS_REPLY_INTEGER || r.element[1]->type != REDIS_REPLY_INTEGER) {
        return failed;
    }
    if (r.element[0]->integer == 1) {
        return Decision{true, std::chrono::milliseconds(0)};
    }
    return Decision{false,
                    std::chrono::milliseconds(std::max<long long>(r.element[1]->integer, 1))};
}

void RedisTokenBucket::Reset(std::string_view key) {
    static_cast<void>(client_->Command({"DEL", prefix_ + std::string(key)}));
}

}  // namespace ea::ratelimit
