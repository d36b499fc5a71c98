// The parts of `serve` that instances on one Redis share beyond logins and rate limits (issue 10):
// the change feed behind MCP resource subscriptions, schema-reload notices and the MCP session
// directory. They use the Redis that config.sessions names (redis://...); with any other session
// store each is in-process and one instance is all there is.
//
// Pub/sub channels are global to a Redis server (not per database), so every channel name holds
// the database number: deployments on one Redis in different databases do not hear each other.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "app/config.hpp"
#include "auth/redis_client.hpp"
#include "common/result.hpp"
#include "service/change_feed.hpp"

namespace ea::http {
class Metrics;
}

namespace ea::app {

// Whether config.sessions is a redis:// URL.
bool SharesStateInRedis(const Config& config);

// A client of config.sessions' Redis (`what` names it in messages), or null when the sessions
// are not in Redis. kUnavailable when Redis cannot be reached now.
[[nodiscard]] Result<std::shared_ptr<auth::RedisClient>> OpenSharedRedis(const Config& config,
                                                                         std::string what);

// "ea:<db>:<name>": a pub/sub channel of this deployment.
std::string SharedChannel(const auth::RedisClient& redis, std::string_view name);

// A random id for this process, in every message it publishes, so it can ignore its own.
std::string NewInstanceOrigin();

// The RedisChangeFeed on `redis` (channel ea:<db>:changes), or an InProcessChangeFeed when
// `redis` is null.
[[nodiscard]] Result<std::unique_ptr<service::ChangeFeed>> OpenChangeFeed(
    std::shared_ptr<auth::RedisClient> redis, const std::string& origin);

// For a RedisChangeFeed: change_feed_published_total, change_feed_dropped_total (changes the
// other instances never heard: queue full or Redis down), change_feed_received_total and the
// gauge change_feed_subscribed (1 while the subscriber is connected). Nothing for other feeds.
void ExportChangeFeedMetrics(const service::ChangeFeed& feed, http::Metrics& metrics);

}  // namespace ea::app
