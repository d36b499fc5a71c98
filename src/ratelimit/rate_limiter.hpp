// Rate limiting primitives: the RateLimiter interface that login (REST and MCP) consults before
// checking a password. Implementations: token_bucket.hpp (in-process) and
// redis_token_bucket.hpp (one budget shared by every instance on a Redis). Knows nothing about
// HTTP.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>

namespace ea::ratelimit {

struct Decision {
    bool allowed = true;
    // When not allowed: how long until one more hit would be allowed (rounded up to whole
    // milliseconds, never zero). Zero when allowed. REST sends it as Retry-After (in seconds).
    std::chrono::milliseconds retry_after{0};
    // A shared limiter (redis_token_bucket.hpp) whose backend failed: not allowed, fail closed.
    // The caller answers "unavailable" (REST 503), not "rate limited"; retry_after is a hint.
    bool unavailable = false;
};

class RateLimiter {
public:
    virtual ~RateLimiter() = default;

    // Counts one attempt for `key` (e.g. "user:alice" or "ip:192.0.2.1") at wall-clock time `now`
    // and says whether it may proceed. A denied hit is not counted, so a client that keeps trying
    // while limited does not push its own retry time further out.
    // `now` going backwards (clock adjustments) never grants extra attempts.
    // Thread-safe.
    virtual Decision Hit(std::string_view key, std::chrono::system_clock::time_point now) = 0;

    // Forgets `key`, giving it its full allowance again (e.g. after a successful login, for the
    // username key only). Unknown keys are ignored. Thread-safe.
    virtual void Reset(std::string_view key) = 0;
};

using RateLimiterPtr = std::unique_ptr<RateLimiter>;

}  // namespace ea::ratelimit
