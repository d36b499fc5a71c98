// RequestContext: who is calling and through which face. Passed as a parameter to every service
// call (never a global), so audit and rules see the same facts on REST and MCP.
#pragma once

#include <chrono>
#include <string>

#include "common/principal.hpp"

namespace ea::service {

// kCli is the operator's own shell (CLI commands, first-run bootstrap): it skips the entity
// operations and role checks, so it is only ever set explicitly at those call sites. A context
// built without a channel is kUnset, which every check denies (fail closed).
enum class Channel { kUnset, kRest, kMcp, kCli };

// The transport under an MCP channel, for the audit trail ("mcp-stdio", "mcp-http"); kDefault
// names the channel alone. No rule depends on it.
enum class Transport { kDefault, kStdio, kHttp };

struct RequestContext {
    Principal principal;
    std::string request_id;
    Channel channel = Channel::kUnset;
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
    Transport transport = Transport::kDefault;
};

}  // namespace ea::service
