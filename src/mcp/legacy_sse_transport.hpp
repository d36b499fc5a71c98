// The HTTP+SSE transport of revision 2024-11-05 (deprecated since 2025-03-26, still used by older
// clients): `GET /sse` opens an event stream whose first event, `endpoint`, names the URL to POST
// messages to (`/messages?sessionId=...`); each POST is answered 202 Accepted and the JSON-RPC
// response goes out on the stream as a `message` event, like every server-initiated message
// (resource updates, tool-list changes). A session lives as long as its stream: once the client
// went away its POSTs are 404. The same rules as Streamable HTTP apply to both requests: Origin
// (DNS rebinding) and Host checks and a bearer token, through HttpTransport::Admit; a session
// belongs to the user who opened it. No Beast here.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "http/http_types.hpp"
#include "mcp/http_sessions.hpp"
#include "mcp/http_transport.hpp"
#include "mcp/mcp_server.hpp"
#include "mcp/server_slot.hpp"

namespace ea::mcp {

class LegacySseTransport {
public:
    // `servers` and `admission` (for its Origin and bearer checks) must outlive this.
    // `messages_path`: where the endpoint event sends clients ("/messages").
    LegacySseTransport(const McpServerSlot& servers, const HttpTransport& admission,
                       std::size_t max_sessions, std::chrono::seconds idle_timeout,
                       std::string messages_path = "/messages");

    http::Response Get(const http::Request& request);
    http::Response Post(const http::Request& request);

    std::size_t session_count() const { return sessions_.size(); }

private:
    std::shared_ptr<const McpServer> server() const { return servers_.Current(); }

    const McpServerSlot& servers_;
    const HttpTransport& admission_;
    HttpSessionTable sessions_;
    const std::string messages_path_;
};

}  // namespace ea::mcp
