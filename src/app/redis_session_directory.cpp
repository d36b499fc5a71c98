#include "app/redis_session_directory.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include <boost/json.hpp>
#include <hiredis/hiredis.h>

#include "app/shared_state.hpp"

namespace ea::app {
namespace {

// KEYS: the session key. ARGV: state JSON, ttl ms, channel, notice. One round trip for the
// write and its notice.
constexpr const char* kPutScript = R"lua(
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
)lua";

// KEYS: the session key. ARGV: channel, notice.
constexpr const char* kRemoveScript = R"lua(
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1
)lua";

}  // namespace

RedisSessionDirectory::RedisSessionDirectory(std::shared_ptr<auth::RedisClient> redis,
                                             std::string origin, std::chrono::seconds idle_timeout)
    : redis_(std::move(redis)),
      channel_(SharedChannel(*redis_, "mcp-sessions")),
      origin_(std::move(origin)),
      ttl_ms_(std::to_string(std::chrono::milliseconds(idle_timeout).count())),
      keep_alive_every_(std::max<std::chrono::milliseconds>(
          std::chrono::milliseconds(1000), std::chrono::milliseconds(idle_timeout) / 3)) {}

RedisSessionDirectory::~RedisSessionDirectory() {
    {
        std::lock_guard lock(keep_alive_mutex_);
        stopping_ = true;
    }
    keep_alive_wake_.notify_all();
    if (keep_alive_.joinable()) {
        keep_alive_.join();
    }
}

Result<std::unique_ptr<RedisSessionDirectory>> RedisSessionDirectory::Open(
    std::shared_ptr<auth::RedisClient> redis, std::string origin,
    std::chrono::seconds idle_timeout) {
    std::unique_ptr<RedisSessionDirectory> directory(
        new RedisSessionDirectory(redis, std::move(origin), idle_timeout));
    auto* raw = directory.get();
    auto subscriber = auth::RedisSubscriber::Start(
        std::move(redis), {directory->channel_},
        [raw](std::string_view, std::string_view payload) { raw->OnNotice(payload); });
    if (!subscriber) {
        return subscriber.error();
    }
    directory->subscriber_ = *std::move(subscriber);
    return directory;
}

std::string RedisSessionDirectory::Key(std::string_view id) const {
    return "ea:mcp-session:" + std::string(id);
}

std::string RedisSessionDirectory::Notice(std::string_view id) const {
    return boost::json::serialize(boost::json::object{{"origin", origin_}, {"id", id}});
}

void RedisSessionDirectory::OnNotice(std::string_view payload) {
    boost::system::error_code ec;
    const auto value = boost::json::parse(payload, ec);
    if (ec || !value.is_object()) {
        return;
    }
    const auto* sender = value.get_object().if_contains("origin");
    const auto* id = value.get_object().if_contains("id");
    if (sender == nullptr || !sender->is_string() || sender->get_string() == origin_ ||
        id == nullptr || !id->is_string()) {
        return;
    }
    std::lock_guard lock(watch_mutex_);
    if (on_changed_) {
        on_changed_(std::string_view(id->get_string()));
    }
}

void RedisSessionDirectory::Watch(ChangeHandler on_changed) {
    std::lock_guard lock(watch_mutex_);
    on_changed_ = std::move(on_changed);
}

void RedisSessionDirectory::KeepAlive(StreamingSessions streaming) {
    std::lock_guard lock(keep_alive_mutex_);
    streaming_ = std::move(streaming);
    if (streaming_ && !keep_alive_.joinable()) {
        keep_alive_ = std::thread([this] { RunKeepAlive(); });
    }
}

void RedisSessionDirectory::RunKeepAlive() {
    std::unique_lock lock(keep_alive_mutex_);
    while (!keep_alive_wake_.wait_for(lock, keep_alive_every_, [this] { return stopping_; })) {
        if (!streaming_) {
            continue;
        }
        const std::vector<std::string> ids = streaming_();
        lock.unlock();
        for (const auto& id : ids) {
            // PEXPIRE, not SET: a session another instance just ended stays ended.
            static_cast<void>(redis_->Command({"PEXPIRE", Key(id), ttl_ms_}));
        }
        lock.lock();
    }
}

Status RedisSessionDirectory::Put(std::string_view id, const mcp::SharedSession& session) {
    auto reply =
        redis_->Command({"EVAL", kPutScript, "1", Key(id), mcp::EncodeSharedSession(session),
                         ttl_ms_, channel_, Notice(id)});
    if (!reply) {
        return reply.error();
    }
    return Ok();
}

Result<std::optional<mcp::SharedSession>> RedisSessionDirectory::Find(std::string_view id) {
    auto reply = redis_->Command({"GETEX", Key(id), "PX", ttl_ms_});
    if (!reply) {
        return reply.error();
    }
    if ((*reply)->type == REDIS_REPLY_NIL) {
        return std::optional<mcp::SharedSession>();
    }
    if ((*reply)->type != REDIS_REPLY_STRING) {
        return redis_->Failure("malformed MCP session record");
    }
    auto session = mcp::DecodeSharedSession(std::string_view((*reply)->str, (*reply)->len));
    if (!session) {
        return redis_->Failure("malformed MCP session record");
    }
    return std::optional<mcp::SharedSession>(*std::move(session));
}

Status RedisSessionDirectory::Remove(std::string_view id) {
    auto reply = redis_->Command({"EVAL", kRemoveScript, "1", Key(id), channel_, Notice(id)});
    if (!reply) {
        return reply.error();
    }
    return Ok();
}

}  // namespace ea::app
