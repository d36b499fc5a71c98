// AuthService: login, logout, refresh and "who is this token" for every face (REST cookie/bearer,
// MCP auth tools). Users live in the entity with `services: [auth]`; sessions in a SessionStore;
// failed logins are rate limited per username and per client address. A failed login looks the
// same whether the user exists or not: same error, and the same argon2id work.
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth/access_token_store.hpp"
#include "auth/session_store.hpp"
#include "common/principal.hpp"
#include "common/record.hpp"
#include "common/result.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "schema/schema.hpp"
#include "service/audit.hpp"
#include "service/request_context.hpp"
#include "store/document_store.hpp"

namespace ea::service {

struct AuthOptions {
    std::chrono::seconds session_ttl{3600};
    // false: requests without a token act as an anonymous administrator (local development only).
    bool auth_required = true;
};

struct LoginResult {
    std::string token;  // handed to the client once; only its hash is stored
    auth::Session session;
};

class AuthService {
public:
    // Every reference must outlive the service. Every login attempt is counted against the
    // username in `user_limiter` (reset by a success) and the client address in
    // `address_limiter` (which allows more, since many users may share one address).
    // `tokens` (may be null: no access tokens are accepted) holds the long-lived bearer tokens
    // of `events-api token create`.
    AuthService(store::DocumentStore& store, auth::SessionStore& sessions,
                ratelimit::RateLimiter& user_limiter, ratelimit::RateLimiter& address_limiter,
                AuthOptions options, auth::AccessTokenStore* tokens = nullptr);

    // Does ahead of time the one-off work of the first Login (an argon2id hash, ~60 ms of CPU),
    // so that the first login takes as long as every other. A long-running server calls it at
    // start-up; a process that never logs in by password (`mcp` with MCP_TOKEN) skips it.
    void PrepareLogins() { (void)DummyHash(); }

    // Checks `password` for the user whose login field equals `username` in `entity` (which must
    // have the auth service) and opens a session.
    // Errors: kUnauthenticated "invalid username or password" (unknown user or wrong password,
    // indistinguishable), kRateLimited (retry_after_seconds set), kUnavailable.
    [[nodiscard]] Result<LoginResult> Login(const schema::Entity& entity, std::string_view username,
                                            std::string_view password,
                                            std::string_view client_address,
                                            std::chrono::system_clock::time_point now);

    // Ends the session of `token`. Errors: kUnauthenticated when it is not a live session.
    [[nodiscard]] Status Logout(std::string_view token, std::chrono::system_clock::time_point now);

    // Extends the session of `token` by the TTL after re-reading its user in `entity`: when the
    // user is gone, or its role, login name or account differ from the session's (a change the
    // SessionRevoker missed, e.g. a direct database edit), the session is ended instead, so no
    // one refreshes into a role they no longer have.
    // Errors: kUnauthenticated (also in those two cases), kUnavailable.
    [[nodiscard]] Result<auth::Session> Refresh(const schema::Entity& entity,
                                                std::string_view token,
                                                std::chrono::system_clock::time_point now);

    // The principal for a request carrying `token` (nullopt: none was sent), the one path every
    // face (REST cookie or bearer, MCP over HTTP) takes: a session token is looked up in the
    // session store, an access token ("eat_...") in the token store, each by its hash; anything
    // else is refused by its shape before any lookup. Without a token and with auth not
    // required, the anonymous administrator. Errors: kUnauthenticated (the message says which
    // kind of token was refused, or that the bearer is malformed), kUnavailable.
    [[nodiscard]] Result<Principal> Authenticate(std::optional<std::string_view> token,
                                                 std::chrono::system_clock::time_point now);

    // The stored user record of `principal`, write-only fields removed. Errors: kNotFound.
    [[nodiscard]] Result<Record> Me(const schema::Entity& entity, const Principal& principal);

    const AuthOptions& options() const { return options_; }

    // The audited forms the faces call (auth_service_audit.cpp): Login and Logout above, each
    // recorded as one AuditEvent in the sink set by SetAuditSink (action "login" with the tried
    // username, or "logout"; never the password or the token). Like writes, they are refused
    // (kUnavailable) when the sink cannot promise to keep their event.
    [[nodiscard]] Result<LoginResult> Login(const RequestContext& ctx, const schema::Entity& entity,
                                            std::string_view username, std::string_view password,
                                            std::string_view client_address);
    [[nodiscard]] Status Logout(const RequestContext& ctx, std::string_view token);
    // `sink` must outlive the service; REQUIRES: set before the service serves requests.
    void SetAuditSink(AuditSink* sink) { audit_ = sink; }

private:
    static Principal PrincipalOf(auth::Session&& session);

    store::DocumentStore& store_;
    auth::SessionStore& sessions_;
    ratelimit::RateLimiter& user_limiter_;
    ratelimit::RateLimiter& address_limiter_;
    AuthOptions options_;
    auth::AccessTokenStore* tokens_;
    // Verified against when the user is unknown, to equalise timing; made by PrepareLogins or the
    // first Login.
    const std::string& DummyHash();
    std::once_flag dummy_hash_once_;
    std::string dummy_hash_;
    AuditSink* audit_ = nullptr;
};

}  // namespace ea::service
