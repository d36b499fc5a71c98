// ReloadNotices: schema reloads told to every instance on one Redis (channel
// ea:<db>:schema-reloaded), so that all of them serve one schema and every MCP client hears
// notifications/tools/list_changed, whichever instance it is connected to.
//
// An instance that reloaded (SIGHUP or POST /api/_admin/reload-schema) Announces it; each other
// instance then re-reads its own schema file, exactly as its own SIGHUP would (the file is part
// of the deployment, like the binary: every instance must be given the same one). A reload
// started by a notice is not announced again. A notice lost while Redis is down is not replayed:
// send SIGHUP to that instance (or reload again) once Redis is back.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "auth/redis_client.hpp"
#include "auth/redis_subscriber.hpp"
#include "common/result.hpp"

namespace ea::app {

class ReloadNotices {
public:
    // Subscribes; `on_remote_reload` runs on the subscriber's thread for each notice from
    // another origin (it may take as long as a reload takes: no request waits on that thread).
    [[nodiscard]] static Result<std::unique_ptr<ReloadNotices>> Open(
        std::shared_ptr<auth::RedisClient> redis, std::string origin,
        std::function<void()> on_remote_reload);

    // Tells the other instances; kUnavailable when Redis cannot be reached (this instance's
    // reload stands all the same).
    [[nodiscard]] Status Announce();

private:
    ReloadNotices(std::shared_ptr<auth::RedisClient> redis, std::string channel, std::string origin)
        : redis_(std::move(redis)), channel_(std::move(channel)), origin_(std::move(origin)) {}

    const std::shared_ptr<auth::RedisClient> redis_;
    const std::string channel_;
    const std::string origin_;
    std::function<void()> on_remote_reload_;
    std::unique_ptr<auth::RedisSubscriber> subscriber_;  // last: stopped first
};

}  // namespace ea::app
