// CallLimiter: the per-role rate limit on data calls, enforced once, in DocumentService, so it
// holds on REST and on every MCP path alike. Each principal has a token bucket per role it acts
// as (key "call:<role>:<user id>"): a role with a limit of N calls per P seconds lets a principal
// make N calls at once and then one more every P/N seconds. Roles without a limit are unlimited.
// The CLI channel (the operator's shell) is never limited. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "service/request_context.hpp"

namespace ea::service {

struct RoleRateLimit {
    std::string role;
    int calls = 0;                // per period; > 0
    std::chrono::seconds period;  // > 0
};

class CallLimiter {
public:
    // `limiters` holds one limiter per limited role (made by the caller from the role's limit:
    // in-process or shared through Redis). `limits` says what each allows, for messages.
    CallLimiter(std::vector<RoleRateLimit> limits,
                std::map<std::string, ratelimit::RateLimiterPtr, std::less<>> limiters)
        : limits_(std::move(limits)), limiters_(std::move(limiters)) {}

    // Counts one call of ctx.principal at ctx.now. kRateLimited "rate limit exceeded for role R
    // (N calls per P s); retry in S s" with retry_after_seconds = S when over the limit;
    // kUnavailable "rate limiter unavailable; try again shortly" when a shared limiter's backend
    // is down (fail closed).
    [[nodiscard]] Status Admit(const RequestContext& ctx) const;

    const std::vector<RoleRateLimit>& limits() const { return limits_; }

private:
    std::vector<RoleRateLimit> limits_;
    std::map<std::string, ratelimit::RateLimiterPtr, std::less<>> limiters_;
};

}  // namespace ea::service
