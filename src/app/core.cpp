#include "app/core.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "auth/redis_client.hpp"
#include "ratelimit/redis_token_bucket.hpp"
#include "schema/schema_loader.hpp"

namespace ea::app {

Result<schema::SchemaPtr> LoadConfiguredSchema(const Config& config) {
    return schema::LoadSchema(config.schema);
}

std::filesystem::path SqliteFileOf(const std::string& db_url) {
    constexpr std::string_view kScheme = "sqlite://";
    if (db_url.starts_with(kScheme)) {
        return db_url.substr(kScheme.size());
    }
    return "data/sessions.db";
}

namespace {

// Sessions and access tokens default to tables in the SQLite file. A server store has no such
// file, and a silent local fallback would split them per instance (a login on one instance
// unknown to the next), so the place must be named.
Status CheckSessionsPlace(const Config& config) {
    if (config.sessions.empty() && !config.db.starts_with("sqlite://")) {
        return InvalidArgument(
            "with a postgresql:// store, sessions and access tokens need a place of their own: "
            "set sessions (--sessions, EVENTS_API_SESSIONS) to redis://HOST[:PORT] (shared by "
            "every instance) or to sqlite://PATH (one instance)");
    }
    return Ok();
}

}  // namespace

Result<auth::SessionStorePtr> OpenConfiguredSessions(const Config& config) {
    if (auto s = CheckSessionsPlace(config); !s) {
        return s.error();
    }
    return auth::OpenSessionStore(config.sessions, SqliteFileOf(config.db));
}

Result<auth::AccessTokenStorePtr> OpenConfiguredTokens(const Config& config) {
    if (auto s = CheckSessionsPlace(config); !s) {
        return s.error();
    }
    return auth::OpenAccessTokenStore(config.sessions, SqliteFileOf(config.db));
}

Result<std::unique_ptr<Core>> OpenCore(const Config& config) {
    auto core = std::make_unique<Core>();
    core->config = config;
    auto schema = LoadConfiguredSchema(config);
    if (!schema) {
        return schema.error();
    }
    core->schema = *std::move(schema);
    store::StoreConfig store_config{config.db};
    store_config.durability =
        config.store_durability == "normal" ? store::Durability::kNormal : store::Durability::kFull;
    store_config.query_timeout = std::chrono::milliseconds(config.query_timeout_ms);
    store_config.pool_size = config.store_pool_size;
    store_config.mmap_bytes = static_cast<std::int64_t>(config.store_mmap_mb) << 20;
    store_config.timeout = std::chrono::milliseconds(config.store_timeout_ms);
    auto store = store::OpenStore(store_config, *core->schema);
    if (!store) {
        return store.error();
    }
    core->store = *std::move(store);
    core->documents = std::make_unique<service::DocumentService>(
        *core->schema, *core->store,
        service::ServiceLimits{static_cast<std::size_t>(config.max_batch)});
    return core;
}

namespace {

// Makes the limiters of OpenAccessStack: in-process buckets, or buckets in the Redis that
// config.sessions names, so that every instance on it shares one budget per key.
class LimiterFactory {
public:
    static Result<LimiterFactory> For(const Config& config) {
        LimiterFactory factory;
        if (config.sessions.starts_with("redis:") || config.sessions.starts_with("REDIS:")) {
            auto endpoint = auth::ParseRedisUrl(config.sessions);
            if (!endpoint) {
                return endpoint.error();
            }
            auto client = auth::RedisClient::Open(*std::move(endpoint), "rate limiter");
            if (!client) {
                return client.error();
            }
            factory.redis_ = std::shared_ptr<auth::RedisClient>(std::move(*client));
        }
        return factory;
    }

    Result<ratelimit::RateLimiterPtr> Make(const ratelimit::TokenBucketOptions& options) const {
        if (redis_) {
            auto bucket = ratelimit::RedisTokenBucket::Create(redis_, options, "ea:ratelimit:");
            if (!bucket) {
                return bucket.error();
            }
            return ratelimit::RateLimiterPtr(std::move(*bucket));
        }
        auto bucket = ratelimit::TokenBucket::Create(options);
        if (!bucket) {
            return bucket.error();
        }
        return ratelimit::RateLimiterPtr(std::move(*bucket));
    }

private:
    std::shared_ptr<auth::RedisClient> redis_;
};

}  // namespace

Result<std::unique_ptr<AccessStack>> OpenAccessStack(const Config& config, Core& core) {
    auto stack = std::make_unique<AccessStack>();
    auto sessions = OpenConfiguredSessions(config);
    if (!sessions) {
        return sessions.error();
    }
    stack->sessions = *std::move(sessions);
    auto tokens = OpenConfiguredTokens(config);
    if (!tokens) {
        return tokens.error();
    }
    stack->tokens = *std::move(tokens);
    auto limiters = LimiterFactory::For(config);
    if (!limiters) {
        return limiters.error();
    }
    auto user_limiter = limiters->Make({5, 0.1, 100'000});
    auto address_limiter = limiters->Make({60, 1.0, 100'000});
    if (!user_limiter || !address_limiter) {
        return Internal("rate limiter configuration");
    }
    std::vector<service::RoleRateLimit> limits;
    std::map<std::string, ratelimit::RateLimiterPtr, std::less<>> by_role;
    for (const auto& rule : config.rate_limits) {
        const double calls = rule.calls;
        auto limiter = limiters->Make({calls, calls / rule.period_seconds, 100'000});
        if (!limiter) {
            return limiter.error();
        }
        limits.push_back({rule.role, rule.calls, std::chrono::seconds(rule.period_seconds)});
        by_role.emplace(rule.role, *std::move(limiter));
    }
    stack->call_limiter =
        std::make_unique<service::CallLimiter>(std::move(limits), std::move(by_role));
    core.documents->SetCallLimiter(*stack->call_limiter);
    stack->user_limiter = *std::move(user_limiter);
    stack->address_limiter = *std::move(address_limiter);
    stack->auth = std::make_unique<service::AuthService>(
        *core.store, *stack->sessions, *stack->user_limiter, *stack->address_limiter,
        service::AuthOptions{std::chrono::seconds(config.session_ttl_seconds),
                             config.auth_required},
        stack->tokens.get());
    stack->revoker = std::make_unique<service::SessionRevoker>(*stack->sessions);
    core.documents->AddObserver(*stack->revoker);
    stack->token_revoker = std::make_unique<service::TokenRevoker>(*stack->tokens);
    core.documents->AddObserver(*stack->token_revoker);
    return stack;
}

}  // namespace ea::app
