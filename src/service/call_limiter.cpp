#include "service/call_limiter.hpp"

#include <algorithm>

namespace ea::service {

Status CallLimiter::Admit(const RequestContext& ctx) const {
    if (ctx.channel == Channel::kCli) {
        return Ok();
    }
    const auto found = limiters_.find(ctx.principal.role);
    if (found == limiters_.end()) {
        return Ok();
    }
    const std::string& who =
        ctx.principal.user_id.empty() ? ctx.principal.username : ctx.principal.user_id;
    std::string key;
    key.reserve(6 + ctx.principal.role.size() + who.size());
    key.append("call:").append(ctx.principal.role).append(":").append(who);
    const auto decision = found->second->Hit(key, ctx.now);
    if (decision.allowed) {
        return Ok();
    }
    if (decision.unavailable) {
        Error error = Unavailable("rate limiter unavailable; try again shortly");
        error.detail = "the shared rate limiter's Redis did not answer; calls are refused";
        return error;
    }
    const auto ms = decision.retry_after.count();
    const int seconds = static_cast<int>(std::max<long long>((ms + 999) / 1000, 1));
    const auto limit = std::find_if(limits_.begin(), limits_.end(),
                                    [&](const auto& l) { return l.role == ctx.principal.role; });
    std::string message = "rate limit exceeded for role " + ctx.principal.role;
    if (limit != limits_.end()) {
        message += " (" + std::to_string(limit->calls) + " calls per " +
                   std::to_string(limit->period.count()) + " s)";
    }
    Error error{ErrorCode::kRateLimited, message + "; retry in " + std::to_string(seconds) + " s"};
    error.retry_after_seconds = seconds;
    return error;
}

}  // namespace ea::service
