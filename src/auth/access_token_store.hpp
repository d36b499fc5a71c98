// AccessTokenStore: long-lived bearer tokens for service users (`events-api token create`), beside
// the hour-long login sessions. A token is handed out once; only HashToken(token) is stored, keyed
// like a session. Backends: sqlite_access_token_store.hpp (the default, a table in the main
// database) and redis_access_token_store.hpp (shared by every instance), opened by
// OpenAccessTokenStore from the same URL as the session store.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace ea::auth {

struct AccessToken {
    std::string id;    // "tok_" + 16 hex digits: what `token list` shows, `token revoke` takes
    std::string name;  // the operator's label; may be empty
    std::string token_hash;  // HashToken(token); the token itself is never stored
    std::string user_id;
    // Copied from the user when the token is made; a change to any of them (or the password, or
    // deleting the user) revokes the token (service/token_revoker.hpp), as it ends sessions.
    std::string username;
    std::string role;
    std::string account_id;
    std::chrono::system_clock::time_point created_at;
    std::chrono::system_clock::time_point expires_at;  // valid while now < expires_at
    std::optional<std::chrono::system_clock::time_point> last_used_at;

    bool operator==(const AccessToken&) const = default;
};

// The longest lifetime `token create --expires` accepts.
inline constexpr std::chrono::hours kMaxAccessTokenTtl{24 * 3660};

// How often last_used_at is written at most per token: every request would be a write per
// request; a minute's precision is what an operator needs to spot an unused token.
inline constexpr std::chrono::seconds kLastUsedResolution{60};

// Times are stored with millisecond precision. Failures follow SessionStore's contract
// (session_store.hpp): kUnauthenticated for an unknown, expired or revoked token, kNotFound for
// an unknown id, kInvalidArgument for a malformed argument, kUnavailable (generic message,
// backend words in Error::detail) when the backend fails. Nothing ever holds a secret. All
// methods are thread-safe; there is no cache, so a revocation holds for the very next Find.
class AccessTokenStore {
public:
    virtual ~AccessTokenStore() = default;

    // Stores a new token. kInvalidArgument when id, token_hash or user_id is empty or expires_at
    // <= created_at; kConflict when the id is taken.
    [[nodiscard]] virtual Status Put(const AccessToken& token) = 0;

    // The token whose hash is `token_hash`, if valid at `now`; an expired one is deleted.
    // Records the use: last_used_at becomes `now` when it is older than kLastUsedResolution (the
    // returned token has the value from before this call).
    [[nodiscard]] virtual Result<AccessToken> Find(std::string_view token_hash,
                                                   std::chrono::system_clock::time_point now) = 0;

    // The live tokens (expired ones are left out), of `username` only when given, oldest first.
    // token_hash is empty in every element: nothing that lists tokens needs it.
    [[nodiscard]] virtual Result<std::vector<AccessToken>> List(
        std::optional<std::string_view> username, std::chrono::system_clock::time_point now) = 0;

    // Ends the token `id`. kNotFound when there is no such token.
    [[nodiscard]] virtual Status Revoke(std::string_view id) = 0;

    // Ends every token of `user_id` (the user changed or is gone). Ok when there are none.
    [[nodiscard]] virtual Status RevokeUser(std::string_view user_id) = 0;

    // Ends every token (the database was wiped). Ok when there are none.
    [[nodiscard]] virtual Status RevokeAll() = 0;
};

using AccessTokenStorePtr = std::unique_ptr<AccessTokenStore>;

// Opens the store for the session store URL `url` (see OpenSessionStore): "" and sqlite://PATH
// keep tokens in table `_access_tokens` of that SQLite file, redis://... in that Redis.
[[nodiscard]] Result<AccessTokenStorePtr> OpenAccessTokenStore(
    std::string_view url, const std::filesystem::path& default_sqlite_file);

}  // namespace ea::auth
