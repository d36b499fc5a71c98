#include "ratelimit/token_bucket.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>

namespace ea::ratelimit {

Result<std::unique_ptr<TokenBucket>> TokenBucket::Create(const TokenBucketOptions& options) {
    // Written as !(x >= y) so that NaN is rejected too.
    if (!(options.capacity >= 1) || !std::isfinite(options.capacity)) {
        return InvalidArgument("rate limit capacity must be a finite number >= 1");
    }
    if (!(options.refill_per_second > 0) || !std::isfinite(options.refill_per_second)) {
        return InvalidArgument("rate limit refill_per_second must be a finite number > 0");
    }
    if (options.max_keys < 1) {
        return InvalidArgument("rate limit max_keys must be >= 1");
    }
    return std::unique_ptr<TokenBucket>(new TokenBucket(options));
}

Decision TokenBucket::Hit(std::string_view key, std::chrono::system_clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(std::string(key));
    if (it == buckets_.end()) {
        if (buckets_.size() >= options_.max_keys) {
            buckets_.erase(lru_.back());
            lru_.pop_back();
        }
        lru_.emplace_front(key);
        it = buckets_.emplace(lru_.front(), Bucket{options_.capacity, now, lru_.begin()}).first;
    } else {
        lru_.splice(lru_.begin(), lru_, it->second.lru_position);
        it->second.lru_position = lru_.begin();
    }

    Bucket& bucket = it->second;
    // Only time moving forward refills; a clock stepping back leaves last_refill where it is,
    // so the interval is not counted twice when the clock catches up.
    if (now > bucket.last_refill) {
        const std::chrono::duration<double> elapsed = now - bucket.last_refill;
        bucket.tokens = std::min(options_.capacity,
                                 bucket.tokens + elapsed.count() * options_.refill_per_second);
        bucket.last_refill = now;
    }
    if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return Decision{true, std::chrono::milliseconds(0)};
    }
    const double wait_seconds = (1 - bucket.tokens) / options_.refill_per_second;
    const auto wait_ms = static_cast<std::int64_t>(std::ceil(wait_seconds * 1000));
    return Decision{false, std::chrono::milliseconds(std::max<std::int64_t>(wait_ms, 1))};
}

void TokenBucket::Reset(std::string_view key) {
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(std::string(key));
    if (it == buckets_.end()) {
        return;
    }
    lru_.erase(it->second.lru_position);
    buckets_.erase(it);
}

std::size_t TokenBucket::KeyCountForTest() const {
    std::lock_guard lock(mutex_);
    return buckets_.size();
}

}  // namespace ea::ratelimit
