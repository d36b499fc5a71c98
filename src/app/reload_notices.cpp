#include "app/reload_notices.hpp"

#include <utility>

#include <boost/json.hpp>

#include "app/shared_state.hpp"

namespace ea::app {

Result<std::unique_ptr<ReloadNotices>> ReloadNotices::Open(std::shared_ptr<auth::RedisClient> redis,
                                                           std::string origin,
                                                           std::function<void()> on_remote_reload) {
    std::string channel = SharedChannel(*redis, "schema-reloaded");
    std::unique_ptr<ReloadNotices> notices(
        new ReloadNotices(redis, std::move(channel), std::move(origin)));
    notices->on_remote_reload_ = std::move(on_remote_reload);
    auto* raw = notices.get();
    auto subscriber = auth::RedisSubscriber::Start(
        std::move(redis), {notices->channel_}, [raw](std::string_view, std::string_view payload) {
            boost::system::error_code ec;
            const auto value = boost::json::parse(payload, ec);
            const auto* sender =
                !ec && value.is_object() ? value.get_object().if_contains("origin") : nullptr;
            if (sender != nullptr && sender->is_string() && sender->get_string() != raw->origin_) {
                raw->on_remote_reload_();
            }
        });
    if (!subscriber) {
        return subscriber.error();
    }
    notices->subscriber_ = *std::move(subscriber);
    return notices;
}

Status ReloadNotices::Announce() {
    const std::string message = boost::json::serialize(boost::json::object{{"origin", origin_}});
    if (auto sent = redis_->Command({"PUBLISH", channel_, message}); !sent) {
        return sent.error();
    }
    return Ok();
}

}  // namespace ea::app
