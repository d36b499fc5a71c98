#include "service/redis_change_feed.hpp"

#include <utility>

#include <boost/json.hpp>

namespace ea::service {
namespace {

int KindNumber(ChangeKind kind) {
    return static_cast<int>(kind);
}

std::optional<ChangeKind> KindOf(std::int64_t number) {
    switch (number) {
        case 0:
            return ChangeKind::kCreated;
        case 1:
            return ChangeKind::kUpdated;
        case 2:
            return ChangeKind::kDeleted;
        case 3:
            return ChangeKind::kWiped;
        default:
            return std::nullopt;
    }
}

}  // namespace

std::string RedisChangeFeed::Encode(const RecordChange& change, std::string_view origin) {
    static_assert(static_cast<int>(ChangeKind::kWiped) == 3, "the message numbers kinds 0..3");
    return boost::json::serialize(boost::json::object{{"origin", origin},
                                                      {"entity", change.entity},
                                                      {"id", change.id},
                                                      {"kind", KindNumber(change.kind)}});
}

std::optional<RedisChangeFeed::Decoded> RedisChangeFeed::Decode(std::string_view text) {
    boost::system::error_code ec;
    const boost::json::value value = boost::json::parse(text, ec);
    if (ec || !value.is_object()) {
        return std::nullopt;
    }
    const auto& object = value.get_object();
    const auto* origin = object.if_contains("origin");
    const auto* entity = object.if_contains("entity");
    const auto* id = object.if_contains("id");
    const auto* kind = object.if_contains("kind");
    if (origin == nullptr || !origin->is_string() || entity == nullptr || !entity->is_string() ||
        id == nullptr || !id->is_string() || kind == nullptr || !kind->is_int64()) {
        return std::nullopt;
    }
    const auto change_kind = KindOf(kind->get_int64());
    if (!change_kind) {
        return std::nullopt;
    }
    return Decoded{std::string(origin->get_string()),
                   RecordChange{std::string(entity->get_string()), std::string(id->get_string()),
                                *change_kind}};
}

RedisChangeFeed::RedisChangeFeed(std::shared_ptr<auth::RedisClient> client, std::string channel,
                                 std::string origin)
    : client_(std::move(client)), channel_(std::move(channel)), origin_(std::move(origin)) {}

Result<std::unique_ptr<RedisChangeFeed>> RedisChangeFeed::Open(
    std::shared_ptr<auth::RedisClient> client, std::string channel, std::string origin) {
    std::unique_ptr<RedisChangeFeed> feed(
        new RedisChangeFeed(client, std::move(channel), std::move(origin)));
    auto* raw = feed.get();
    auto subscriber = auth::RedisSubscriber::Start(
        std::move(client), {feed->channel_},
        [raw](std::string_view, std::string_view payload) { raw->OnMessage(payload); },
        // Back after a gap: anything may have changed meanwhile.
        [raw] {
            raw->local_.Publish(RecordChange{"", "", ChangeKind::kWiped});
        });
    if (!subscriber) {
        return subscriber.error();
    }
    feed->subscriber_ = *std::move(subscriber);
    feed->publisher_ = std::thread([raw] { raw->RunPublisher(); });
    return feed;
}

RedisChangeFeed::~RedisChangeFeed() {
    subscriber_.reset();
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (publisher_.joinable()) {
        publisher_.join();
    }
}

void RedisChangeFeed::Publish(const RecordChange& change) {
    local_.Publish(change);
    std::string message = Encode(change, origin_);
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= kMaxQueued) {
            dropped_.fetch_add(1);
            return;
        }
        queue_.push_back(std::move(message));
    }
    wake_.notify_one();
}

ChangeFeed::ListenerId RedisChangeFeed::Listen(Listener listener) {
    return local_.Listen(std::move(listener));
}

void RedisChangeFeed::Unlisten(ListenerId id) {
    local_.Unlisten(id);
}

void RedisChangeFeed::OnMessage(std::string_view payload) {
    auto decoded = Decode(payload);
    if (!decoded || decoded->origin == origin_) {
        return;  // not ours to read, or this instance's own (already delivered locally)
    }
    received_.fetch_add(1);
    local_.Publish(decoded->change);
}

void RedisChangeFeed::RunPublisher() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) {
            return;  // what is still queued is dropped with the process
        }
        std::string message = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        // PUBLISH is safe to repeat (RedisClient's one retry): at worst a subscriber hears a
        // change twice, which only makes a client re-read.
        const bool sent = static_cast<bool>(client_->Command({"PUBLISH", channel_, message}));
        lock.lock();
        if (sent) {
            published_.fetch_add(1);
        } else {
            // Redis is unreachable: what waits behind this would be just as late or lost, so
            // it goes too rather than arriving minutes stale (the other instances' subscribers
            // re-read everything when they reconnect).
            dropped_.fetch_add(1 + queue_.size());
            queue_.clear();
        }
    }
}

}  // namespace ea::service
