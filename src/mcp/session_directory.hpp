// SessionDirectory: where the session era's sessions live when several instances serve one
// deployment, so that a client whose requests land on another instance (a load balancer without
// stickiness, an instance restarted) keeps its session. What moves is what the session
// remembers between requests: its owner, the negotiated revision, whether the client sent
// notifications/initialized, its capabilities, its log level, its resource subscriptions and
// the tool set it chose (?tools=compact).
// The GET stream does not move: it is a connection to one instance (see http_transport.hpp).
// The HTTP transport loads a session's state before each request and stores it after the
// request changed it; Redis implements it in app/ (redis_session_directory.hpp).
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "mcp/era_session.hpp"
#include "mcp/tool_schema.hpp"

namespace ea::mcp {

struct SharedSession {
    std::string owner;  // OwnerKey of the principal that opened it
    SessionState state;
    std::set<std::string> subscriptions;  // resources/subscribe URIs
    std::optional<ToolsMode> tools_mode;  // ?tools= at initialize; unset: the server's default
    bool operator==(const SharedSession&) const = default;
};

// JSON text of a session, and back (nullopt for text that is not one).
std::string EncodeSharedSession(const SharedSession& session);
std::optional<SharedSession> DecodeSharedSession(std::string_view text);

class SessionDirectory {
public:
    using ChangeHandler = std::function<void(std::string_view id)>;
    virtual ~SessionDirectory() = default;

    // Stores session `id` (its idle clock restarts) and tells the other instances it changed.
    [[nodiscard]] virtual Status Put(std::string_view id, const SharedSession& session) = 0;
    // Session `id` (its idle clock restarts), nullopt when unknown, ended or expired; an error
    // (kUnavailable) when the directory cannot be reached.
    [[nodiscard]] virtual Result<std::optional<SharedSession>> Find(std::string_view id) = 0;
    // Ends session `id` everywhere and tells the other instances.
    [[nodiscard]] virtual Status Remove(std::string_view id) = 0;
    // `on_changed(id)` runs (on a thread of the directory) when another instance Put or Removed
    // session `id`; an empty handler stops the calls, and returns only once none is running.
    virtual void Watch(ChangeHandler on_changed) = 0;
    // A session whose GET stream is open counts as used: `streaming()` (the ids of this
    // instance's sessions with an open stream) is asked now and then, and their idle clocks
    // restart. An empty function stops the calls, and returns only once none is running.
    using StreamingSessions = std::function<std::vector<std::string>()>;
    virtual void KeepAlive(StreamingSessions streaming) = 0;
};

}  // namespace ea::mcp
