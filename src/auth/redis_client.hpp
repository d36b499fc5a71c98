// RedisClient: a small pool of synchronous hiredis connections to one Redis, for the stores and
// limiters that share state between instances (sessions, access tokens, rate-limit buckets, the
// change feed's publishes). Arguments are
// sent binary-safe (redisCommandArgv), never formatted into command text. A connection broken by
// a server restart is dropped and the command retried once on a fresh one, so users recover by
// themselves once Redis is back; while it is down, commands return kUnavailable.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "auth/redis_endpoint.hpp"
#include "common/result.hpp"

struct redisContext;
struct redisReply;

namespace ea::auth {

struct RedisClientOptions {
    std::chrono::milliseconds connect_timeout{2000};
    std::chrono::milliseconds command_timeout{2000};  // per command; then kUnavailable
    std::size_t max_idle_connections = 8;
};

class RedisClient {
public:
    struct ReplyFreer {
        void operator()(redisReply* reply) const;
    };
    using ReplyPtr = std::unique_ptr<redisReply, ReplyFreer>;

    // Connects once and sends PING, so a wrong address or password shows at startup.
    // `what` names the user in messages ("access token store"). Ignores SIGPIPE process-wide
    // (once), as RedisSessionStore::Open does.
    [[nodiscard]] static Result<std::unique_ptr<RedisClient>> Open(RedisEndpoint endpoint,
                                                                   std::string what,
                                                                   RedisClientOptions options = {});
    ~RedisClient();
    RedisClient(const RedisClient&) = delete;
    RedisClient& operator=(const RedisClient&) = delete;

    // Runs one command; a Redis error reply is kUnavailable too. Every command callers send must
    // be safe to repeat (the one retry after a broken connection).
    [[nodiscard]] Result<ReplyPtr> Command(const std::vector<std::string>& args);
    // Command for a caller that needs only whether it succeeded, not the reply.
    [[nodiscard]] Status Run(const std::vector<std::string>& args);

    // kUnavailable with a generic message for clients and `reason` plus the endpoint (never a
    // password) in Error::detail.
    [[nodiscard]] Error Failure(std::string_view reason) const;

    const RedisEndpoint& endpoint() const { return endpoint_; }

    struct ContextCloser {
        void operator()(redisContext* context) const;
    };
    using ContextPtr = std::unique_ptr<redisContext, ContextCloser>;

    // A fresh connection outside the pool, authenticated and on the endpoint's db, with the
    // command timeout as its socket timeout: for a caller that keeps one for itself (a SUBSCRIBE
    // connection, see RedisSubscriber).
    [[nodiscard]] Result<ContextPtr> Connect() const;

private:
    RedisClient(RedisEndpoint endpoint, std::string what, RedisClientOptions options);

    const RedisEndpoint endpoint_;
    const std::string what_;
    const RedisClientOptions options_;
    std::mutex mutex_;              // guards idle_
    std::vector<ContextPtr> idle_;  // connections not in use by any call
};

}  // namespace ea::auth
