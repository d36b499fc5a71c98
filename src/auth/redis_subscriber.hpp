// RedisSubscriber: one connection of its own in SUBSCRIBE mode, read on a thread of its own, that
// hands every message on its channels to a callback. Request threads never wait on it.
//
// Start connects and subscribes before it returns (a wrong address or password shows at
// startup, and every message published after Start returns is heard). When the connection breaks
// (Redis restarted, killed or unreachable) the thread reconnects by itself, waiting 100 ms, then
// twice as long each time up to 2 s, and subscribes again; then `on_resubscribed` runs. Pub/sub
// keeps nothing: what was published while this subscriber was disconnected is lost, and
// on_resubscribed is where a user makes up for that gap.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "auth/redis_client.hpp"
#include "common/result.hpp"

namespace ea::auth {

class RedisSubscriber {
public:
    // Called on the subscriber's thread, one message at a time; must not throw and should only
    // queue work (a slow handler delays the next message, never a request).
    using MessageHandler = std::function<void(std::string_view channel, std::string_view payload)>;
    using EventHandler = std::function<void()>;

    // `client` gives the endpoint and the connection code (RedisClient::Connect); its pool is
    // not used. kUnavailable (naming the endpoint, never a password) when the first connection
    // or SUBSCRIBE fails.
    [[nodiscard]] static Result<std::unique_ptr<RedisSubscriber>> Start(
        std::shared_ptr<RedisClient> client, std::vector<std::string> channels,
        MessageHandler on_message, EventHandler on_resubscribed = {},
        EventHandler on_disconnected = {});

    // Stops the thread (at once: it waits on the socket and a wake-up pipe) and closes.
    ~RedisSubscriber();
    RedisSubscriber(const RedisSubscriber&) = delete;
    RedisSubscriber& operator=(const RedisSubscriber&) = delete;

    // Whether the connection is up and subscribed right now.
    bool connected() const { return connected_.load(); }
    // How many times the connection was lost and made again.
    std::uint64_t reconnects() const { return reconnects_.load(); }

private:
    RedisSubscriber(std::shared_ptr<RedisClient> client, std::vector<std::string> channels,
                    MessageHandler on_message, EventHandler on_resubscribed,
                    EventHandler on_disconnected);
    Result<RedisClient::ContextPtr> ConnectAndSubscribe() const;
    void Run(RedisClient::ContextPtr context);
    // Hands every whole message the reader holds to on_message_; false when the stream is bad.
    bool Drain(redisContext* context) const;
    // Sleeps `duration` unless woken by the destructor; false when woken.
    bool Pause(std::chrono::milliseconds duration) const;

    const std::shared_ptr<RedisClient> client_;
    const std::vector<std::string> channels_;
    const MessageHandler on_message_;
    const EventHandler on_resubscribed_;
    const EventHandler on_disconnected_;
    int wake_[2] = {-1, -1};  // a pipe: the destructor writes, the thread polls
    std::atomic<bool> stopping_{false};
    std::atomic<bool> connected_{false};
    std::atomic<std::uint64_t> reconnects_{0};
    std::thread thread_;
};

}  // namespace ea::auth
