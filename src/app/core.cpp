#include "app/core.hpp"

#include <chrono>
#include <utility>

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

Result<auth::SessionStorePtr> OpenConfiguredSessions(const Config& config) {
    return auth::OpenSessionStore(config.sessions, SqliteFileOf(config.db));
}

Result<auth::AccessTokenStorePtr> OpenConfiguredTokens(const Config& config) {
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
    auto user_limiter = ratelimit::TokenBucket::Create({5, 0.1, 100'000});
    auto address_limiter = ratelimit::TokenBucket::Create({60, 1.0, 100'000});
    if (!user_limiter || !address_limiter) {
        return Internal("rate limiter configuration");
    }
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
