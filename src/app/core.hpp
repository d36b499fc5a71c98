// The composition root for everything below the faces: schema, store and services, built from a
// Config and owned together so their lifetimes are right (the store refers to the schema, the
// services to both). Used by every CLI command, `serve` and `mcp`. AccessStack (sessions, login
// limits, AuthService) is separate because only the long-running faces need it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "app/config.hpp"
#include "auth/access_token_store.hpp"
#include "auth/session_store.hpp"
#include "common/result.hpp"
#include "ratelimit/token_bucket.hpp"
#include "schema/schema.hpp"
#include "service/auth_service.hpp"
#include "service/call_limiter.hpp"
#include "service/document_service.hpp"
#include "service/session_revoker.hpp"
#include "service/token_revoker.hpp"
#include "store/document_store.hpp"

namespace ea::app {

struct Core {
    Config config;
    schema::SchemaPtr schema;
    store::DocumentStorePtr store;
    std::unique_ptr<service::DocumentService> documents;
};

// Loads the schema only. Errors carry every schema problem as file:line:col fields.
[[nodiscard]] Result<schema::SchemaPtr> LoadConfiguredSchema(const Config& config);

// The SQLite file of a sqlite:// store URL; "data/sessions.db" for any other URL.
[[nodiscard]] std::filesystem::path SqliteFileOf(const std::string& db_url);

// The session store `config.sessions` names (by default a table in the main SQLite file). Used
// by `serve` and by every command that must end sessions (`user add --update`).
[[nodiscard]] Result<auth::SessionStorePtr> OpenConfiguredSessions(const Config& config);

// The access token store beside the sessions (config.sessions: SQLite table or Redis). Used by
// `serve`, `mcp` and the `token` and `user add --update` commands.
[[nodiscard]] Result<auth::AccessTokenStorePtr> OpenConfiguredTokens(const Config& config);

// Loads the schema, opens (and migrates) the store and builds the services.
[[nodiscard]] Result<std::unique_ptr<Core>> OpenCore(const Config& config);

// The session store, the login rate limiters, the AuthService and the SessionRevoker: one
// composition that `serve` (REST) and `mcp` share, so a session opened by one face is valid on the
// other, and a change to a user through either face ends that user's stale sessions.
struct AccessStack {
    auth::SessionStorePtr sessions;
    ratelimit::RateLimiterPtr user_limiter;     // failed logins per username
    ratelimit::RateLimiterPtr address_limiter;  // login attempts per client address
    std::unique_ptr<service::AuthService> auth;
    std::unique_ptr<service::SessionRevoker> revoker;  // observes core.documents
    auth::AccessTokenStorePtr tokens;                  // `token create` bearers, beside sessions
    std::unique_ptr<service::TokenRevoker> token_revoker;  // observes core.documents
    // Per-role limits on data calls (config.rate_limits), set on core.documents. With
    // config.sessions redis://, these and the login limiters share their buckets in that Redis.
    std::unique_ptr<service::CallLimiter> call_limiter;
};

// Opens config.sessions (OpenConfiguredSessions), builds the AuthService over core.store and
// registers the revoker with core.documents. `core` must outlive the stack.
[[nodiscard]] Result<std::unique_ptr<AccessStack>> OpenAccessStack(const Config& config,
                                                                   Core& core);

}  // namespace ea::app
