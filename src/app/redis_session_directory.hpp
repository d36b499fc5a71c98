// RedisSessionDirectory: the MCP session era's sessions in the sessions' Redis, so every instance
// finds every session (mcp/session_directory.hpp). Key ea:mcp-session:<id> holds the session's
// state as JSON and expires after the idle timeout, which each Find and Put restarts. A Put or
// Remove also publishes the id on ea:<db>:mcp-sessions, so the instance holding the session's GET
// stream brings its subscriptions up to date (or ends the stream) at once. Sessions with an open
// GET stream have their keys' expiry restarted now and then (KeepAlive), as one instance keeps
// them alive.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "auth/redis_client.hpp"
#include "auth/redis_subscriber.hpp"
#include "mcp/session_directory.hpp"

namespace ea::app {

class RedisSessionDirectory final : public mcp::SessionDirectory {
public:
    // Subscribes to the change channel (kUnavailable when Redis cannot be reached now).
    [[nodiscard]] static Result<std::unique_ptr<RedisSessionDirectory>> Open(
        std::shared_ptr<auth::RedisClient> redis, std::string origin,
        std::chrono::seconds idle_timeout);
    ~RedisSessionDirectory() override;

    [[nodiscard]] Status Put(std::string_view id, const mcp::SharedSession& session) override;
    [[nodiscard]] Result<std::optional<mcp::SharedSession>> Find(std::string_view id) override;
    [[nodiscard]] Status Remove(std::string_view id) override;
    void Watch(ChangeHandler on_changed) override;
    // Restarts the streaming sessions' idle clocks every third of the idle timeout (at least
    // every second), on a thread of its own.
    void KeepAlive(StreamingSessions streaming) override;

private:
    RedisSessionDirectory(std::shared_ptr<auth::RedisClient> redis, std::string origin,
                          std::chrono::seconds idle_timeout);
    std::string Key(std::string_view id) const;
    std::string Notice(std::string_view id) const;
    void OnNotice(std::string_view payload);
    void RunKeepAlive();

    const std::shared_ptr<auth::RedisClient> redis_;
    const std::string channel_;
    const std::string origin_;
    const std::string ttl_ms_;
    std::mutex watch_mutex_;  // held while calling on_changed_, so Watch({}) waits for it
    ChangeHandler on_changed_;
    std::mutex keep_alive_mutex_;  // guards streaming_, stopping_; held while asking streaming_
    std::condition_variable keep_alive_wake_;
    StreamingSessions streaming_;
    bool stopping_ = false;
    std::chrono::milliseconds keep_alive_every_;
    std::thread keep_alive_;
    std::unique_ptr<auth::RedisSubscriber> subscriber_;  // last: stopped first
};

}  // namespace ea::app
