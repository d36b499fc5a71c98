#include "app/shared_state.hpp"

#include <cctype>
#include <utility>
#include <vector>

#include "auth/token.hpp"
#include "http/metrics.hpp"
#include "service/redis_change_feed.hpp"

namespace ea::app {

bool SharesStateInRedis(const Config& config) {
    constexpr std::string_view kScheme = "redis:";
    const std::string_view url = config.sessions;
    if (url.size() < kScheme.size()) {
        return false;
    }
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(url[i])) != kScheme[i]) {
            return false;
        }
    }
    return true;
}

Result<std::shared_ptr<auth::RedisClient>> OpenSharedRedis(const Config& config, std::string what) {
    if (!SharesStateInRedis(config)) {
        return std::shared_ptr<auth::RedisClient>();
    }
    auto endpoint = auth::ParseRedisUrl(config.sessions);
    if (!endpoint) {
        return endpoint.error();
    }
    auto client = auth::RedisClient::Open(*std::move(endpoint), std::move(what));
    if (!client) {
        return client.error();
    }
    return std::shared_ptr<auth::RedisClient>(std::move(*client));
}

std::string SharedChannel(const auth::RedisClient& redis, std::string_view name) {
    return "ea:" + std::to_string(redis.endpoint().db) + ":" + std::string(name);
}

std::string NewInstanceOrigin() {
    return auth::NewToken().substr(0, 16);
}

Result<std::unique_ptr<service::ChangeFeed>> OpenChangeFeed(
    std::shared_ptr<auth::RedisClient> redis, const std::string& origin) {
    if (!redis) {
        return std::unique_ptr<service::ChangeFeed>(
            std::make_unique<service::InProcessChangeFeed>());
    }
    std::string channel = SharedChannel(*redis, "changes");
    auto feed = service::RedisChangeFeed::Open(std::move(redis), std::move(channel), origin);
    if (!feed) {
        return feed.error();
    }
    return std::unique_ptr<service::ChangeFeed>(std::move(*feed));
}

void ExportChangeFeedMetrics(const service::ChangeFeed& feed, http::Metrics& metrics) {
    const auto* shared = dynamic_cast<const service::RedisChangeFeed*>(&feed);
    if (shared == nullptr) {
        return;
    }
    using Series = std::vector<std::pair<http::Metrics::Labels, double>>;
    const auto add = [&](const char* name, const char* help, const char* type, auto pick) {
        metrics.AddSource(name, help, type, [shared, pick] {
            return Series{{{}, static_cast<double>(pick(*shared))}};
        });
    };
    using Feed = service::RedisChangeFeed;
    add("change_feed_published_total", "Record changes sent to the other instances", "counter",
        [](const Feed& f) { return f.published(); });
    add("change_feed_dropped_total",
        "Record changes the other instances never heard (queue full or Redis unreachable)",
        "counter", [](const Feed& f) { return f.dropped(); });
    add("change_feed_received_total", "Record changes heard from the other instances", "counter",
        [](const Feed& f) { return f.received(); });
    add("change_feed_subscribed", "1 while this instance hears the other instances' changes",
        "gauge", [](const Feed& f) { return f.subscribed() ? 1 : 0; });
}

}  // namespace ea::app
