// RedisSessionStore: the SessionStore for several replicas sharing sessions, over hiredis'
// synchronous API. Redis itself expires sessions at their expires_at (PEXPIREAT).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auth/session_store.hpp"

struct redisContext;
struct redisReply;

namespace ea::auth {

// Where a Redis server is, parsed from "redis://[[user]:password@]host[:port][/db]".
struct RedisEndpoint {
    std::string host;  // name or IP address (IPv6 without brackets)
    int port = 6379;
    std::string username;  // empty: AUTH with the password only (the "default" user)
    std::string password;  // empty: no AUTH. Never put in messages or logs; see Describe().
    int db = 0;

    // "redis://host:port/db" with any credentials left out: safe for messages and logs.
    std::string Describe() const;
};

// kInvalidArgument naming what is wrong (never echoing the URL, which may hold a password) when
// the scheme is not redis (rediss:// TLS is not supported), the host is missing, the port is not
// 1-65535, the db is not a non-negative integer, a user is given without a password, or the URL
// has a query or fragment. User and password are percent-decoded.
[[nodiscard]] Result<RedisEndpoint> ParseRedisUrl(std::string_view url);

struct RedisSessionStoreOptions {
    std::chrono::milliseconds connect_timeout{2000};
    std::chrono::milliseconds command_timeout{2000};  // per command; then kUnavailable
    std::size_t max_idle_connections = 8;             // connections kept open between calls
    // Keys are <prefix>session:<token_hash> (a hash with the Session fields, times in ms) and
    // <prefix>user-sessions:<user_id> (a set of token hashes, for DeleteUser).
    std::string key_prefix = "ea:";
};

class RedisSessionStore final : public SessionStore {
public:
    // Connects once and sends PING, so a wrong address or password is reported at startup:
    // kUnavailable naming endpoint.Describe() and the reason.
    // Sets SIGPIPE to ignored for the whole process (once): hiredis writes with write(2), and a
    // write to a connection Redis has reset must fail with EPIPE, not kill the server.
    [[nodiscard]] static Result<std::unique_ptr<RedisSessionStore>> Open(
        RedisEndpoint endpoint, RedisSessionStoreOptions options = {});

    ~RedisSessionStore() override;
    RedisSessionStore(const RedisSessionStore&) = delete;
    RedisSessionStore& operator=(const RedisSessionStore&) = delete;

    // Every call takes a pooled connection (or opens one; connections broken by a server
    // restart are dropped and the call is retried once on a fresh one), so the store recovers
    // by itself once Redis is back. While Redis is down, calls return kUnavailable.
    [[nodiscard]] Status Put(const Session& session) override;
    [[nodiscard]] Result<Session> Get(std::string_view token_hash,
                                      std::chrono::system_clock::time_point now) override;
    [[nodiscard]] Result<Session> Touch(std::string_view token_hash, std::chrono::seconds ttl,
                                        std::chrono::system_clock::time_point now) override;
    [[nodiscard]] Status Delete(std::string_view token_hash) override;
    [[nodiscard]] Status DeleteUser(std::string_view user_id) override;
    [[nodiscard]] Status DeleteAll() override;
    [[nodiscard]] Status Ping() override;

private:
    struct ContextCloser {
        void operator()(redisContext* context) const;
    };
    using ContextPtr = std::unique_ptr<redisContext, ContextCloser>;
    struct ReplyFreer {
        void operator()(redisReply* reply) const;
    };
    using ReplyPtr = std::unique_ptr<redisReply, ReplyFreer>;

    RedisSessionStore(RedisEndpoint endpoint, RedisSessionStoreOptions options);

    // Runs one command (arguments sent binary-safe, never formatted into a command string).
    // A Redis error reply becomes kUnavailable too.
    Result<ReplyPtr> Command(const std::vector<std::string>& args);
    Result<ContextPtr> Connect() const;
    Error Failure(std::string_view reason) const;
    std::string SessionKey(std::string_view token_hash) const;

    const RedisEndpoint endpoint_;
    const RedisSessionStoreOptions options_;
    std::mutex mutex_;              // guards idle_
    std::vector<ContextPtr> idle_;  // connections not in use by any call
};

}  // namespace ea::auth
