// SessionStore: where login sessions live between requests, keyed by the hash of the session
// token (see token.hpp). Backends: sqlite_session_store.hpp (embedded, the default) and
// redis_session_store.hpp. The auth service (login/logout/refresh) is built on this interface.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace ea::auth {

struct Session {
    std::string token_hash;  // HashToken(token); the raw token is never stored
    std::string user_id;
    std::string username;
    std::string role;
    std::string account_id;
    std::chrono::system_clock::time_point created_at;
    // The session is valid while now < expires_at.
    std::chrono::system_clock::time_point expires_at;

    bool operator==(const Session&) const = default;
};

// The longest Touch accepts; it also keeps now + ttl far from time_point overflow.
inline constexpr std::chrono::hours kMaxSessionTtl{24 * 366};

// Every backend stores times with millisecond precision: a Session read back has created_at and
// expires_at truncated to whole milliseconds since the epoch.
//
// Times are wall-clock (system_clock) instants passed in by the caller, so tests use explicit
// values. A backend may also expire sessions by its own clock (Redis does, at expires_at), so
// callers pass real times close to system_clock::now().
//
// Failures: kUnauthenticated for an unknown, expired or deleted session (the caller answers 401
// without saying which); kInvalidArgument for a malformed argument; kUnavailable when the backend
// cannot be reached or fails (the caller may retry). A kUnavailable's message is generic and safe
// for clients ("session store unavailable"); what went wrong (the SQLite message, the Redis
// endpoint) is in Error::detail, for the log only. Nothing ever contains a secret. All methods
// are thread-safe.
class SessionStore {
public:
    virtual ~SessionStore() = default;

    // Stores `session`, replacing any session with the same token_hash.
    // kInvalidArgument when token_hash or user_id is empty or expires_at <= created_at.
    [[nodiscard]] virtual Status Put(const Session& session) = 0;

    // The session for `token_hash` if it is still valid at `now` (now < expires_at).
    // kUnauthenticated when it is unknown or expired; an expired session is deleted.
    [[nodiscard]] virtual Result<Session> Get(std::string_view token_hash,
                                              std::chrono::system_clock::time_point now) = 0;

    // Refresh: like Get, and on success sets expires_at = now + ttl (which may also shorten it)
    // and returns the updated session. kInvalidArgument when ttl <= 0 or ttl > kMaxSessionTtl.
    [[nodiscard]] virtual Result<Session> Touch(std::string_view token_hash,
                                                std::chrono::seconds ttl,
                                                std::chrono::system_clock::time_point now) = 0;

    // Logout: removes the session. Ok when it does not exist (logout is idempotent; the caller
    // decides whether an unknown session is a 401, by calling Get first).
    [[nodiscard]] virtual Status Delete(std::string_view token_hash) = 0;

    // Logout everywhere: removes every session of `user_id` (e.g. on password change or when the
    // user is deleted or disabled). Ok when there are none.
    [[nodiscard]] virtual Status DeleteUser(std::string_view user_id) = 0;

    // Logout of everyone: removes every session (e.g. when the database is wiped, so no session
    // outlives the users it names). Ok when there are none.
    [[nodiscard]] virtual Status DeleteAll() = 0;

    // Ok when the backend answers (for /readyz); kUnavailable otherwise.
    [[nodiscard]] virtual Status Ping() = 0;
};

using SessionStorePtr = std::unique_ptr<SessionStore>;

// Opens the store named by `url`:
//   ""                                        -> SQLite, table `_sessions` in `default_sqlite_file`
//                                                (the app passes its main database file)
//   "sqlite://PATH"                           -> SQLite in the file PATH ("sqlite:///abs/path" or
//                                                "sqlite://relative/path")
//   "redis://[[user]:password@]host[:port][/db]" -> Redis (port 6379 and db 0 by default;
//                                                user and password percent-decoded)
// kInvalidArgument for any other scheme or a malformed URL, naming what is wrong but never
// echoing the password; kUnavailable when the backend cannot be opened or reached.
[[nodiscard]] Result<SessionStorePtr> OpenSessionStore(
    std::string_view url, const std::filesystem::path& default_sqlite_file);

}  // namespace ea::auth
