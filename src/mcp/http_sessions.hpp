// The session era's sessions on Streamable HTTP (revisions 2025-03-26 to 2025-11-25): an
// `initialize` mints an Mcp-Session-Id, later requests name it. Each session keeps its own
// Connection (negotiated version, principal) and belongs to the user who opened it: a request
// from anyone else finds nothing, exactly as for an unknown id. Bounded in number, and a session
// unused for `idle_timeout` is gone (found as unknown, and swept when room is needed); a session
// whose GET stream is open counts as used. An ended session's outbox is ended too.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mcp/mcp_server.hpp"
#include "mcp/session_directory.hpp"
#include "mcp/session_outbox.hpp"

namespace ea::mcp {

struct HttpSession {
    std::mutex mutex;  // one request at a time per session; guards `connection`
    Connection connection;
    std::string owner;  // OwnerKey of the principal that opened it
    // Server-to-client messages (the GET stream, with replay); ended with the session.
    const std::shared_ptr<SessionOutbox> outbox = std::make_shared<SessionOutbox>();
    // With a SessionDirectory: the state as last loaded from or stored in it (guarded by
    // `mutex`), so that only a request that changed something writes it back.
    SharedSession shared;
};

// Who may use a session: the user's id and name (open mode's anonymous administrator has no id).
std::string OwnerKey(const Principal& principal);

class HttpSessionTable {
public:
    using Clock = std::chrono::steady_clock;

    HttpSessionTable(std::size_t max_sessions, std::chrono::seconds idle_timeout);

    // A new session owned by `owner` with a fresh id (256 random bits, base64url: visible ASCII
    // as the transport requires); nullptr when the table is full even after sweeping expired
    // sessions.
    std::shared_ptr<HttpSession> Create(std::string owner, std::string* id, Clock::time_point now);

    // The live session `id` owned by `owner` (its idle clock restarts), or nullptr: unknown,
    // expired (then removed) or someone else's.
    std::shared_ptr<HttpSession> Find(std::string_view id, std::string_view owner,
                                      Clock::time_point now);

    // A session another instance opened, here under its own `id` (SessionDirectory): the one
    // already here when a concurrent request adopted it first (nullptr when that one is someone
    // else's, or when the table is full).
    std::shared_ptr<HttpSession> Adopt(const std::string& id, std::string owner,
                                       Clock::time_point now);
    // Session `id` whoever owns it, without touching its idle clock (nullptr when not here), and
    // ending it here: for a change another instance made (SessionDirectory::Watch).
    std::shared_ptr<HttpSession> Peek(std::string_view id) const;
    void Forget(std::string_view id);
    // The ids of the sessions whose GET stream is open here.
    std::vector<std::string> StreamingIds() const;

    // Ends session `id` when `owner` owns it; false when there was no such session.
    bool Remove(std::string_view id, std::string_view owner);

    std::size_t size() const;

private:
    struct Entry {
        std::shared_ptr<HttpSession> session;
        Clock::time_point last_used;
    };
    void SweepLocked(Clock::time_point now);
    // Adds a session `id` for `owner` (after a sweep when the table is full; nullptr when it is
    // still full), copying the id to *id_out when given.
    std::shared_ptr<HttpSession> InsertLocked(std::string id, std::string owner,
                                              Clock::time_point now, std::string* id_out);

    const std::size_t max_sessions_;
    const std::chrono::seconds idle_timeout_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace ea::mcp
