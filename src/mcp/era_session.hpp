// The session era (revisions 2024-11-05 to 2025-11-25): `initialize` negotiates a version for the
// connection (the stdio process, later an HTTP session), `notifications/initialized` follows, and
// `ping` works at any time. Only this file and era_stateless.* know which revision says what;
// tools are written once.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <boost/json/object.hpp>

#include "mcp/jsonrpc.hpp"

namespace ea::mcp {

struct ServerIdentity {
    std::string name = "events-api";
    std::string title = "Events API";
    std::string version = "0.1.0";
    std::string instructions;
};

// Newest first; initialize answers the requested one when it is here, else the first.
inline constexpr std::array<std::string_view, 4> kSessionVersions = {"2025-11-25", "2025-06-18",
                                                                     "2025-03-26", "2024-11-05"};

// The version to answer an initialize that asked for `requested`.
std::string_view NegotiateSessionVersion(std::string_view requested);

// What a connection remembers between messages in the session era.
struct SessionState {
    std::optional<std::string> version;  // set by a successful initialize
    bool client_initialized = false;     // notifications/initialized arrived
    // The least severe level logging/setLevel asked for (client_log.hpp); nothing is sent
    // before a client asks.
    std::optional<int> log_level;
    // What initialize said the client can do (params.capabilities), kept with the session.
    boost::json::object client_capabilities;
    bool operator==(const SessionState&) const = default;
};

// The InitializeResult for `version`, or -32602 when params lack a string protocolVersion.
// Errors also when the connection is already initialized (-32600).
std::variant<boost::json::object, RpcError> Initialize(SessionState& state,
                                                       const boost::json::object& params,
                                                       const ServerIdentity& identity);

// 2025-06-18 added structured tool output (structuredContent, outputSchema).
bool HasStructuredContent(std::string_view version);
// Only 2025-03-26 allows JSON-RPC batches (2025-06-18 removed them again).
bool AllowsBatches(std::string_view version);

}  // namespace ea::mcp
