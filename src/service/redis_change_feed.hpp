// RedisChangeFeed: the ChangeFeed every instance on one Redis shares (config.sessions redis://),
// over pub/sub on one channel, so a record committed on instance A reaches MCP subscribers on
// instance B.
//   - Publish hands the change to this instance's listeners at once (they never wait on Redis),
//     and queues it for a publisher thread that PUBLISHes it, tagged with this instance's
//     origin id. Request threads never block on Redis: the queue is bounded (kMaxQueued), and a
//     change that finds it full is dropped for the other instances (counted in dropped()).
//   - A RedisSubscriber (own connection and thread) hears every instance's changes and hands
//     those of other origins to the listeners.
// While Redis is down, other instances' changes do not arrive here and this instance's do not
// reach them (pub/sub keeps nothing; PUBLISH fails and the change is dropped, counted). Local
// subscribers keep hearing local changes. When the subscriber is back it delivers a kWiped
// change ("anything may have changed") to the listeners, so every subscribed client re-reads
// what it watches instead of missing an update silently.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "auth/redis_client.hpp"
#include "auth/redis_subscriber.hpp"
#include "common/result.hpp"
#include "service/change_feed.hpp"

namespace ea::service {

class RedisChangeFeed final : public ChangeFeed {
public:
    static constexpr std::size_t kMaxQueued = 10'000;

    // Subscribes to `channel` (kUnavailable when Redis cannot be reached now) and starts the
    // publisher. `origin` identifies this instance in messages (unique per process).
    [[nodiscard]] static Result<std::unique_ptr<RedisChangeFeed>> Open(
        std::shared_ptr<auth::RedisClient> client, std::string channel, std::string origin);
    ~RedisChangeFeed() override;

    void Publish(const RecordChange& change) override;
    ListenerId Listen(Listener listener) override;
    void Unlisten(ListenerId id) override;

    std::uint64_t published() const { return published_.load(); }  // sent to Redis
    std::uint64_t dropped() const { return dropped_.load(); }      // never sent: full or down
    std::uint64_t received() const { return received_.load(); }    // from other instances
    bool subscribed() const { return subscriber_ && subscriber_->connected(); }

    // The message text of `change` from `origin`, and back (nullopt for text that is not one).
    static std::string Encode(const RecordChange& change, std::string_view origin);
    struct Decoded {
        std::string origin;
        RecordChange change;
    };
    static std::optional<Decoded> Decode(std::string_view text);

private:
    RedisChangeFeed(std::shared_ptr<auth::RedisClient> client, std::string channel,
                    std::string origin);
    void OnMessage(std::string_view payload);
    void RunPublisher();

    const std::shared_ptr<auth::RedisClient> client_;
    const std::string channel_;
    const std::string origin_;
    InProcessChangeFeed local_;  // this instance's listeners
    std::mutex mutex_;           // guards queue_, stopping_
    std::condition_variable wake_;
    std::deque<std::string> queue_;  // encoded changes waiting for PUBLISH
    bool stopping_ = false;
    std::atomic<std::uint64_t> published_{0};
    std::atomic<std::uint64_t> dropped_{0};
    std::atomic<std::uint64_t> received_{0};
    std::thread publisher_;
    std::unique_ptr<auth::RedisSubscriber> subscriber_;  // last: stopped first
};

}  // namespace ea::service
