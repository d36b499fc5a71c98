// The one ErrorCode -> MCP mapping. Domain failures (bad arguments, validation, not found,
// conflicts, denials, limits, an unavailable backend) become tool results with `isError: true`
// and a message an assistant can act on; a bug (kInternal) becomes a JSON-RPC -32603 with a
// generic message and the request id, its details only in the log. See
// /work/shared/design section 5 and docs/architecture.md.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include <boost/json/object.hpp>

#include "common/error.hpp"
#include "mcp/jsonrpc.hpp"

namespace ea::mcp {

// The text an assistant sees for a domain failure, e.g.
//   "Validation failed: email: Bad email address format; username: must be at least 3 characters"
//   "User 'usr_x' not found"   "Conflict: username already exists"   "Permission denied: ..."
//   "Rate limit exceeded: retry in 7 s"
std::string ToolErrorMessage(const Error& error);

// A CallToolResult with isError, the message as its one text block, and structuredContent
// {"error": {"code", "message", "fields"}} for clients that read structured output.
boost::json::object ToolErrorResult(const Error& error);

// What a failed tool call answers: an isError result, or for kInternal a JSON-RPC error.
using ToolFailure = std::variant<boost::json::object, RpcError>;
ToolFailure MapToolError(const Error& error, std::string_view request_id);

}  // namespace ea::mcp
