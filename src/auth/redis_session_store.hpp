// RedisSessionStore: the SessionStore for several replicas sharing sessions, over the pooled
// RedisClient. Redis itself expires sessions at their expires_at (PEXPIREAT).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "auth/redis_client.hpp"
#include "auth/redis_endpoint.hpp"
#include "auth/session_store.hpp"

namespace ea::auth {

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
    explicit RedisSessionStore(std::unique_ptr<RedisClient> client, std::string key_prefix)
        : client_(std::move(client)), key_prefix_(std::move(key_prefix)) {}

    std::string SessionKey(std::string_view token_hash) const;

    std::unique_ptr<RedisClient> client_;
    const std::string key_prefix_;
};

}  // namespace ea::auth
