// Outbox: where the server-initiated messages of one client go (a session's GET stream, a legacy
// HTTP+SSE stream, a subscriptions/listen stream). Whoever fans messages out (subscriptions,
// list-change announcements) holds outboxes weakly and forgets one that refuses.
#pragma once

#include <string>

namespace ea::mcp {

class Outbox {
public:
    virtual ~Outbox() = default;
    // Queues one serialized JSON-RPC message (a notification); false once this client can never
    // receive anything again (its session or stream ended). Thread-safe, never blocks on I/O.
    virtual bool Deliver(const std::string& message) = 0;
    // False once Deliver would refuse (lets a holder forget it without sending anything).
    virtual bool open() const { return true; }
};

}  // namespace ea::mcp
