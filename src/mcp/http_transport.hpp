// Streamable HTTP at /mcp: both eras on one endpoint.
//   - Stateless 2026-07-28 (a request whose params._meta names a protocol version): each POST
//     stands alone; MCP-Protocol-Version, Mcp-Method and Mcp-Name (tools/call, resources/read,
//     prompts/get; "=?base64?...?=" decoded) must be present and match the body, else 400 with
//     HeaderMismatch (-32020); UnsupportedProtocolVersion and MissingRequiredClientCapability are
//     400, Method not found 404. Mcp-Session-Id is ignored and never minted.
//     subscriptions/listen is answered with a long-lived event stream (subscriptions.hpp).
//   - Session era (2025-03-26 .. 2025-11-25): initialize mints Mcp-Session-Id (in its response);
//     every later POST and DELETE must carry it (missing: 400, unknown, expired or another user's:
//     404); MCP-Protocol-Version, when sent, must be a session-era version this server speaks
//     (else 400); the session keeps answering in the version it negotiated, as the reference
//     SDK server does.
//     DELETE ends the session (and its stream). GET (Accept: text/event-stream) opens the
//     session's stream of server-initiated messages (session_outbox.hpp): one per session (a
//     second is 409), each event numbered, and a GET with Last-Event-ID replays what the client
//     missed from a bounded buffer. A POST whose request asks for progress
//     (_meta.progressToken) from a client accepting text/event-stream is answered as a stream:
//     notifications/progress when the call starts and ends, then the response.
//     With a SessionDirectory (several instances, session_directory.hpp) a session opened on one
//     instance is found on every other: each request loads its state (revision, capabilities,
//     log level, subscriptions) first and stores what it changed; DELETE ends it everywhere.
//     The GET stream stays on the instance it was opened on: resource updates reach it whichever
//     instance the subscription was made on (the directory tells the others), but messages a
//     request produces (log messages) go to the outbox of the instance that answered it, where a
//     GET with Last-Event-ID finds them; event ids are numbered per instance.
// Both eras: an Origin header that is neither this server's own origin (same scheme-less
// authority as Host) nor one of the CORS allowed origins is 403 (DNS rebinding); every request
// needs `Authorization: Bearer <token>` (a REST session token) unless auth is off, else 401 with
// WWW-Authenticate: Bearer. Notifications and client responses are 202 with no body. Responses
// are application/json, or one SSE event when the client accepts only text/event-stream.
// No Beast here: only http_types.hpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/principal.hpp"
#include "common/result.hpp"
#include "http/http_types.hpp"
#include "mcp/http_sessions.hpp"
#include "mcp/mcp_server.hpp"
#include "mcp/server_slot.hpp"

namespace ea::mcp {

struct HttpTransportOptions {
    std::size_t max_sessions = 1024;
    std::chrono::seconds session_idle_timeout{3600};
    // Serialized origins (http::NormalizeOrigin) browsers may call from besides our own.
    std::vector<std::string> allowed_origins;
    // Where session-era sessions are shared with other instances; null: this instance only.
    // Must outlive the transport.
    SessionDirectory* directory = nullptr;
};

// The principal for a request's bearer token (nullopt: no Authorization: Bearer header).
// Errors are kUnauthenticated (or kUnavailable when the session backend is down).
using BearerAuthenticator = std::function<Result<Principal>(std::optional<std::string_view> token)>;

class HttpTransport {
public:
    // `servers` must outlive the transport; each request uses the server current when it began.
    HttpTransport(const McpServerSlot& servers, BearerAuthenticator authenticate,
                  HttpTransportOptions options);
    ~HttpTransport();
    HttpTransport(const HttpTransport&) = delete;
    HttpTransport& operator=(const HttpTransport&) = delete;

    http::Response Post(const http::Request& request);
    http::Response Get(const http::Request& request);
    http::Response Delete(const http::Request& request);

    std::size_t session_count() const { return sessions_.size(); }

    // Origin and bearer checks shared by every method (and the legacy HTTP+SSE transport); a
    // response when the request must stop, else `principal` is set.
    std::optional<http::Response> Admit(const http::Request& request, Principal* principal) const;

private:
    http::Response PostStateless(const http::Request& request, const RpcRequest& rpc,
                                 Principal principal) const;
    http::Response PostSession(const http::Request& request, const RpcRequest& rpc,
                               Principal principal);
    // subscriptions/listen (2026-07-28): acknowledged, then a long-lived event stream of the
    // notifications its filter asked for, tagged with its subscription id (the request id).
    http::Response Listen(const http::Request& request, const RpcRequest& rpc,
                          Connection& connection) const;
    // A POST answered as an event stream: progress, then the response (see above).
    http::Response StreamAnswer(std::shared_ptr<HttpSession> session, std::string id,
                                std::optional<SharedSession> shared, RpcRequest rpc,
                                Principal principal);
    http::Response PostBatch(const http::Request& request, std::string_view body,
                             Principal principal);

    std::shared_ptr<const McpServer> server() const { return servers_.Current(); }

    // Session `id` for `principal`: this instance's, or (with a directory) one another instance
    // opened, adopted here. `shared` receives the directory's state of it, for LoadShared under
    // the session's mutex. nullptr: unknown, ended, expired or someone else's; with
    // *unavailable set, because the directory could not be asked (or the table is full).
    std::shared_ptr<HttpSession> FindSession(std::string_view id, const Principal& principal,
                                             HttpSessionTable::Clock::time_point now,
                                             std::optional<SharedSession>* shared,
                                             bool* unavailable);
    // REQUIRES: session.mutex held. The directory's state into the session's connection and
    // the hub's subscriptions; then the state back into the directory if a request changed it.
    void LoadShared(HttpSession& session, std::optional<SharedSession> shared);
    void StoreShared(std::string_view id, HttpSession& session);
    // Another instance changed or ended session `id` (SessionDirectory::Watch).
    void OnSharedChange(std::string_view id);

    const McpServerSlot& servers_;
    BearerAuthenticator authenticate_;
    HttpTransportOptions options_;
    HttpSessionTable sessions_;
};

}  // namespace ea::mcp
